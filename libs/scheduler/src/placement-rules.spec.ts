import { Fleet } from '@nimbus/hypervisor';
import { PlacementDecision, PlacementRequest, SPREAD_MAX_PER_ZONE } from './contract';
import { Scheduler } from './scheduler';
import { fill, fleetOf, launchPlaced, request, specFor, type } from './testing/fleet-fixture';

const hostsOf = (d: PlacementDecision) => (d.ok ? d.hostIds : []);
const reasonsOf = (d: PlacementDecision) => (d.ok ? [] : d.refusals.map((r) => r.reasons));
const vmsOn = (fleet: Fleet, hostId: string) => [...fleet.host(hostId)!.vmIds].map((id) => fleet.vm(id)!);

/** Places and launches (as the API does); returns the VM ids. */
function run(fleet: Fleet, sut: Scheduler, req: PlacementRequest): string[] {
  return launchPlaced(fleet, req, sut.place(req));
}

describe('tenancy (docs/model.md §4)', () => {
  it('a dedicated instance takes an empty host and makes it its tenant\'s: other tenants\' default instances go elsewhere', () => {
    const { fleet } = fleetOf([['a', 'm5-host', 'us-east-1a'], ['b', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    const [ded] = run(fleet, sut, request('m5.large', { tenantId: 'acme', tenancy: 'dedicated' }));
    const dedHost = fleet.vm(ded)!.hostId!;
    const other = dedHost === 'a' ? 'b' : 'a';
    expect(hostsOf(sut.place(request('m5.large', { tenantId: 'globex', maxCount: 30 })))).toEqual(new Array(30).fill(other));
    // acme's own default instances may share its dedicated host (as on EC2)
    expect(hostsOf(sut.place(request('m5.large', { tenantId: 'acme', maxCount: 60 })))).toContain(dedHost);
  });

  it('a dedicated instance never joins a host with another tenant\'s VMs: refused with the reason tenancy', () => {
    const { fleet } = fleetOf([['a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    run(fleet, sut, request('m5.large', { tenantId: 'globex' }));
    expect(sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'dedicated', availabilityZone: 'us-east-1a' }))).toEqual({
      ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['tenancy'] }],
    });
  });

  it('a host leaves a tenant once its last dedicated VM is gone', () => {
    const { engine, fleet } = fleetOf([['a', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    const [ded] = run(fleet, sut, request('m5.large', { tenantId: 'acme', tenancy: 'dedicated' }));
    expect(sut.place(request('m5.large', { tenantId: 'globex' })).ok).toBe(false);
    fleet.terminate(ded);
    engine.runUntil(engine.now + 120_000);
    expect(hostsOf(sut.place(request('m5.large', { tenantId: 'globex' })))).toEqual(['a']);
  });
});

describe('Dedicated Hosts', () => {
  function world() {
    const { engine, fleet } = fleetOf([['a', 'm5-host', 'us-east-1a'], ['b', 'm5-host', 'us-east-1a'], ['c', 'c5-host', 'us-east-1a'], ['d', 'm5-host', 'us-east-1b']]);
    return { engine, fleet, sut: new Scheduler(fleet) };
  }

  it('lists free hosts for allocation by zone and family, from the index', () => {
    const { fleet, sut } = world();
    fill(fleet, 'a', 'm5.large', 1);
    expect(sut.freeHosts('us-east-1a', 'm5', 5).map((h) => h.id)).toEqual(['b']);
    expect(sut.freeHosts('us-east-1a', 'c5', 5).map((h) => h.id)).toEqual(['c']);
    sut.setHostOwner('b', { tenantId: 'acme', autoPlacement: true });
    expect(sut.freeHosts('us-east-1a', 'm5', 5)).toEqual([]);
    sut.setHostOwner('b', null);
    expect(sut.freeHosts('us-east-1a', 't3', 1).map((h) => h.id)).toEqual(['b']);
  });

  it('an allocated host takes only its owner\'s host-tenancy instances', () => {
    const { sut } = world();
    sut.setHostOwner('b', { tenantId: 'acme', autoPlacement: true });
    expect(hostsOf(sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'host' })))).toEqual(['b']);
    expect(hostsOf(sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'host', hostId: 'b', maxCount: 3 })))).toEqual(['b', 'b', 'b']);
    // nobody else, of any tenancy
    for (const tenancy of ['default', 'dedicated'] as const) {
      expect(hostsOf(sut.place(request('m5.large', { tenantId: 'acme', tenancy, availabilityZone: 'us-east-1a', maxCount: 100 })))).not.toContain('b');
      expect(hostsOf(sut.place(request('m5.large', { tenantId: 'globex', tenancy, availabilityZone: 'us-east-1a', maxCount: 100 })))).not.toContain('b');
    }
    expect(sut.place(request('m5.large', { tenantId: 'globex', tenancy: 'host', hostId: 'b' }))).toEqual({
      ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['dedicated-host'] }],
    });
  });

  it('auto-placement off: only launches that name the host land there', () => {
    const { sut } = world();
    sut.setHostOwner('b', { tenantId: 'acme', autoPlacement: false });
    expect(sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'host', availabilityZone: 'us-east-1a' }))).toEqual({
      ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['dedicated-host'] }],
    });
    expect(hostsOf(sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'host', hostId: 'b' })))).toEqual(['b']);
  });

  it('a host allocated for one family or type takes only that family or type', () => {
    const { sut } = world();
    sut.setHostOwner('a', { tenantId: 'acme', autoPlacement: true, instanceFamily: 'm5', instanceType: 'm5.xlarge' });
    sut.setHostOwner('b', { tenantId: 'acme', autoPlacement: true, instanceFamily: 't3' });
    expect(hostsOf(sut.place(request('m5.xlarge', { tenantId: 'acme', tenancy: 'host' })))).toEqual(['a']);
    expect(hostsOf(sut.place(request('t3.micro', { tenantId: 'acme', tenancy: 'host' })))).toEqual(['b']);
    expect(reasonsOf(sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'host', availabilityZone: 'us-east-1a' })))).toEqual([['dedicated-host']]);
    expect(reasonsOf(sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'host', hostId: 'a' })))).toEqual([['instance-family']]);
  });

  it('a full Dedicated Host refuses with the capacity dimension; the family must match the host type', () => {
    const { fleet, sut } = world();
    sut.setHostOwner('b', { tenantId: 'acme', autoPlacement: true });
    run(fleet, sut, request('m5.24xlarge', { tenantId: 'acme', tenancy: 'host', hostId: 'b' }));
    expect(sut.place(request('m5.4xlarge', { tenantId: 'acme', tenancy: 'host', hostId: 'b' }))).toEqual({
      ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['capacity: cpu-reservation'] }],
    });
    expect(reasonsOf(sut.place(request('c5.large', { tenantId: 'acme', tenancy: 'host', hostId: 'b' })))).toEqual([['instance-family']]);
  });

  it('an instance on a Dedicated Host stays with its host: no recovery elsewhere, no operator move', () => {
    const { fleet, sut } = world();
    sut.setHostOwner('a', { tenantId: 'acme', autoPlacement: true });
    sut.setHostOwner('b', { tenantId: 'acme', autoPlacement: true });
    const [vm] = run(fleet, sut, request('m5.large', { tenantId: 'acme', tenancy: 'host', hostId: 'a' }));
    fleet.setHostState('a', 'failed');
    expect(reasonsOf(sut.placeVm(vm, 'us-east-1a'))).toEqual([['host-state']]);
    expect(sut.refusalForMove(vm, 'b')).toBe('dedicated-host');
  });
});

