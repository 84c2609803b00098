import { DomainError, InvalidParameterValue, findHostType, resolveCpuParams } from '@nimbus/hypervisor';
import { InsufficientInstanceCapacity, PlacementDecision } from './contract';
import { Scheduler } from './scheduler';
import { bruteZone } from './testing/brute-force';
import { allocations, fill, fleetOf, launchAll, request, type } from './testing/fleet-fixture';

// An m5-host: 112 threads, 109,760 millicores guaranteeable (2 % VMM overhead), 516,096 MiB for
// guests, 64 MiB overhead per VM. These figures explain the counts below.

const hostsOf = (d: PlacementDecision) => (d.ok ? d.hostIds : []);

describe('Scheduler filters (docs/model.md §4)', () => {
  it('runs an instance family only on host types that run it', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['c5-a', 'c5-host', 'us-east-1a'], ['r5-a', 'r5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    expect(hostsOf(sut.place(request('c5.large')))).toEqual(['c5-a']);
    expect(hostsOf(sut.place(request('r5.large')))).toEqual(['r5-a']);
    expect(hostsOf(sut.place(request('t3.micro')))).toEqual(['m5-a']);
  });

  it('refuses a family no host type in the zone runs, naming the zone', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['c5-b', 'c5-host', 'us-east-1b']]);
    const sut = new Scheduler(fleet);
    expect(sut.place(request('c5.large', { availabilityZone: 'us-east-1a' }))).toEqual({
      ok: false,
      refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['instance-family'] }],
    });
    expect(sut.place(request('c5.large'))).toEqual({ ok: true, availabilityZone: 'us-east-1b', hostIds: ['c5-b'] });
  });

  it('refuses an unknown availability zone', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    expect(sut.place(request('m5.large', { availabilityZone: 'us-east-1z' }))).toEqual({
      ok: false,
      refusals: [{ availabilityZone: 'us-east-1z', fits: 0, reasons: ['availability-zone'] }],
    });
  });

  it('uses only available hosts, once told that a host changed state', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    fleet.host('m5-a')!.state = 'draining';
    sut.reindexHost('m5-a');
    expect(sut.place(request('m5.large'))).toMatchObject({ ok: false, refusals: expect.arrayContaining([{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['host-state'] }]) });
    fleet.host('m5-a')!.state = 'available';
    sut.reindexHost('m5-a');
    expect(hostsOf(sut.place(request('m5.large')))).toEqual(['m5-a']);
  });

  it('never oversubscribes CPU reservations, whatever the allocation ratio', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet, { weigher: 'pack', cpuAllocationRatio: 16, ramAllocationRatio: 1 });
    fill(fleet, 'm5-a', 'm5.24xlarge', 1); // 96,000 of 109,760 millicores reserved
    expect(sut.place(request('m5.4xlarge'))).toEqual({ ok: false, refusals: expect.arrayContaining([{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['capacity: cpu-reservation'] }]) });
    expect(hostsOf(sut.place(request('m5.2xlarge')))).toEqual(['m5-a']); // 8,000 ≤ 13,760 left
  });

  it('oversubscribes CPU limits only up to threads × cpuAllocationRatio', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    // t3.micro: 200 millicores reserved, 2,000 limit: at ratio 1 the limit binds at 112 / 2 = 56.
    const sut = new Scheduler(fleet, { weigher: 'pack', cpuAllocationRatio: 1, ramAllocationRatio: 1 });
    const req = request('t3.micro', { minCount: 1, maxCount: 100 });
    const decision = sut.place(req);
    expect(hostsOf(decision)).toHaveLength(56);
    launchAll(fleet, req, decision);
    expect(sut.place(request('t3.micro', { availabilityZone: 'us-east-1a' }))).toEqual({
      ok: false,
      refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['capacity: cpu-limit'] }],
    });
    sut.setConfig({ cpuAllocationRatio: 2 });
    expect(hostsOf(sut.place(request('t3.micro', { maxCount: 100 })))).toHaveLength(56);
  });

  it('does not oversubscribe memory by default, and does up to ramAllocationRatio', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    fill(fleet, 'm5-a', 't3.2xlarge', 15); // 15 × 32,832 MiB: 23,616 MiB left
    expect(sut.place(request('t3.2xlarge', { availabilityZone: 'us-east-1a' }))).toEqual({
      ok: false,
      refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['capacity: memory'] }],
    });
    sut.setConfig({ ramAllocationRatio: 1.5 });
    expect(hostsOf(sut.place(request('t3.2xlarge', { maxCount: 99 })))).toHaveLength(Math.floor((516_096 * 1.5) / 32_832) - 15);
  });

  it('says fragmented when each dimension is left on some host but no host has them all', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['m5-b', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    fill(fleet, 'm5-a', 't3.2xlarge', 15); // memory gone, CPU left
    fill(fleet, 'm5-b', 'm5.24xlarge', 1); // CPU reservation gone, memory left
    expect(sut.place(request('m5.4xlarge', { availabilityZone: 'us-east-1a' }))).toEqual({
      ok: false,
      refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['capacity: fragmented'] }],
    });
  });

  it('lists every true reason: a draining host and full hosts', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['m5-b', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    fill(fleet, 'm5-a', 'm5.24xlarge', 1);
    fleet.host('m5-b')!.state = 'failed';
    sut.reindexHost('m5-b');
    const refused = sut.place(request('m5.4xlarge', { availabilityZone: 'us-east-1a' }));
    expect(refused).toEqual({ ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['host-state', 'capacity: cpu-reservation'] }] });
    const error = new InsufficientInstanceCapacity('m5.4xlarge', refused.ok ? [] : refused.refusals, 'us-east-1a');
    expect(error.message).toContain('us-east-1a: host-state, capacity: cpu-reservation');
  });

  it('indexes a custom CPU shape: a lower limit fits where the default does not', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet, { weigher: 'pack', cpuAllocationRatio: 1, ramAllocationRatio: 1 });
    launchAll(fleet, request('t3.micro', { maxCount: 56 }), sut.place(request('t3.micro', { maxCount: 56 })));
    const halfLimit = resolveCpuParams(type('t3.micro'), { limitMillicores: 1000 });
    expect(sut.place(request('t3.micro')).ok).toBe(false);
    // 112,000 − 56 × 2,000 = 0 left of the limit: a lower limit does not help either …
    expect(sut.place(request('t3.micro', { cpu: halfLimit })).ok).toBe(false);
    sut.setConfig({ cpuAllocationRatio: 1.01 }); // … until 1,120 millicores of limit are free
    expect(hostsOf(sut.place(request('t3.micro', { cpu: halfLimit, maxCount: 5 })))).toEqual(['m5-a']);
    expect(sut.place(request('t3.micro')).ok).toBe(false);
  });

  it('keeps custom shapes right when more are used than it keeps indexed (evicted, then rebuilt)', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['m5-b', 'm5-host', 'us-east-1a']]);
    const config = { weigher: 'pack' as const, cpuAllocationRatio: 2, ramAllocationRatio: 1 };
    const sut = new Scheduler(fleet, config);
    const micro = type('t3.micro');
    const shapes = Array.from({ length: 40 }, (_, i) => resolveCpuParams(micro, { limitMillicores: 1000 + 25 * i }));
    const fitsOf = (cpu: (typeof shapes)[number]) => {
      const d = sut.place(request('t3.micro', { cpu, availabilityZone: 'us-east-1a', minCount: 10_000, maxCount: 10_000 }));
      return d.ok ? -1 : d.refusals[0].fits;
    };
    for (const cpu of shapes) expect(fitsOf(cpu)).toBe(bruteZone(fleet, 'us-east-1a', { instanceType: micro, cpu }, config).fits);
    fill(fleet, 'm5-a', 'm5.4xlarge', 3); // the allocation moves while shapes[0] is not indexed
    for (const cpu of shapes) expect(fitsOf(cpu)).toBe(bruteZone(fleet, 'us-east-1a', { instanceType: micro, cpu }, config).fits);
  });
});

