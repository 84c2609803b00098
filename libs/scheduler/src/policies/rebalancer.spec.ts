import { InvalidParameterValue } from '@nimbus/hypervisor';
import { request } from '../testing/fleet-fixture';
import { RebalancingWorld } from '@nimbus/simulation/testing';
import { DEFAULT_REBALANCER_CONFIG, mergeRebalancerConfig, parseRebalancerPatch } from './rebalancer.config';

// An m5-host has 112 hardware threads: demanded utilization = Σ demand (cores) / 112.
const THREADS = 112;
const SECOND = 1000;
const WINDOW_S = 300;
const COOLDOWN_S = 600;
const HOT = { hotSpot: { enabled: true, cpuThreshold: 0.9, windowSeconds: WINDOW_S, cooldownSeconds: COOLDOWN_S } };

describe('Rebalancer: hot-spot relief', () => {
  /**
   * Host A at 102 / 112 = 91 %: an m5.24xlarge (96 cores), an m5.xlarge (16 GiB, 4 cores, clean
   * memory) and an m5.large (8 GiB, 2 cores, dirtying 1,000 MiB/s: many pre-copy rounds). B is empty.
   */
  function hotScene(extra = {}) {
    const w = new RebalancingWorld({ ...HOT, ...extra });
    const a = w.host();
    const b = w.host();
    const big = w.demandingVm(a, 'm5.24xlarge', 96);
    const xl = w.demandingVm(a, 'm5.xlarge', 4);
    const small = w.demandingVm(a, 'm5.large', 2, 1000);
    return { w, a, b, big, xl, small, t0: w.now };
  }

  it('migrates, once the host has been over the threshold for the window, exactly the VM with the minimum migration time', () => {
    const { w, a, b, big, xl, small, t0 } = hotScene();
    expect(w.rebalancer.utilization(a)).toBeCloseTo(102 / THREADS, 9);
    // MMT is the pre-copy plan's time, not memory: the m5.large dirties its memory and takes longer.
    const totals = [big, xl, small].map((vm) => w.dataPlane.planMigration(vm.vmId).totalMs);
    expect(totals[1]).toBeLessThan(totals[2]);
    expect(totals[1]).toBeLessThan(totals[0]);

    w.at(t0 + WINDOW_S * SECOND - 1);
    expect(w.events('vm.migration-started')).toEqual([]);
    w.at(t0 + WINDOW_S * SECOND);
    const [started] = w.events('vm.migration-started');
    expect(started).toMatchObject({ time: t0 + WINDOW_S * SECOND, hostId: a, vmId: xl.vmId, detail: { reason: 'hot-spot', targetHostId: b } });
    expect(w.events('host.hot-spot')).toEqual([
      expect.objectContaining({ hostId: a, detail: expect.objectContaining({ reason: 'hot-spot', cpuThreshold: 0.9, overForMs: WINDOW_S * SECOND, instanceId: xl.vmId, targetHostId: b }) }),
    ]);
    w.run(totals[1]);
    expect(w.hostOf(xl.vmId)).toBe(b);
    expect(w.events('vm.migration-completed')).toEqual([expect.objectContaining({ vmId: xl.vmId, detail: expect.objectContaining({ reason: 'hot-spot', sourceHostId: a }) })]);
    // 98 / 112 is below the threshold: nothing more moves, ever.
    w.run(24 * 3600 * SECOND);
    expect(w.events('vm.migration-started')).toHaveLength(1);
  });

  it('a host at or below the threshold triggers nothing', () => {
    const w = new RebalancingWorld(HOT);
    const a = w.host();
    w.host();
    w.demandingVm(a, 'm5.24xlarge', 96);
    w.demandingVm(a, 'm5.xlarge', 4.8); // 100.8 / 112 = 0.9 exactly: not over
    w.run(24 * 3600 * SECOND);
    expect(w.timeline.filter((e) => e.kind.startsWith('vm.migration') || e.kind === 'host.hot-spot')).toEqual([]);
  });

  it('a dip below the threshold within the window starts the window again', () => {
    const { w, xl, t0 } = hotScene();
    w.at(t0 + 200 * SECOND);
    w.demand(xl.vmId, 0); // 98 / 112
    w.at(t0 + 250 * SECOND);
    w.demand(xl.vmId, 4);
    w.at(t0 + 250 * SECOND + WINDOW_S * SECOND - 1);
    expect(w.events('vm.migration-started')).toEqual([]);
    w.at(t0 + 250 * SECOND + WINDOW_S * SECOND);
    expect(w.events('vm.migration-started')).toHaveLength(1);
  });

  it('respects the cooldown between two reliefs of a host that stays hot, and never sends a VM back', () => {
    const w = new RebalancingWorld(HOT);
    const a = w.host();
    const b = w.host();
    w.demandingVm(a, 'm5.24xlarge', 96);
    w.demandingVm(a, 'm5.xlarge', 4);
    // 104 / 112 = 0.929; after one m5.large leaves, 102 / 112 = 0.911: still hot; after both, 0.893.
    const larges = [w.demandingVm(a, 'm5.large', 2), w.demandingVm(a, 'm5.large', 2)];
    w.run(WINDOW_S * SECOND);
    const firstAt = w.events('vm.migration-started')[0].time;
    w.at(firstAt + COOLDOWN_S * SECOND - 1);
    expect(w.events('vm.migration-started')).toHaveLength(1);
    w.at(firstAt + COOLDOWN_S * SECOND);
    const started = w.events('vm.migration-started');
    expect(started).toHaveLength(2);
    expect(started.map((e) => e.vmId)).toEqual(larges.map((vm) => vm.vmId));
    expect(started[1]).toMatchObject({ time: firstAt + COOLDOWN_S * SECOND, hostId: a, detail: { reason: 'hot-spot', targetHostId: b } });
    w.run(24 * 3600 * SECOND);
    // No migration ever leaves B (the destination), and A ends below the threshold.
    expect(w.events('vm.migration-started').filter((e) => e.hostId === b)).toEqual([]);
    expect(w.rebalancer.utilization(a)).toBeLessThanOrEqual(0.9);
  });

  it('never chooses a destination that would become a hot spot, one in another zone, or one of the wrong family; says why once', () => {
    const w = new RebalancingWorld(HOT);
    const a = w.host();
    const busy = w.host();
    w.host('m5-host', 'us-east-1b');
    w.host('c5-host', 'us-east-1a');
    w.demandingVm(a, 'm5.24xlarge', 96);
    w.demandingVm(a, 'm5.xlarge', 4);
    w.demandingVm(a, 'm5.large', 2);
    w.demandingVm(busy, 'm5.24xlarge', 96);
    w.demandingVm(busy, 'm5.2xlarge', 3.7); // 99.7 / 112 = 0.890: 2 more cores would take it to 0.908
    w.run(3 * 3600 * SECOND);
    expect(w.events('vm.migration-started')).toEqual([]);
    const failed = w.events('vm.migration-failed');
    expect(failed).toEqual([expect.objectContaining({ hostId: a, detail: expect.objectContaining({ reason: 'hot-spot', why: expect.stringContaining('hot spot') }) })]);
  });

  it('with a destination that takes only the smaller move, moves that one', () => {
    const w = new RebalancingWorld(HOT);
    const a = w.host();
    const b = w.host();
    const big = w.demandingVm(a, 'm5.24xlarge', 96);
    const xl = w.demandingVm(a, 'm5.xlarge', 4); // shortest plan, but 4 cores would take B to 0.903
    const small = w.demandingVm(a, 'm5.large', 2, 1000); // 2 cores: B at 0.884
    w.demandingVm(b, 'm5.24xlarge', 96);
    w.demandingVm(b, 'm5.large', 1); // 97 / 112
    expect(w.dataPlane.planMigration(xl.vmId).totalMs).toBeLessThan(w.dataPlane.planMigration(small.vmId).totalMs);
    w.run(WINDOW_S * SECOND);
    expect(w.events('vm.migration-started').map((e) => e.vmId)).toEqual([small.vmId]);
    expect(w.hostOf(big.vmId)).toBe(a);
  });

  it('disabled (the default), it watches nothing', () => {
    const w = new RebalancingWorld();
    const a = w.host();
    w.host();
    w.demandingVm(a, 'm5.24xlarge', 96);
    w.demandingVm(a, 'm5.4xlarge', 16);
    w.run(24 * 3600 * SECOND);
    expect(w.timeline.filter((e) => e.kind.startsWith('vm.migration') || e.kind.startsWith('host.'))).toEqual([]);
  });
});