describe('placement groups', () => {
  function zoneOf(n: number, az = 'us-east-1a') {
    const { engine, fleet } = fleetOf(Array.from({ length: n }, (_, i) => [`h${String(i).padStart(2, '0')}`, 'm5-host', az] as const));
    return { engine, fleet, sut: new Scheduler(fleet) };
  }

  it('spread: one instance per host, at most seven per zone; the eighth is refused for the group\'s rule', () => {
    const { fleet, sut } = zoneOf(10);
    sut.defineGroup({ groupId: 'pg-s', strategy: 'spread' });
    const req = (n: number) => request('m5.large', { placementGroup: { groupId: 'pg-s' }, availabilityZone: 'us-east-1a', minCount: n, maxCount: n });
    const first = run(fleet, sut, req(5));
    expect(new Set(first.map((id) => fleet.vm(id)!.hostId)).size).toBe(5);
    run(fleet, sut, req(2));
    expect(sut.place(req(1))).toEqual({ ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['placement-group: spread'] }] });
    const hosts = [...fleet.allVms()].map((v) => v.hostId);
    expect(new Set(hosts).size).toBe(SPREAD_MAX_PER_ZONE);
  });

  it('spread: with fewer hosts than instances, refuses the request whole', () => {
    const { sut } = zoneOf(3);
    sut.defineGroup({ groupId: 'pg-s', strategy: 'spread' });
    expect(sut.place(request('m5.large', { placementGroup: { groupId: 'pg-s' }, availabilityZone: 'us-east-1a', minCount: 4, maxCount: 4 }))).toEqual({
      ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 3, reasons: ['placement-group: spread'] }],
    });
  });

  it('spread: recovery after a host failure never puts two members on one host', () => {
    const { fleet, sut } = zoneOf(3);
    sut.defineGroup({ groupId: 'pg-s', strategy: 'spread' });
    const vms = run(fleet, sut, request('m5.large', { placementGroup: { groupId: 'pg-s' }, minCount: 2, maxCount: 2 }));
    const failed = fleet.vm(vms[0])!.hostId!;
    fleet.setHostState(failed, 'failed');
    const d = sut.placeVm(vms[0], 'us-east-1a');
    expect(hostsOf(d)).toHaveLength(1);
    expect(hostsOf(d)[0]).not.toBe(fleet.vm(vms[1])!.hostId);
    expect(sut.refusalForMove(vms[0], fleet.vm(vms[1])!.hostId!)).toBe('placement-group: spread');
  });

  it('cluster: packs onto as few hosts as it can in one zone, and later launches follow it there', () => {
    const { fleet } = fleetOf([['a1', 'm5-host', 'us-east-1a'], ['a2', 'm5-host', 'us-east-1a'], ['b1', 'm5-host', 'us-east-1b']]);
    const sut = new Scheduler(fleet);
    sut.defineGroup({ groupId: 'pg-c', strategy: 'cluster' });
    const vms = run(fleet, sut, request('m5.4xlarge', { placementGroup: { groupId: 'pg-c' }, availabilityZone: 'us-east-1b', minCount: 3, maxCount: 3 }));
    expect(vms.map((id) => fleet.vm(id)!.hostId)).toEqual(['b1', 'b1', 'b1']);
    expect(hostsOf(sut.place(request('m5.large', { placementGroup: { groupId: 'pg-c' } })))).toEqual(['b1']);
    expect(sut.place(request('m5.large', { placementGroup: { groupId: 'pg-c' }, availabilityZone: 'us-east-1a' }))).toEqual({
      ok: false, refusals: [{ availabilityZone: 'us-east-1a', fits: 0, reasons: ['placement-group: cluster'] }],
    });
  });

  it('cluster: at most one rack of hosts', () => {
    const { sut } = zoneOf(20);
    sut.defineGroup({ groupId: 'pg-c', strategy: 'cluster' });
    // m5.24xlarge: one per host; 16 hosts in the rack
    const d = sut.place(request('m5.24xlarge', { placementGroup: { groupId: 'pg-c' }, minCount: 1, maxCount: 20 }));
    expect(new Set(hostsOf(d)).size).toBe(16);
    expect(reasonsOf(sut.place(request('m5.24xlarge', { placementGroup: { groupId: 'pg-c' }, availabilityZone: 'us-east-1a', minCount: 17, maxCount: 17 })))).toEqual([['placement-group: cluster']]);
  });

  it('partition: instances spread evenly over partitions, partitions never share a host', () => {
    const { fleet, sut } = zoneOf(8);
    sut.defineGroup({ groupId: 'pg-p', strategy: 'partition', partitionCount: 3 });
    const req = request('m5.xlarge', { placementGroup: { groupId: 'pg-p' }, minCount: 9, maxCount: 9 });
    const d = sut.place(req);
    expect(d.ok && [...d.partitions!].sort()).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    run(fleet, sut, req);
    run(fleet, sut, request('m5.24xlarge', { placementGroup: { groupId: 'pg-p', partition: 2 }, minCount: 2, maxCount: 2 }));
    const partitionsOn = new Map<string, Set<number>>();
    for (const vm of fleet.allVms()) partitionsOn.set(vm.hostId!, (partitionsOn.get(vm.hostId!) ?? new Set()).add(vm.placementGroup!.partition!));
    for (const parts of partitionsOn.values()) expect(parts.size).toBe(1);
    expect(() => sut.place(request('m5.large', { placementGroup: { groupId: 'pg-p', partition: 4 } }))).toThrow(/partitionNumber 4 is not a partition of 'pg-p'/);
  });

  it('partition: a named partition uses its own hosts first, then hosts no partition holds', () => {
    const { fleet, sut } = zoneOf(4);
    sut.defineGroup({ groupId: 'pg-p', strategy: 'partition', partitionCount: 2 });
    const [one] = run(fleet, sut, request('m5.large', { placementGroup: { groupId: 'pg-p', partition: 1 } }));
    const [two] = run(fleet, sut, request('m5.large', { placementGroup: { groupId: 'pg-p', partition: 2 } }));
    expect(fleet.vm(one)!.hostId).not.toBe(fleet.vm(two)!.hostId);
    expect(hostsOf(sut.place(request('m5.large', { placementGroup: { groupId: 'pg-p', partition: 1 } })))).toEqual([fleet.vm(one)!.hostId]);
    expect(sut.refusalForMove(one, fleet.vm(two)!.hostId!)).toBe('placement-group: partition');
  });

  it('an unknown group is a caller error', () => {
    const { sut } = zoneOf(1);
    expect(() => sut.place(request('m5.large', { placementGroup: { groupId: 'nope' } }))).toThrow(/not defined/);
    expect(() => sut.defineGroup({ groupId: 'x', strategy: 'partition', partitionCount: 8 })).toThrow(/partitionCount/);
  });
});