describe('Scheduler weighers', () => {
  function twoHosts(weigher: 'pack' | 'spread') {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['m5-b', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet, { weigher, cpuAllocationRatio: 2, ramAllocationRatio: 1 });
    fill(fleet, 'm5-b', 'm5.4xlarge', 2);
    return { fleet, sut };
  }

  it('pack puts the instance on the fullest host that fits (best fit)', () => {
    expect(hostsOf(twoHosts('pack').sut.place(request('m5.large')))).toEqual(['m5-b']);
  });

  it('spread puts the instance on the emptiest host (worst fit)', () => {
    expect(hostsOf(twoHosts('spread').sut.place(request('m5.large')))).toEqual(['m5-a']);
  });

  it('pack fills one host before the next; spread alternates once levels meet', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['m5-b', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet, { weigher: 'pack', cpuAllocationRatio: 2, ramAllocationRatio: 1 });
    fill(fleet, 'm5-a', 'm5.24xlarge', 1); // m5-a takes 3 more m5.xlarge (13,760 / 4,000), m5-b 27
    expect(hostsOf(sut.place(request('m5.xlarge', { maxCount: 5 })))).toEqual(['m5-a', 'm5-a', 'm5-a', 'm5-b', 'm5-b']);
    sut.setConfig({ weigher: 'spread' });
    fill(fleet, 'm5-b', 'm5.8xlarge', 3); // m5-b: 109,760 − 96,000 → 3 slots, like m5-a
    expect(hostsOf(sut.place(request('m5.xlarge', { maxCount: 5 })))).toEqual(['m5-a', 'm5-b', 'm5-a', 'm5-b', 'm5-a']);
  });

  it('changing the weigher changes the choice at once, without reindexing', () => {
    const { sut } = twoHosts('pack');
    sut.setConfig({ weigher: 'spread' });
    expect(sut.config.weigher).toBe('spread');
    expect(hostsOf(sut.place(request('m5.large')))).toEqual(['m5-a']);
  });
});

