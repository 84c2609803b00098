import { Scheduler, SpotVm } from '../scheduler';
import { fleetOf, request, specFor, type } from '../testing/fleet-fixture';
import { chooseSpotToReclaim, ReclaimCandidate, ReclaimHost } from './spot-reclaim';

/** A candidate taking `res` millicores reserved (and as much limit, and `res` MiB). */
const vm = (vmId: string, res: number, maxPrice: string, launchedAt = 0, leaving = false): ReclaimCandidate => ({
  vmId, amounts: { reservationMillicores: res, limitMillicores: res, memoryMiB: res }, maxPrice, launchedAt, leaving,
});
/** A host of 10,000 in each dimension with `used` allocated, for a request of 2,000 millicores and 1,000 MiB. */
const host = (hostId: string, used: number, spot: ReclaimCandidate[]): ReclaimHost => ({
  hostId, capacity: { reservationMillicores: 10_000, limitMillicores: 10_000, memoryMiB: 10_000 },
  allocated: { reservedMillicores: used, limitMillicores: used, memoryMiB: used }, need: { reservationMillicores: 2_000, limitMillicores: 2_000, memoryMiB: 1_000 }, spot,
});

describe('chooseSpotToReclaim (docs/model.md, "Spot interruptions": capacity)', () => {
  it('on one host takes the lowest maximum price first, the newest first among equals, until the request fits', () => {
    // 9,000 used, 1,000 free: 0 instances of 2,000. c (0.03, launched at 200) goes before b (0.03, at 100)
    // and a (0.05): 1,000 + 1,500 = 2,500 free, one instance fits.
    const h = host('h1', 9_000, [vm('a', 3_000, '0.05'), vm('b', 3_000, '0.030', 100), vm('c', 1_500, '0.03', 200)]);
    expect(chooseSpotToReclaim([h], 1)).toEqual(['c']);
    // Two instances need 4,000: c (2,500), then b (5,500 free: two fit).
    expect(chooseSpotToReclaim([h], 2)).toEqual(['c', 'b']);
    // Three need 6,000: c, b, then a (8,500 free: four fit).
    expect(chooseSpotToReclaim([h], 3)).toEqual(['c', 'b', 'a']);
  });

  it('chooses the host that makes room with the fewest interruptions, even where its Spot Instances offered more', () => {
    // h1: 1,000 free; its two cheap 600s give 2,200 (two interruptions). h2: 0 free; one 2,000 at 0.09 gives room (one).
    const h1 = host('h1', 9_000, [vm('cheap1', 600, '0.01'), vm('cheap2', 600, '0.01')]);
    const h2 = host('h2', 10_000, [vm('dear', 2_000, '0.09')]);
    expect(chooseSpotToReclaim([h1, h2], 1)).toEqual(['dear']);
    // Equal interruptions: the lower maximum price.
    const h3 = host('h3', 10_000, [vm('dearer', 2_000, '0.10')]);
    expect(chooseSpotToReclaim([h3, h2], 1)).toEqual(['dear']);
    // Two instances over two hosts: one from each.
    expect(chooseSpotToReclaim([h3, h2], 2)).toEqual(['dear', 'dearer']);
  });

  it('chooses none when reclaiming every Spot Instance would not make room (the rest is On-Demand)', () => {
    // 9,900 used of which only 500 are Spot: 600 free at most.
    expect(chooseSpotToReclaim([host('h1', 9_900, [vm('s', 500, '0.01')])], 1)).toBeUndefined();
    expect(chooseSpotToReclaim([], 1)).toBeUndefined();
    // One fits after reclaiming, two do not: none.
    expect(chooseSpotToReclaim([host('h1', 10_000, [vm('s', 2_000, '0.01')])], 2)).toBeUndefined();
  });

  it('counts Spot Instances already under notice as gone: nothing more when their room is enough', () => {
    const h = host('h1', 10_000, [vm('noticed', 2_000, '0.05', 0, true), vm('other', 2_000, '0.01')]);
    expect(chooseSpotToReclaim([h], 1)).toEqual([]);
    expect(chooseSpotToReclaim([h], 2)).toEqual(['other']);
  });
});