describe('weighers: balance and recent guarantee violations', () => {
  it('avoids a host with a recent guarantee violation while another can take the request', () => {
    const { engine, fleet } = fleetOf([['a', 'm5-host', 'us-east-1a'], ['b', 'm5-host', 'us-east-1a']]);
    let violationAt: number | null = null;
    const sut = new Scheduler(fleet, undefined, { lastGuaranteeViolationAt: (id) => (id === 'a' ? violationAt : null) });
    fill(fleet, 'a', 'm5.4xlarge', 2); // pack would choose a
    expect(hostsOf(sut.place(request('m5.large')))).toEqual(['a']);
    violationAt = engine.now;
    expect(hostsOf(sut.place(request('m5.large')))).toEqual(['b']);
    fill(fleet, 'b', 'm5.24xlarge', 1); // b is full for m5.4xlarge: a is used after all
    expect(hostsOf(sut.place(request('m5.4xlarge')))).toEqual(['a']);
    engine.runUntil(engine.now + 16 * 60_000); // older than 15 minutes: no longer avoided
    expect(hostsOf(sut.place(request('m5.large')))).toEqual(['b']);
    sut.setConfig({ avoidViolationsWithinMs: 60 * 60_000 });
    expect(hostsOf(sut.place(request('m5.large')))).toEqual(['b']);
  });

  it('balance puts a memory-heavy instance where CPU is the more used resource', () => {
    const { fleet } = fleetOf([['cpu-heavy', 'm5-host', 'us-east-1a'], ['mem-heavy', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet, { weigher: 'balance', cpuAllocationRatio: 1, ramAllocationRatio: 1 });
    fill(fleet, 'cpu-heavy', 'm5.8xlarge', 1);
    fleet.launch(specFor(type('t3.large')), 'cpu-heavy');
    for (let i = 0; i < 4; i++) fleet.launch(specFor(type('r5.large'), undefined, {}), 'mem-heavy');
    expect(hostsOf(sut.place(request('m5.large')))).toHaveLength(1);
    // the 2-vCPU, 8 GiB m5.large: on cpu-heavy (more CPU than memory used) it narrows the gap
    expect(hostsOf(sut.place(request('m5.large')))).toEqual(['cpu-heavy']);
    expect(vmsOn(fleet, 'mem-heavy')).toHaveLength(4);
  });
});

describe('launch rules in place() (admission/launch-validation.ts)', () => {
  it('are the API\'s: spread refuses dedicated tenancy, a host id implies tenancy host, and the errors carry the API\'s codes', () => {
    const { fleet } = fleetOf([['a', 'm5-host', 'us-east-1a'], ['b', 'm5-host', 'us-east-1a']]);
    const sut = new Scheduler(fleet);
    sut.defineGroup({ groupId: 'pg-s', strategy: 'spread' });
    expect(() => sut.place(request('m5.large', { tenancy: 'dedicated', placementGroup: { groupId: 'pg-s' } }))).toThrow(
      expect.objectContaining({ code: 'InvalidParameterCombination', message: 'spread placement groups do not take dedicated-tenancy instances (as on EC2)' }),
    );
    sut.setHostOwner('b', { tenantId: 'acme', autoPlacement: false });
    expect(hostsOf(sut.place(request('m5.large', { tenantId: 'acme', hostId: 'b' })))).toEqual(['b']);
    expect(() => sut.place(request('m5.large', { tenantId: 'acme', tenancy: 'default', hostId: 'b' }))).toThrow(expect.objectContaining({ code: 'InvalidParameterCombination' }));
    expect(() => sut.place(request('m5.large', { minCount: 3, maxCount: 2 }))).toThrow('minCount (3) must not exceed maxCount (2)');
  });
});
