import { AVAILABILITY_ZONES, DataPlane, DomainError, Fleet, FleetEvent, Host, NotFound, Scheduled, SimTime, Vm } from '@nimbus/hypervisor';
import { PlacementRequest, ratiosFor } from '../contract';
import { fitsOnHost, hostCapacity } from '../placement/host-capacity';
import { slotsOf } from '../placement/slot-index';
import { Scheduler } from '../scheduler';
import { byMigrationTime, DestinationRules, DrainOutcome, DrainPurpose, Maintenance } from './maintenance';
import { MigrationExecutor, MigrationExecutorState, MigrationRequest } from './migration-executor';
import { DEFAULT_REBALANCER_CONFIG, mergeRebalancerConfig, RebalancerConfig, RebalancerConfigPatch } from './rebalancer.config';

/** With no destination for any of its VMs, a hot spot is looked at again after at least this long. */
export const HOT_SPOT_RETRY_MS = 60_000;
/** Under-used hosts a consolidation run tries to plan an evacuation for, at most. */
export const CONSOLIDATION_CANDIDATES = 8;

/** The host's state does not allow the power change (409). */
export class IncorrectHostState extends DomainError {
  constructor(message: string) {
    super('IncorrectHostState', message);
  }
}

/** Who switched a host off (consolidation's hosts come back on by themselves when capacity runs out). */
export type PowerReason = 'consolidation' | 'operator' | 'capacity';

/** A host's utilization episode: since when it is over / under the thresholds, and its cooldown. */
interface HostWatch {
  overSince: SimTime | null;
  underSince: SimTime | null;
  cooldownUntil: SimTime;
  /** A "no destination" for this hot episode was reported already. */
  reported: boolean;
  timer: Scheduled | null;
  timerAt: SimTime;
}

/** A host consolidation is emptying. */
interface Evacuation {
  readonly since: SimTime;
  readonly instances: number;
  readonly rules: DestinationRules;
}

/** What survives a restart (persisted by the app with each commit that changed it). */
export interface RebalancerState {
  readonly hosts: Readonly<Record<string, { readonly overSince?: SimTime; readonly underSince?: SimTime; readonly cooldownUntil?: SimTime; readonly reported?: boolean }>>;
  readonly nextConsolidationAt: SimTime | null;
  readonly evacuating: readonly ({ readonly hostId: string } & Evacuation)[];
  readonly poweredOff: readonly string[];
  readonly executor: MigrationExecutorState;
}

/**
 * Rebalancing (docs/model.md §3.7, §3.9): a family of policies run on the simulated clock, every move a
 * live migration through the shared executor with its reason.
 *
 * **Utilization** here is *demanded* CPU: what the host's VMs' workloads ask (delivered or not)
 * plus the driver domain's use, over the host's hardware threads — the denominator of the host's
 * `cpuUtilization` metric, so the two read alike until demand exceeds what the host can deliver
 * (then this one goes above 1, and delivered utilization cannot show the overload). Beloglazov &
 * Buyya (2012) compare the same demanded utilization with a static threshold.
 *
 * Event-driven: the data plane tells us after each host recomputation (when its inputs changed);
 * a host crossing a threshold starts an episode, and one engine timer per hot host fires when its
 * window ends. Nothing ticks per host per second.
 *
 * - **Hot-spot relief**: a host above `hotSpot.cpuThreshold` for `windowSeconds` migrates one VM
 *   away — the one with the minimum migration time (MMT: the shortest pre-copy plan) among those
 *   that demand CPU and have a destination — to a host the scheduler chooses in its zone whose
 *   predicted utilization with the VM stays below the threshold. The source and the destination
 *   then cool down for `cooldownSeconds` (no ping-pong). Still hot after that: one more.
 * - **Consolidation**: every `intervalSeconds`, hosts below `consolidation.cpuThreshold` for
 *   `windowSeconds`: empty ones are switched off (with `powerOff`); of the others the emptiest
 *   whose VMs all fit elsewhere (capacity, and no destination above the hot-spot threshold) is
 *   drained the maintenance way (purpose `consolidation`) and then switched off. One at a time.
 * - **Power**: an `off` host draws nothing (the power model's off state) and takes no VMs. A host
 *   consolidation switched off is switched on again (at once; a real server takes minutes to
 *   boot, not modelled) when a placement would otherwise fail in its zone.
 */