describe('Rebalancer: consolidation and power (docs/model.md §3.9)', () => {
  const CONSOLIDATE = { consolidation: { enabled: true, cpuThreshold: 0.2, windowSeconds: 600, intervalSeconds: 300, powerOff: true } };

  function scene() {
    const w = new RebalancingWorld(CONSOLIDATE);
    const a = w.host();
    const b = w.host();
    const c = w.host();
    const onA = w.demandingVm(a, 'm5.large', 1); // the emptiest non-empty host: 1 / 112
    const onB = [w.demandingVm(b, 'm5.xlarge', 8), w.demandingVm(b, 'm5.2xlarge', 8)]; // 16 / 112
    return { w, a, b, c, onA, onB, t0: w.now };
  }

  it('switches the empty host off and evacuates the emptiest one onto the others, then switches it off: energy drops', () => {
    const { w, a, b, c, onA, t0 } = scene();
    const wattsBefore = w.dataPlane.fleetTotals().powerWatts;
    const idle = (id: string) => w.dataPlane.hostView(id).powerWatts;
    const [idleA, idleC] = [idle(a), idle(c)];
    // Runs every 300 s from the setting (made before the VMs booted); the window is 600 s.
    w.run(1200 * SECOND);
    expect(w.fleet.host(c)!.state).toBe('off');
    expect(w.events('host.powered-off').map((e) => [e.hostId, e.detail.reason])).toEqual([[c, 'consolidation'], [a, 'consolidation']]);
    expect(w.events('host.consolidation-started')).toEqual([expect.objectContaining({ hostId: a, detail: expect.objectContaining({ reason: 'consolidation', instances: 1 }) })]);
    expect(w.events('vm.migration-completed')).toEqual([expect.objectContaining({ vmId: onA.vmId, hostId: b, detail: expect.objectContaining({ reason: 'consolidation', sourceHostId: a }) })]);
    expect(w.hostOf(onA.vmId)).toBe(b);
    expect(w.fleet.host(a)!.state).toBe('off');
    expect(w.fleet.host(b)!.state).toBe('available');
    // Off hosts draw nothing; B draws a little more for the one core it took.
    expect([idle(a), idle(c)]).toEqual([0, 0]);
    const wattsAfter = w.dataPlane.fleetTotals().powerWatts;
    expect(wattsAfter).toBeLessThan(wattsBefore - idleA - idleC + 5);
    expect(wattsAfter).toBeGreaterThan(wattsBefore - idleA - idleC);
    // Energy stops growing on the off hosts, and keeps growing on B.
    const e1 = [a, b, c].map((id) => w.dataPlane.hostView(id).energyKWh);
    w.run(3600 * SECOND);
    const e2 = [a, b, c].map((id) => w.dataPlane.hostView(id).energyKWh);
    expect(e2[0]).toBe(e1[0]);
    expect(e2[2]).toBe(e1[2]);
    expect(e2[1] - e1[1]).toBeCloseTo((idle(b) * 3600) / 3_600_000, 9);
    expect(t0).toBeLessThan(w.now);
  });

  it('does not consolidate before the window, nor a host that would make a hot spot elsewhere', () => {
    const w = new RebalancingWorld(CONSOLIDATE);
    const a = w.host();
    const b = w.host();
    w.demandingVm(a, 'm5.xlarge', 4); // 4 / 112 < 0.2: under-used
    w.demandingVm(b, 'm5.24xlarge', 96); // 97.5 / 112 + 4 would pass 0.9 on B
    w.demandingVm(b, 'm5.xlarge', 1.5);
    w.run(599 * SECOND);
    expect(w.events('host.consolidation-started')).toEqual([]);
    w.run(24 * 3600 * SECOND);
    expect(w.events('host.consolidation-started')).toEqual([]);
    expect(w.fleet.host(a)!.state).toBe('available');
  });

  it('switches a host it switched off back on when a placement would otherwise fail', () => {
    const { w, a, c } = scene();
    w.run(1200 * SECOND);
    expect([w.fleet.host(a)!.state, w.fleet.host(c)!.state]).toEqual(['off', 'off']);
    // Two m5.24xlarge need two hosts (96 reserved cores each): B takes one, one host comes back.
    const d = w.scheduler.place(request('m5.24xlarge', { availabilityZone: 'us-east-1a', minCount: 2, maxCount: 2 }));
    expect(d.ok).toBe(true);
    const on = w.events('host.powered-on');
    expect(on.map((e) => e.detail.reason)).toEqual(['capacity', 'capacity']);
  });

  it('an operator-switched-off host stays off until the operator switches it on', () => {
    const w = new RebalancingWorld();
    const a = w.host();
    w.rebalancer.powerOff(a, 'operator');
    expect(w.fleet.host(a)!.state).toBe('off');
    expect(w.scheduler.place(request('m5.large')).ok).toBe(false);
    w.rebalancer.powerOn(a, 'operator');
    expect(w.scheduler.place(request('m5.large')).ok).toBe(true);
    w.demandingVm(a, 'm5.large');
    expect(() => w.rebalancer.powerOff(a, 'operator')).toThrow(/drain it/);
  });
});