describe('Scheduler requests for several instances', () => {
  // Each m5-host takes 27 m5.xlarge (4,000 millicores reserved each).
  it('is all-or-nothing: fewer than minCount fit, nothing is reserved and nothing launched', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    const before = allocations(fleet);
    expect(sut.place(request('m5.xlarge', { minCount: 28, maxCount: 30 }))).toEqual({
      ok: false,
      refusals: [
        { availabilityZone: 'us-east-1a', fits: 27, reasons: ['capacity: cpu-reservation'] },
        { availabilityZone: 'us-east-1b', fits: 0, reasons: ['instance-family'] },
        { availabilityZone: 'us-east-1c', fits: 0, reasons: ['instance-family'] },
      ],
    });
    expect(allocations(fleet)).toBe(before);
    expect(hostsOf(sut.place(request('m5.xlarge', { minCount: 27, maxCount: 27 })))).toHaveLength(27);
  });

  it('places as many as fit between minCount and maxCount', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    const before = allocations(fleet);
    expect(hostsOf(sut.place(request('m5.xlarge', { minCount: 10, maxCount: 40 })))).toHaveLength(27);
    expect(allocations(fleet)).toBe(before); // deciding reserves nothing
  });

  it('puts every instance of one request in one zone, even when two zones together would fit', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['m5-b', 'm5-host', 'us-east-1b']]);
    const sut = new Scheduler(fleet);
    const refused = sut.place(request('m5.xlarge', { minCount: 30, maxCount: 30 }));
    expect(refused.ok).toBe(false);
    expect(refused.ok ? [] : refused.refusals.map((r) => r.fits)).toEqual([27, 27, 0]);
    const placed = sut.place(request('m5.xlarge', { minCount: 20, maxCount: 30 }));
    expect(placed.ok && new Set(placed.hostIds.map((id) => fleet.host(id)!.availabilityZone))).toEqual(new Set([placed.ok && placed.availabilityZone]));
  });

  it('without a zone, picks the zone that fits the most, then the one with the most room, then the name', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a'], ['m5-b', 'm5-host', 'us-east-1b'], ['m5-c', 'm5-host', 'us-east-1c']]);
    const sut = new Scheduler(fleet);
    fill(fleet, 'm5-a', 'm5.24xlarge', 1); // 3 m5.xlarge left in 1a
    fill(fleet, 'm5-c', 'm5.8xlarge', 1); // 19 left in 1c, 27 in 1b
    expect(sut.place(request('m5.xlarge', { maxCount: 20 }))).toMatchObject({ availabilityZone: 'us-east-1b' });
    // Zones that take the whole request alike: the roomiest, whatever the weigher (EC2 spreads
    // requests that name no zone; pack and spread decide within the zone).
    expect(sut.place(request('m5.xlarge', { maxCount: 19 }))).toMatchObject({ availabilityZone: 'us-east-1b' });
    expect(sut.place(request('m5.xlarge', { maxCount: 3 }))).toMatchObject({ availabilityZone: 'us-east-1b' });
    sut.setConfig({ weigher: 'spread' });
    expect(sut.place(request('m5.xlarge', { maxCount: 3 }))).toMatchObject({ availabilityZone: 'us-east-1b' });
    fill(fleet, 'm5-b', 'm5.8xlarge', 1); // 1b and 1c now equal: name order
    expect(sut.place(request('m5.xlarge', { maxCount: 3 }))).toMatchObject({ availabilityZone: 'us-east-1b' });
    fill(fleet, 'm5-b', 'm5.xlarge', 1); // 1c is now the roomiest
    expect(sut.place(request('m5.xlarge', { maxCount: 3 }))).toMatchObject({ availabilityZone: 'us-east-1c' });
  });

  it('rejects counts EC2 would reject', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    expect(() => sut.place(request('m5.large', { minCount: 0, maxCount: 1 }))).toThrow(InvalidParameterValue);
    expect(() => sut.place(request('m5.large', { minCount: 3, maxCount: 2 }))).toThrow(InvalidParameterValue);
  });
});