export class Rebalancer {
  private current: RebalancerConfig;
  private readonly watches = new Map<string, HostWatch>();
  private readonly underused = new Set<string>();
  private readonly evacuating = new Map<string, Evacuation>();
  private readonly poweredOff = new Set<string>();
  private consolidationTimer: Scheduled | null = null;
  private nextConsolidationAt: SimTime | null = null;
  private changes = 0;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    private readonly fleet: Fleet,
    private readonly dataPlane: DataPlane,
    private readonly scheduler: Scheduler,
    private readonly maintenance: Maintenance,
    config: RebalancerConfig = DEFAULT_REBALANCER_CONFIG,
  ) {
    this.current = mergeRebalancerConfig(config, {});
    this.executor.maxConcurrent = this.current.maxConcurrentMigrations;
    this.unsubscribers.push(dataPlane.onHostRecomputed((hostId) => this.onRecomputed(hostId)));
    this.unsubscribers.push(fleet.engine.subscribe((e) => this.observe(e)));
    maintenance.onDrainEnded((hostId, purpose, outcome) => this.onDrainEnded(hostId, purpose, outcome));
    this.executor.onSettled((o) => {
      const w = this.watches.get(o.sourceHostId);
      if (w && w.overSince !== null) this.arm(o.sourceHostId, w);
    });
    scheduler.setCapacityFallback((req) => this.powerOnFor(req));
    if (this.current.consolidation.enabled) this.scheduleConsolidation(fleet.now + this.current.consolidation.intervalSeconds * 1000);
  }

  get executor(): MigrationExecutor {
    return this.maintenance.executor;
  }

  get config(): RebalancerConfig {
    return this.current;
  }

  /** Grows whenever the state worth persisting changed. */
  get version(): number {
    return this.changes + this.executor.version;
  }

  dispose(): void {
    for (const u of this.unsubscribers) u();
    this.scheduler.setCapacityFallback(undefined);
    for (const w of this.watches.values()) if (w.timer) this.fleet.engine.cancel(w.timer);
    if (this.consolidationTimer) this.fleet.engine.cancel(this.consolidationTimer);
  }

  /**
   * Changes the settings (validated as a whole; an invalid change changes nothing). Enabling a
   * policy starts every host's episode now: what came before is not known.
   */
  setConfig(patch: RebalancerConfigPatch): RebalancerConfig {
    const before = this.current;
    const next = mergeRebalancerConfig(before, patch);
    this.current = next;
    this.executor.maxConcurrent = next.maxConcurrentMigrations;
    if (!next.hotSpot.enabled)
      for (const [id, w] of this.watches) {
        w.overSince = null;
        this.cancelTimer(w);
        this.tidy(id, w);
      }
    if (!next.consolidation.enabled) {
      for (const id of this.underused) {
        const w = this.watches.get(id);
        if (w) {
          w.underSince = null;
          this.tidy(id, w);
        }
      }
      this.underused.clear();
      if (this.consolidationTimer) this.fleet.engine.cancel(this.consolidationTimer);
      this.consolidationTimer = null;
      this.nextConsolidationAt = null;
    } else if (!before.consolidation.enabled || before.consolidation.intervalSeconds !== next.consolidation.intervalSeconds) {
      this.scheduleConsolidation(this.fleet.now + next.consolidation.intervalSeconds * 1000);
    }
    // Thresholds or switches changed: every host is looked at again (an admin's action, O(hosts)).
    if (JSON.stringify(before) !== JSON.stringify(next)) for (const host of this.fleet.hosts()) this.onRecomputed(host.id);
    this.changes++;
    return next;
  }

  snapshot(): RebalancerState {
    const hosts: Record<string, { overSince?: SimTime; underSince?: SimTime; cooldownUntil?: SimTime; reported?: boolean }> = {};
    for (const [id, w] of this.watches) {
      const s: { overSince?: SimTime; underSince?: SimTime; cooldownUntil?: SimTime; reported?: boolean } = {};
      if (w.overSince !== null) s.overSince = w.overSince;
      if (w.underSince !== null) s.underSince = w.underSince;
      if (w.cooldownUntil > this.fleet.now) s.cooldownUntil = w.cooldownUntil;
      if (w.reported) s.reported = true;
      if (Object.keys(s).length > 0) hosts[id] = s;
    }
    return {
      hosts, nextConsolidationAt: this.nextConsolidationAt, evacuating: [...this.evacuating].map(([hostId, e]) => ({ hostId, ...e })), poweredOff: [...this.poweredOff].sort(),
      executor: this.executor.snapshot(),
    };
  }

  /**
   * After a restart (before the engine runs): episodes keep their start (each host's first
   * recomputation confirms or ends them), evacuations resume, migrations in flight start again.
   */
  restore(state: RebalancerState): void {
    for (const [id, s] of Object.entries(state.hosts)) {
      if (!this.fleet.host(id)) continue;
      const w = this.watch(id);
      w.overSince = this.current.hotSpot.enabled ? (s.overSince ?? null) : null;
      w.underSince = this.current.consolidation.enabled ? (s.underSince ?? null) : null;
      w.cooldownUntil = s.cooldownUntil ?? 0;
      w.reported = s.reported ?? false;
      if (w.underSince !== null) this.underused.add(id);
    }
    for (const id of state.poweredOff) if (this.fleet.host(id)?.state === 'off') this.poweredOff.add(id);
    this.executor.restore(state.executor);
    for (const { hostId, ...e } of state.evacuating) {
      if (this.fleet.host(hostId)?.state !== 'draining') continue;
      this.evacuating.set(hostId, e);
      this.maintenance.drain(hostId, true, 'consolidation', e.rules);
    }
    if (this.current.consolidation.enabled && state.nextConsolidationAt !== null) this.scheduleConsolidation(Math.max(this.fleet.now, state.nextConsolidationAt));
  }

  // ---- power (docs/model.md §3.9) ----

  /** Switches an empty, available host off (it then draws nothing and takes no VMs). */
  powerOff(hostId: string, reason: PowerReason): void {
    const host = this.requireHost(hostId);
    if (host.state === 'off') return;
    if (host.state !== 'available') throw new IncorrectHostState(`The host '${hostId}' is ${host.state}: only an available host is switched off.`);
    if (host.vmIds.size + host.incoming.size > 0)
      throw new IncorrectHostState(`The host '${hostId}' runs ${host.vmIds.size + host.incoming.size} instance(s): drain it before switching it off.`);
    this.switchOff(hostId, reason);
  }

  private switchOff(hostId: string, reason: PowerReason): void {
    this.fleet.setHostState(hostId, 'off');
    if (reason === 'consolidation') this.poweredOff.add(hostId);
    this.changes++;
    this.fleet.notice({ kind: 'host.powered-off', hostId, detail: { reason } });
  }

  /** Switches an off host on: it is available at once. */
  powerOn(hostId: string, reason: PowerReason): void {
    const host = this.requireHost(hostId);
    if (host.state !== 'off') return;
    const offForMs = this.fleet.now - host.stateSince;
    this.poweredOff.delete(hostId);
    this.fleet.setHostState(hostId, 'available');
    this.changes++;
    this.fleet.notice({ kind: 'host.powered-on', hostId, detail: { reason, offForMs } });
  }

  /**
   * The scheduler's fallback when nothing fits: switches on hosts that consolidation switched off,
   * in the first zone (of the request's) where enough of them would take `minCount` instances.
   */
  private powerOnFor(req: PlacementRequest): boolean {
    if (this.poweredOff.size === 0) return false;
    const zones = req.availabilityZone !== undefined ? [req.availabilityZone] : AVAILABILITY_ZONES;
    const off = [...this.poweredOff].sort().map((id) => this.fleet.host(id)!).filter((h) => h && h.state === 'off' && h.type.families.includes(req.instanceType.family));
    for (const az of zones) {
      const chosen: Host[] = [];
      let slots = 0;
      for (const h of off) {
        if (h.availabilityZone !== az || slots >= req.minCount) continue;
        const n = this.emptySlots(h, req);
        if (n === 0) continue;
        chosen.push(h);
        slots += n;
      }
      if (slots < req.minCount) continue;
      for (const h of chosen) this.powerOn(h.id, 'capacity');
      return true;
    }
    return false;
  }

  /** How many instances of the request an empty host takes (the placement capacity rule, host-capacity.ts). */
  private emptySlots(host: Host, req: Pick<PlacementRequest, 'instanceType' | 'cpu'>): number {
    const capacity = hostCapacity(host, ratiosFor(this.scheduler.config, host.availabilityZone, host.type.name));
    const need = { reservationMillicores: req.cpu.reservationMillicores, limitMillicores: req.cpu.limitMillicores, memoryMiB: host.memoryFootprintMiB(req.instanceType.memoryMiB) };
    return slotsOf(capacity.reservationMillicores, capacity.limitMillicores, capacity.memoryMiB, need);
  }

  // ---- watching utilization ----

  /** Demanded CPU utilization (see the class comment). */
  utilization(hostId: string): number {
    const host = this.requireHost(hostId);
    return this.dataPlane.hostCpuDemandMillicores(hostId) / (host.threads * 1000);
  }

  private onRecomputed(hostId: string): void {
    const { hotSpot, consolidation } = this.current;
    if (!hotSpot.enabled && !consolidation.enabled) return;
    const host = this.fleet.host(hostId);
    if (!host) return;
    let w = this.watches.get(hostId);
    if (host.state !== 'available') {
      if (w) {
        if (w.overSince !== null || w.underSince !== null) this.changes++;
        w.overSince = w.underSince = null;
        this.underused.delete(hostId);
        this.cancelTimer(w);
        this.tidy(hostId, w);
      }
      return;
    }
    const u = this.utilization(hostId);
    const over = hotSpot.enabled && u > hotSpot.cpuThreshold;
    const under = consolidation.enabled && u < consolidation.cpuThreshold;
    if (!w && !over && !under) return;
    w ??= this.watch(hostId);
    if (over && w.overSince === null) {
      w.overSince = this.fleet.now;
      this.changes++;
    } else if (!over && w.overSince !== null) {
      w.overSince = null;
      w.reported = false;
      this.cancelTimer(w);
      this.changes++;
    }
    if (over) this.arm(hostId, w);
    if (under && w.underSince === null) {
      w.underSince = this.fleet.now;
      this.underused.add(hostId);
      this.changes++;
    } else if (!under && w.underSince !== null) {
      w.underSince = null;
      this.underused.delete(hostId);
      this.changes++;
    }
    this.tidy(hostId, w);
  }

  private watch(hostId: string): HostWatch {
    let w = this.watches.get(hostId);
    if (!w) {
      w = { overSince: null, underSince: null, cooldownUntil: 0, reported: false, timer: null, timerAt: Infinity };
      this.watches.set(hostId, w);
    }
    return w;
  }

  /** Forgets a watch with nothing left in it. */
  private tidy(hostId: string, w: HostWatch): void {
    if (w.overSince === null && w.underSince === null && w.cooldownUntil <= this.fleet.now && !w.timer) this.watches.delete(hostId);
  }

  private cancelTimer(w: HostWatch): void {
    if (w.timer) this.fleet.engine.cancel(w.timer);
    w.timer = null;
    w.timerAt = Infinity;
  }

  private setCooldown(hostId: string): void {
    const w = this.watch(hostId);
    w.cooldownUntil = Math.max(w.cooldownUntil, this.fleet.now + this.current.hotSpot.cooldownSeconds * 1000);
    this.changes++;
  }

  /** One timer per hot host, at the end of its window (or of its cooldown). */
  private arm(hostId: string, w: HostWatch): void {
    if (w.overSince === null || !this.current.hotSpot.enabled) return;
    const at = Math.max(this.fleet.now, w.overSince + this.current.hotSpot.windowSeconds * 1000, w.cooldownUntil);
    if (w.timer && w.timerAt === at) return;
    this.cancelTimer(w);
    w.timerAt = at;
    w.timer = this.fleet.engine.schedule(at, () => {
      w.timer = null;
      w.timerAt = Infinity;
      this.checkHotSpot(hostId);
    });
  }

  // ---- hot-spot relief ----

  private checkHotSpot(hostId: string): void {
    const w = this.watches.get(hostId);
    const host = this.fleet.host(hostId);
    const { hotSpot } = this.current;
    if (!w || !host || w.overSince === null || !hotSpot.enabled || host.state !== 'available') return;
    const now = this.fleet.now;
    if (now < w.overSince + hotSpot.windowSeconds * 1000 || now < w.cooldownUntil) return this.arm(hostId, w);
    // A migration from here is queued or in flight: its end re-arms (executor.onSettled).
    if (this.executor.busyWith(hostId)) return;
    const u = this.utilization(hostId);
    const candidates = byMigrationTime(
      this.dataPlane,
      [...host.vmIds].map((id) => this.fleet.vm(id)!).filter((vm) => this.movable(vm) && this.dataPlane.vmCpuDemandMillicores(vm.vmId) > 0),
    );
    for (const vm of candidates) {
      const request: MigrationRequest = { vmId: vm.vmId, reason: 'hot-spot', maxTargetUtilization: hotSpot.cpuThreshold };
      const target = this.executor.destinationFor(request);
      if (target === null) continue;
      // A host's event, not the tenant's (its neighbours' load is none of the tenant's business): the
      // instance is named in the detail; its own migration events follow.
      this.fleet.notice({
        kind: 'host.hot-spot', hostId,
        detail: { reason: 'hot-spot', cpuUtilization: round4(u), cpuThreshold: hotSpot.cpuThreshold, overForMs: now - w.overSince, instanceId: vm.vmId, targetHostId: target },
      });
      this.executor.enqueue(request);
      this.setCooldown(hostId);
      this.setCooldown(target);
      w.reported = false;
      return this.arm(hostId, w);
    }
    if (!w.reported) {
      w.reported = true;
      this.fleet.notice({
        kind: 'vm.migration-failed', hostId,
        detail: { reason: 'hot-spot', why: 'no host in the zone can take any of its instances without becoming a hot spot', cpuUtilization: round4(u), retryInMs: Math.max(HOT_SPOT_RETRY_MS, hotSpot.cooldownSeconds * 1000) },
      });
    }
    w.cooldownUntil = now + Math.max(HOT_SPOT_RETRY_MS, hotSpot.cooldownSeconds * 1000);
    this.changes++;
    this.arm(hostId, w);
  }

  private movable(vm: Vm): boolean {
    return vm.state === 'running' && vm.status === 'ok' && !this.dataPlane.isMigrating(vm.vmId) && !this.executor.has(vm.vmId);
  }

  // ---- consolidation ----

  private scheduleConsolidation(at: SimTime): void {
    if (this.consolidationTimer) this.fleet.engine.cancel(this.consolidationTimer);
    this.nextConsolidationAt = at;
    this.changes++;
    this.consolidationTimer = this.fleet.engine.schedule(at, () => {
      this.consolidationTimer = null;
      this.runConsolidation();
    });
  }

  private runConsolidation(): void {
    const c = this.current.consolidation;
    if (!c.enabled) return;
    const now = this.fleet.now;
    this.scheduleConsolidation(now + c.intervalSeconds * 1000);
    for (const id of [...this.evacuating.keys()]) if (this.maintenance.purposeOf(id) !== 'consolidation') this.evacuating.delete(id);
    const ready: Host[] = [];
    for (const id of this.underused) {
      const host = this.fleet.host(id);
      const w = this.watches.get(id);
      if (!host || !w || w.underSince === null || host.state !== 'available') continue;
      if (now - w.underSince < c.windowSeconds * 1000 || now < w.cooldownUntil || host.incoming.size > 0 || this.executor.busyWith(id)) continue;
      ready.push(host);
    }
    ready.sort((a, b) => this.utilization(a.id) - this.utilization(b.id) || a.vmIds.size - b.vmIds.size || (a.id < b.id ? -1 : 1));
    if (c.powerOff) for (const host of ready) if (host.vmIds.size === 0) this.powerOff(host.id, 'consolidation');
    if (this.evacuating.size > 0) return; // one evacuation at a time
    let tried = 0;
    for (const host of ready) {
      if (host.vmIds.size === 0) continue;
      if (tried++ >= CONSOLIDATION_CANDIDATES) break;
      const vms = [...host.vmIds].map((id) => this.fleet.vm(id)!);
      if (!vms.every((vm) => this.movable(vm))) continue;
      const rules: DestinationRules = { maxTargetUtilization: this.current.hotSpot.cpuThreshold, minTargetUtilization: this.utilization(host.id) };
      if (!this.canEvacuate(host, vms, rules)) continue;
      const w = this.watches.get(host.id)!;
      this.evacuating.set(host.id, { since: now, instances: vms.length, rules });
      this.changes++;
      this.fleet.notice({
        kind: 'host.consolidation-started', hostId: host.id,
        detail: { reason: 'consolidation', instances: vms.length, cpuUtilization: round4(this.utilization(host.id)), cpuThreshold: c.cpuThreshold, underForMs: now - w.underSince! },
      });
      this.maintenance.drain(host.id, false, 'consolidation', rules);
      return;
    }
  }

  /**
   * Whether every VM of `host` has a destination at once (first-fit decreasing by memory), each
   * admitted by the scheduler, with room for what is planned onto it too, none predicted above
   * the hot-spot threshold, and none emptier than `host` (load only moves onto busier hosts).
   */
  private canEvacuate(host: Host, vms: Vm[], rules: DestinationRules): boolean {
    const planned = new Map<string, Vm[]>();
    const threshold = rules.maxTargetUtilization!;
    const floor = rules.minTargetUtilization!;
    const exclude = [host.id, ...this.evacuating.keys()];
    for (const vm of [...vms].sort((a, b) => b.instanceType.memoryMiB - a.instanceType.memoryMiB || (a.vmId < b.vmId ? -1 : 1))) {
      const decision = this.scheduler.placeMigration(vm.vmId, {
        excludeHostIds: exclude,
        powerOn: false,
        accept: (target) => {
          const already = planned.get(target.id) ?? [];
          if (target.vmIds.size === 0 || this.executor.predictedUtilization(target) < floor || !this.hasRoom(target, [...already, vm])) return false;
          let extra = 0;
          for (const p of already) extra += this.dataPlane.vmCpuDemandMillicores(p.vmId);
          return this.executor.predictedUtilization(target, vm) + extra / (target.threads * 1000) < threshold;
        },
      });
      if (!decision.ok) return false;
      const to = decision.hostIds[0];
      planned.set(to, [...(planned.get(to) ?? []), vm]);
    }
    return true;
  }

  /** The placement capacity rule (host-capacity.ts) for `vms` added to `host` together. */
  private hasRoom(host: Host, vms: Vm[]): boolean {
    let reservationMillicores = 0;
    let limitMillicores = 0;
    let memoryMiB = 0;
    for (const vm of vms) {
      reservationMillicores += vm.cpu.reservationMillicores;
      limitMillicores += vm.cpu.limitMillicores;
      memoryMiB += host.memoryFootprintMiB(vm.instanceType.memoryMiB);
    }
    const ratios = ratiosFor(this.scheduler.config, host.availabilityZone, host.type.name);
    return fitsOnHost(host, ratios, host.allocation, { reservationMillicores, limitMillicores, memoryMiB });
  }

  private onDrainEnded(hostId: string, purpose: DrainPurpose, outcome: DrainOutcome): void {
    if (purpose !== 'consolidation') return;
    const ev = this.evacuating.get(hostId);
    this.evacuating.delete(hostId);
    this.changes++;
    const host = this.fleet.host(hostId);
    if (!host) return;
    if (outcome === 'stuck') {
      this.fleet.setHostState(hostId, 'available');
      this.setCooldown(hostId);
      this.fleet.notice({ kind: 'host.consolidation-aborted', hostId, detail: { reason: 'consolidation', why: 'an instance has no host to go to without making a hot spot', instancesLeft: host.vmIds.size } });
      return;
    }
    const powerOff = this.current.consolidation.powerOff;
    this.fleet.notice({
      kind: 'host.consolidation-completed', hostId,
      detail: { reason: 'consolidation', instancesMoved: ev?.instances ?? 0, durationMs: this.fleet.now - (ev?.since ?? host.stateSince), poweredOff: powerOff },
    });
    if (powerOff) this.switchOff(hostId, 'consolidation');
    else this.fleet.setHostState(hostId, 'available');
  }

  private observe(e: FleetEvent): void {
    if (e.type === 'host.removed') {
      const w = this.watches.get(e.hostId);
      if (w) this.cancelTimer(w);
      this.watches.delete(e.hostId);
      this.underused.delete(e.hostId);
      this.poweredOff.delete(e.hostId);
      this.evacuating.delete(e.hostId);
    } else if (e.type === 'host.state-changed') {
      if (e.current !== 'off' && this.poweredOff.delete(e.hostId)) this.changes++;
      if (e.current !== 'draining' && this.evacuating.delete(e.hostId)) this.changes++;
    }
  }

  private requireHost(hostId: string): Host {
    const host = this.fleet.host(hostId);
    if (!host) throw new NotFound('InvalidHostID.NotFound', `The host ID '${hostId}' does not exist`);
    return host;
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