describe('MigrationExecutor and drain', () => {
  it('a drain still empties a host, smallest migration time first, one at a time per host', () => {
    const w = new RebalancingWorld();
    const a = w.host();
    const b = w.host();
    const vms = [w.demandingVm(a, 'm5.2xlarge', 1), w.demandingVm(a, 'm5.large', 1), w.demandingVm(a, 'm5.xlarge', 1)];
    w.maintenance.drain(a);
    w.run(600 * SECOND);
    const done = w.events('vm.migration-completed');
    expect(done.map((e) => e.vmId)).toEqual([vms[1].vmId, vms[2].vmId, vms[0].vmId]);
    expect(done.every((e) => e.detail.reason === 'maintenance' && e.hostId === b)).toBe(true);
    expect(w.events('host.drained')).toHaveLength(1);
    expect(w.fleet.host(a)!.state).toBe('draining');
  });

  it('never runs more migrations at once than maxConcurrentMigrations, across drains', () => {
    const w = new RebalancingWorld({ maxConcurrentMigrations: 1 });
    const [a, b, c] = [w.host(), w.host(), w.host()];
    for (const h of [a, b]) for (let i = 0; i < 2; i++) w.demandingVm(h, 'm5.large', 1);
    let inFlight = 0;
    let most = 0;
    w.engine.subscribe((e) => {
      if (e.type !== 'timeline') return;
      if (e.kind === 'vm.migration-started') most = Math.max(most, ++inFlight);
      if (e.kind === 'vm.migration-completed' || e.kind === 'vm.migration-aborted') inFlight--;
    });
    w.maintenance.drain(a);
    w.maintenance.drain(b);
    w.run(600 * SECOND);
    expect(most).toBe(1);
    expect(w.fleet.host(c)!.vmIds.size).toBe(4);
  });

  it('restores: a migration in flight at a restart is recorded as aborted and started again', () => {
    const w = new RebalancingWorld();
    const a = w.host();
    w.host();
    const vm = w.demandingVm(a, 'm5.large', 1);
    w.maintenance.executor.enqueue({ vmId: vm.vmId, reason: 'hot-spot' });
    w.run(1 * SECOND);
    const state = w.rebalancer.snapshot();
    expect(state.executor.entries).toEqual([expect.objectContaining({ vmId: vm.vmId, reason: 'hot-spot', sourceHostId: a, started: true })]);
    // A second world on the same fleet facts stands in for the restarted engine.
    const again = new RebalancingWorld();
    const a2 = again.host();
    again.host();
    const vm2 = again.demandingVm(a2, 'm5.large', 1);
    again.rebalancer.restore({ ...state, executor: { entries: [{ ...state.executor.entries[0], vmId: vm2.vmId, sourceHostId: a2 }] } });
    again.run(60 * SECOND);
    expect(again.events('vm.migration-aborted')).toEqual([expect.objectContaining({ vmId: vm2.vmId, detail: expect.objectContaining({ reason: 'hot-spot', why: expect.stringContaining('restart') }) })]);
    expect(again.events('vm.migration-completed')).toEqual([expect.objectContaining({ vmId: vm2.vmId, detail: expect.objectContaining({ reason: 'hot-spot' }) })]);
  });
});

