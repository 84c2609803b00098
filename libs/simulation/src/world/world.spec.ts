import { findImage, findInstanceType, MS_PER_HOUR, MS_PER_MINUTE } from '@nimbus/hypervisor';
import { launch } from '../commands/launch';
import { setWorkload } from '../commands/lifecycle';
import { World } from './world';
import { VmRecord, WorldState } from './world-state';

const T0 = Date.UTC(2026, 0, 1);
const LINUX = findImage('ami-0a1e0c00000000a23')!;
const t3 = findInstanceType('t3.micro')!;

/** Saves a world as a store would: what its change sets and snapshots said, applied to records. */
class Store {
  readonly vms = new Map<string, VmRecord>();
  constructor(readonly world: World) {}
  absorb(): void {
    const { changes, snapshots } = this.world.takeChanges();
    for (const vm of this.world.fleet.allVms()) {
      const was = this.vms.get(vm.vmId);
      this.vms.set(vm.vmId, {
        ...(was ?? {}),
        vmId: vm.vmId, tenantId: vm.tenantId, instanceType: vm.instanceType.name, imageId: vm.image.imageId, autoRecovery: true, cpu: vm.cpu,
        state: changes.states.get(vm.vmId)?.current ?? was?.state ?? vm.state, hostId: vm.hostId, stateSince: vm.stateSince, transitionAt: vm.transitionAt,
        status: vm.status, tenancy: vm.tenancy ?? 'default', creditMode: was?.creditMode ?? 'unlimited', workload: this.world.dataPlane.workloadOf(vm.vmId), workloadSetAtMs: T0,
      });
    }
    for (const s of snapshots.vms) this.vms.set(s.vmId, { ...this.vms.get(s.vmId)!, credits: s.credits, creditUseMillicores: s.useMillicores });
  }
  state(): WorldState {
    return { nowMs: this.world.now, hosts: [{ hostId: 'h-00000000000000001', hostType: 'm5-host', availabilityZone: 'us-east-1a' }], vms: [...this.vms.values()] };
  }
}

describe('World', () => {
  const build = () => World.create({ startMs: T0, hosts: [{ hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 1 }] });
  let n = 0;
  const run = (w: World, tenantId = 'a') => launch(w, { tenantId, instanceType: t3, image: LINUX, minCount: 1, maxCount: 1, newVmId: () => `i-${String(++n).padStart(17, '0')}` }).vms[0];

  it('records a command\'s changes in its change set, and gives them back for the next take after a failed write', () => {
    const w = build();
    const vm = run(w);
    const first = w.takeChanges();
    expect(first.changes.states.get(vm.vmId)?.current).toBe('pending');
    w.requeue(first);
    w.runUntil(T0 + 20_000);
    const again = w.takeChanges();
    // The requeued change set comes first; the VM's last transition (running, after 15 s) wins.
    expect(again.changes.states.get(vm.vmId)?.current).toBe('running');
    expect(again.changes.usage.map((u) => u.kind)).toEqual(['running']);
  });

  it('isolates a command: a failure drops its changes and says whether it had changed the world', async () => {
    const w = build();
    const ok = await w.isolateAsync(async () => run(w));
    expect(ok.ok).toBe(true);
    const failed = await w.isolateAsync(async () => {
      run(w);
      throw new Error('after launching');
    });
    expect(failed).toMatchObject({ ok: false, changedWorld: true });
    const clean = await w.isolateAsync(async () => {
      throw new Error('before changing anything');
    });
    expect(clean).toMatchObject({ ok: false, changedWorld: false });
    // Only the first launch is in the change set.
    expect([...w.takeChanges().changes.states.keys()]).toHaveLength(1);
  });

  it('a saved and restored world carries a burstable VM\'s credits on exactly as the live one does', () => {
    // t3.micro: 2 vCPUs, baseline 10 % each (0.2 vCPU), 12 credits an hour; 0.1 core of demand earns
    // the difference. A second VM launched an hour later recomputes the host but leaves the first's
    // use unchanged, so the first's snapshot from its boot still describes it.
    const live = build();
    const store = new Store(live);
    const a = run(live);
    live.runUntil(T0 + 20_000);
    setWorkload(live, 'a', a.vmId, { cpu: { model: 'constant', cores: 0.1 } });
    live.runUntil(T0 + MS_PER_MINUTE);
    store.absorb();
    live.runUntil(T0 + MS_PER_HOUR);
    run(live);
    live.runUntil(T0 + MS_PER_HOUR + 20_000);
    const { snapshots } = live.takeChanges();
    expect(snapshots.vms.map((s) => s.vmId)).not.toContain(a.vmId);
    const restored = World.restore({ ...store.state(), nowMs: live.now });
    for (const t of [live.now + MS_PER_HOUR, live.now + 30 * MS_PER_HOUR]) {
      live.runUntil(t);
      restored.runUntil(t);
      expect(restored.dataPlane.vmView(a.vmId).creditBalance).toBeCloseTo(live.dataPlane.vmView(a.vmId).creditBalance!, 9);
    }
    // And the balance is the rule's: a T3 launches with no credits, then earns (0.2 − 0.1) vCPU × 60
    // credits per vCPU-hour from boot, up to 24 hours' earning at baseline (12 × 24 = 288 credits).
    expect(live.dataPlane.vmView(a.vmId).creditBalance).toBeCloseTo(Math.min(288, 0.1 * 60 * ((live.now - (T0 + 20_000)) / MS_PER_HOUR)), 0);
  });
});