describe('Scheduler index follows the fleet', () => {
  it('frees capacity when instances terminate, and forgets removed hosts', () => {
    const { engine, fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    const req = request('m5.xlarge', { maxCount: 100 });
    const vmIds = launchAll(fleet, req, sut.place(req));
    expect(vmIds).toHaveLength(27);
    expect(sut.place(request('m5.xlarge')).ok).toBe(false);
    fleet.terminate(vmIds[0]);
    expect(sut.place(request('m5.xlarge')).ok).toBe(false); // shutting-down still holds the host
    engine.runUntil(engine.now + 60_000);
    expect(hostsOf(sut.place(request('m5.xlarge')))).toEqual(['m5-a']);
    for (const id of vmIds.slice(1)) fleet.terminate(id);
    engine.runUntil(engine.now + 60_000);
    fleet.removeHost('m5-a');
    expect(sut.place(request('m5.xlarge'))).toMatchObject({ ok: false, refusals: expect.arrayContaining([{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['instance-family'] }]) });
  });

  it('indexes the hosts a fleet already had, and hosts added later', () => {
    const { fleet } = fleetOf([['m5-a', 'm5-host', 'us-east-1a']]);
    fill(fleet, 'm5-a', 'm5.24xlarge', 1);
    const sut = new Scheduler(fleet);
    expect(sut.place(request('m5.4xlarge')).ok).toBe(false);
    fleet.addHost('m5-b', fleet.host('m5-a')!.type, 'us-east-1b');
    expect(sut.place(request('m5.4xlarge'))).toEqual({ ok: true, availabilityZone: 'us-east-1b', hostIds: ['m5-b'] });
  });

  it('stops following the fleet once disposed', () => {
    const { fleet } = fleetOf([]);
    const sut = new Scheduler(fleet);
    sut.dispose();
    fleet.addHost('m5-a', findHostType('m5-host')!, 'us-east-1a');
    expect(sut.place(request('m5.large')).ok).toBe(false);
  });

  it('rejects an invalid configuration and keeps the old one', () => {
    const { fleet } = fleetOf([]);
    const sut = new Scheduler(fleet);
    expect(() => sut.setConfig({ cpuAllocationRatio: 0 })).toThrow(DomainError);
    expect(() => sut.setConfig({ weigher: 'random' as never })).toThrow(InvalidParameterValue);
    expect(sut.config).toEqual({ weigher: 'pack', cpuAllocationRatio: 2, ramAllocationRatio: 1 });
  });

  it('holds every allocation ratio to 0.1–64 and the violation window to a day (docs/model.md §3.2, §4)', () => {
    const { fleet } = fleetOf([]);
    const sut = new Scheduler(fleet);
    for (const bad of [2.5e-114, 0.0999, 64.001, Infinity, NaN]) {
      expect(() => sut.setConfig({ ramAllocationRatio: bad })).toThrow(/ramAllocationRatio for the default must be from 0.1 to 64/);
      expect(() => sut.setConfig({ cpuAllocationRatio: bad })).toThrow(InvalidParameterValue);
      expect(() => sut.setConfig({ overrides: { hostTypes: { 'm5-host': { ramAllocationRatio: bad } } } })).toThrow(/host type 'm5-host' must be from 0.1 to 64/);
      expect(() => sut.setConfig({ overrides: { availabilityZones: { 'us-east-1a': { cpuAllocationRatio: bad } } } })).toThrow(InvalidParameterValue);
    }
    expect(() => sut.setConfig({ avoidViolationsWithinMs: 86_400_001 })).toThrow(/avoidViolationsWithinMs/);
    expect(sut.config).toEqual({ weigher: 'pack', cpuAllocationRatio: 2, ramAllocationRatio: 1 });
    sut.setConfig({ cpuAllocationRatio: 0.1, ramAllocationRatio: 64, avoidViolationsWithinMs: 86_400_000 });
    expect(sut.config).toMatchObject({ cpuAllocationRatio: 0.1, ramAllocationRatio: 64, avoidViolationsWithinMs: 86_400_000 });
  });
});