describe('Scheduler.spotToReclaim', () => {
  // An m5-host guarantees 109,760 millicores (2 % VMM overhead). a: m5.16xlarge On-Demand (64,000) and an
  // m5.8xlarge Spot (32,000): 13,760 left. b: m5.24xlarge On-Demand (96,000) and two m5.large Spot (2,000
  // each): 9,760 left, 13,760 with both gone. An m5.4xlarge needs 16,000: on a only, by reclaiming the m5.8xlarge.
  const scene = () => {
    const { fleet } = fleetOf([['a', 'm5-host', 'us-east-1a'], ['b', 'm5-host', 'us-east-1a']]);
    const on = (hostId: string, t: string) => fleet.launch(specFor(type(t)), hostId).vmId;
    const onDemandA = on('a', 'm5.16xlarge');
    const spotA = on('a', 'm5.8xlarge');
    const onDemandB = on('b', 'm5.24xlarge');
    const spotB = [on('b', 'm5.large'), on('b', 'm5.large')];
    const sut = new Scheduler(fleet);
    const spot = (ids: string[], leaving: string[] = []): SpotVm[] => ids.map((vmId) => ({ vmId, maxPrice: '0.01', launchedAt: 0, leaving: leaving.includes(vmId) }));
    return { fleet, sut, onDemandA, spotA, onDemandB, spotB, spot };
  };

  it('finds the Spot Instance whose host then fits the request; none where reclaiming would not make room', () => {
    const { sut, spotA, spotB, spot } = scene();
    const req = request('m5.4xlarge');
    expect(sut.place(req).ok).toBe(false);
    expect(sut.spotToReclaim(req, spot([...spotB, spotA]))).toEqual({ availabilityZone: 'us-east-1a', vmIds: [spotA] });
    // b's Spot Instances alone free 13,760: not enough.
    expect(sut.spotToReclaim(req, spot(spotB))).toBeUndefined();
    // An m5.2xlarge (8,000) would fit on b once its two m5.large go (13,760), but it fits on a now: nothing to reclaim.
    expect(sut.spotToReclaim(request('m5.2xlarge'), spot([...spotB, spotA]))).toEqual({ availabilityZone: 'us-east-1a', vmIds: [] });
    // Already under notice: nothing more.
    expect(sut.spotToReclaim(req, spot([...spotB, spotA], [spotA]))).toEqual({ availabilityZone: 'us-east-1a', vmIds: [] });
  });

  it('never chooses an On-Demand instance, another zone\'s host, or for a launch off shared hardware', () => {
    const { sut, onDemandA, onDemandB, spotA, spot } = scene();
    const req = request('m5.4xlarge');
    // Listed as Spot or not, only those listed are candidates: the On-Demand ones are never listed by the app.
    expect(sut.spotToReclaim(req, [])).toBeUndefined();
    expect(sut.spotToReclaim(req, spot([spotA]))!.vmIds).not.toContain(onDemandA);
    expect(sut.spotToReclaim(req, spot([spotA]))!.vmIds).not.toContain(onDemandB);
    expect(sut.spotToReclaim(request('m5.4xlarge', { availabilityZone: 'us-east-1b' }), spot([spotA]))).toBeUndefined();
    expect(sut.spotToReclaim(request('m5.4xlarge', { tenancy: 'dedicated' }), spot([spotA]))).toBeUndefined();
    expect(sut.spotToReclaim(request('m5.4xlarge', { availabilityZone: 'us-east-1a' }), spot([spotA]))).toEqual({ availabilityZone: 'us-east-1a', vmIds: [spotA] });
  });

  it('after the chosen Spot Instance is gone, the request places', () => {
    const { fleet, sut, spotA, spotB, spot } = scene();
    const req = request('m5.4xlarge');
    const { vmIds } = sut.spotToReclaim(req, spot([...spotB, spotA]))!;
    for (const id of vmIds) fleet.terminate(id);
    fleet.engine.runUntil(fleet.now + 60_000);
    expect(sut.place(req)).toEqual({ ok: true, availabilityZone: 'us-east-1a', hostIds: ['a'] });
  });
});