describe('rebalancer settings', () => {
  it('merges a change block by block and checks the whole', () => {
    const c = mergeRebalancerConfig(DEFAULT_REBALANCER_CONFIG, parseRebalancerPatch({ hotSpot: { enabled: true, cpuThreshold: 0.8 } }));
    expect(c.hotSpot).toEqual({ enabled: true, cpuThreshold: 0.8, windowSeconds: 300, cooldownSeconds: 600 });
    expect(c.consolidation).toEqual(DEFAULT_REBALANCER_CONFIG.consolidation);
  });

  it.each([
    [{ hotSpot: { cpuThreshold: 1.5 } }, /hotSpot.cpuThreshold/],
    [{ hotSpot: { cpuThreshold: 0 } }, /hotSpot.cpuThreshold/],
    [{ hotSpot: { cpuThreshold: 0.009 }, consolidation: { cpuThreshold: 1e-300 } }, /cpuThreshold must be from 0.01 to 1/],
    [{ hotSpot: { cpuThreshold: 2.5e-114 }, consolidation: { cpuThreshold: 1e-300 } }, /cpuThreshold must be from 0.01 to 1/],
    [{ hotSpot: { windowSeconds: -1 } }, /windowSeconds/],
    [{ hotSpot: { windowSeconds: 1.5 } }, /windowSeconds/],
    [{ consolidation: { intervalSeconds: 0 } }, /intervalSeconds/],
    [{ consolidation: { cpuThreshold: 0.95 } }, /below hotSpot.cpuThreshold/],
    [{ maxConcurrentMigrations: 0 }, /maxConcurrentMigrations/],
    [{ hotSpot: { enabled: 'yes' } }, /boolean/],
    [{ hotSpot: { threshold: 0.9 } }, /not a setting/],
    [{ hotspot: {} }, /not a rebalancer setting/],
    [[], /object/],
  ])('refuses %j', (body, message) => {
    expect(() => mergeRebalancerConfig(DEFAULT_REBALANCER_CONFIG, parseRebalancerPatch(body))).toThrow(InvalidParameterValue);
    expect(() => mergeRebalancerConfig(DEFAULT_REBALANCER_CONFIG, parseRebalancerPatch(body))).toThrow(message);
  });
});
