import { Scheduler } from './scheduler';
import { fill, fleetOf, launchPlaced, request, specFor, type } from './testing/fleet-fixture';

describe('Scheduler.placeMigration', () => {
  function scene() {
    const { fleet } = fleetOf([
      ['src', 'm5-host', 'us-east-1a'],
      ['full', 'm5-host', 'us-east-1a'],
      ['roomy', 'm5-host', 'us-east-1a'],
      ['empty', 'm5-host', 'us-east-1a'],
      ['far', 'm5-host', 'us-east-1b'],
      ['c5', 'c5-host', 'us-east-1a'],
    ]);
    const sut = new Scheduler(fleet);
    const vm = fleet.launch(specFor(type('m5.xlarge')), 'src');
    fill(fleet, 'full', 'm5.24xlarge', 1); // 96 of 109.76 reserved cores: an m5.xlarge (4) still fits, the fullest
    fill(fleet, 'roomy', 'm5.12xlarge', 1);
    return { fleet, sut, vm };
  }

  it("takes the weigher's choice in the VM's own zone and family, never its own host", () => {
    const { sut, vm } = scene();
    expect(sut.placeMigration(vm.vmId)).toEqual({ ok: true, availabilityZone: 'us-east-1a', hostIds: ['full'] });
  });

  it('skips excluded and refused hosts for the next in the weigher\'s order', () => {
    const { sut, vm } = scene();
    expect(sut.placeMigration(vm.vmId, { excludeHostIds: ['full'] })).toMatchObject({ hostIds: ['roomy'] });
    expect(sut.placeMigration(vm.vmId, { accept: (h) => h.vmIds.size === 0 })).toMatchObject({ hostIds: ['empty'] });
  });

  it('refuses, with a reason, when every host with room is refused; never another zone or family', () => {
    const { sut, vm } = scene();
    const d = sut.placeMigration(vm.vmId, { excludeHostIds: ['full', 'roomy', 'empty'] });
    expect(d).toEqual({ ok: false, refusals: [expect.objectContaining({ availabilityZone: 'us-east-1a', fits: 0, reasons: expect.arrayContaining(['rebalancing: destination refused']) })] });
  });

  it('never a host that is not available', () => {
    const { fleet, sut, vm } = scene();
    for (const id of ['full', 'roomy']) fleet.setHostState(id, 'draining');
    fleet.setHostState('empty', 'off');
    expect(sut.placeMigration(vm.vmId).ok).toBe(false);
  });

  it('asks the capacity fallback once when nothing fits, unless told not to', () => {
    const { fleet, sut, vm } = scene();
    fleet.setHostState('empty', 'off');
    const calls: string[] = [];
    sut.setCapacityFallback((req) => {
      calls.push(req.instanceType.name);
      fleet.setHostState('empty', 'available');
      return true;
    });
    expect(sut.placeMigration(vm.vmId, { excludeHostIds: ['full', 'roomy'], powerOn: false }).ok).toBe(false);
    expect(calls).toEqual([]);
    expect(sut.placeMigration(vm.vmId, { excludeHostIds: ['full', 'roomy'] })).toMatchObject({ ok: true, hostIds: ['empty'] });
    expect(calls).toEqual(['m5.xlarge']);
  });

  it('keeps a spread group apart and a dedicated VM off other tenants\' hosts; never moves a VM off its Dedicated Host', () => {
    const { fleet } = fleetOf([
      ['a', 'm5-host', 'us-east-1a'],
      ['b', 'm5-host', 'us-east-1a'],
      ['c', 'm5-host', 'us-east-1a'],
      ['d', 'm5-host', 'us-east-1a'],
    ]);
    const sut = new Scheduler(fleet);
    sut.defineGroup({ groupId: 'pg-s', strategy: 'spread' });
    const spreadReq = request('m5.large', { tenantId: 'acme', availabilityZone: 'us-east-1a', placementGroup: { groupId: 'pg-s' }, minCount: 3, maxCount: 3 });
    const members = launchPlaced(fleet, spreadReq, sut.place(spreadReq));
    const memberHosts = members.map((id) => fleet.vm(id)!.hostId!);
    const free = ['a', 'b', 'c', 'd'].find((h) => !memberHosts.includes(h))!;
    // the pack weigher would take a fuller host; the group leaves one host only
    expect(sut.placeMigration(members[0])).toMatchObject({ ok: true, hostIds: [free] });
    expect(sut.placeMigration(members[0], { excludeHostIds: [free] }).ok).toBe(false); // every other host holds a member
    // a dedicated VM never goes to a host holding another tenant's VM
    const { fleet: f1 } = fleetOf([['p', 'm5-host', 'us-east-1a'], ['q', 'm5-host', 'us-east-1a'], ['r', 'm5-host', 'us-east-1a']]);
    const s1 = new Scheduler(f1);
    launchPlaced(f1, request('m5.large', { tenantId: 'globex' }), { ok: true, availabilityZone: 'us-east-1a', hostIds: ['q'] });
    const dedReq = request('m5.large', { tenantId: 'acme', tenancy: 'dedicated', availabilityZone: 'us-east-1a' });
    const [ded] = launchPlaced(f1, dedReq, { ok: true, availabilityZone: 'us-east-1a', hostIds: ['p'] });
    expect(s1.placeMigration(ded)).toMatchObject({ ok: true, hostIds: ['r'] });
    expect(s1.placeMigration(ded, { excludeHostIds: ['r'] }).ok).toBe(false);
    // a Dedicated Host's instance stays on it
    const { fleet: f2 } = fleetOf([['x', 'm5-host', 'us-east-1a'], ['y', 'm5-host', 'us-east-1a']]);
    const s2 = new Scheduler(f2);
    s2.setHostOwner('x', { tenantId: 'acme', autoPlacement: true });
    s2.setHostOwner('y', { tenantId: 'acme', autoPlacement: true });
    const hostReq = request('m5.large', { tenantId: 'acme', tenancy: 'host', hostId: 'x' });
    const [onHost] = launchPlaced(f2, hostReq, s2.place(hostReq));
    expect(s2.placeMigration(onHost)).toMatchObject({ ok: false, refusals: [{ reasons: ['dedicated-host'] }] });
  });
});
