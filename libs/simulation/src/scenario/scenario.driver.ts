import {
  AVAILABILITY_ZONES, CpuWorkload, DomainError, IDLE_WORKING_SET_MIB, Image, InstanceType, MS_PER_HOUR, resolveCpuParams, resolveVolume, SimTime, validateWorkload, Workload, TRACE_MAX_POINTS,
} from '@nimbus/hypervisor';
import { attachVolume, createVolume, deleteVolume } from '../commands/resources';
import { launch } from '../commands/launch';
import { drainHost, failHost, repairHost } from '../commands/fleet';
import { setDedicatedHostOwner } from '../commands/resources';
import { setWorkload, startVm, stopVm, terminateVm } from '../commands/lifecycle';
import { HostRecord } from '../world/world-state';
import { World } from '../world/world';
import { AzureDistributions, datasetKey, DatasetRef, PLANETLAB_INTERVAL_SECONDS, ScenarioData } from './datasets';
import { ArrivalProcess, quantile, RandomStream, streamSeed, valueAt } from './random';
import { ScenarioRecorder } from './results/recorder';
import { ResolvedScenario, imageFor, ioVolumeRequest } from './scenario.defaults';
import { MemorySpec, SyntheticWorkloadSpec, TenantSpec, TraceWorkloadSpec, WorkloadSpec } from './scenario';

/** A dataset the scenario needs was not given to the run. */
export class ScenarioDataMissing extends Error {
  constructor(readonly dataset: DatasetRef) {
    super(`the scenario needs the dataset '${datasetKey(dataset)}', which was not loaded (see datasetsNeeded)`);
    this.name = 'ScenarioDataMissing';
  }
}

const zoneIndex = (zone: string | undefined): number => (zone === undefined ? 0 : AVAILABILITY_ZONES.indexOf(zone) + 1);

/**
 * The fleet's hosts. Ids depend only on the zone and the host's place in it
 * (`h-` + the zone's number in two digits + 15 digits), so a zone's hosts have the same ids
 * whether the zone runs alone (a cell) or with the others.
 */
export function hostRecords(r: ResolvedScenario): HostRecord[] {
  const out: HostRecord[] = [];
  for (const zone of r.zones) {
    let n = 0;
    const spec = r.scenario.fleet.zones.find((z) => z.name === zone)!;
    for (const g of spec.hosts) {
      for (let i = 0; i < g.count; i++) {
        n++;
        out.push({ hostId: `h-${String(zoneIndex(zone)).padStart(2, '0')}${String(n).padStart(15, '0')}`, hostType: g.type, availabilityZone: zone });
      }
    }
  }
  return out;
}

interface WorkloadContext {
  readonly tenant: TenantSpec;
  readonly name: string;
  readonly image: Image;
  /** Draws per VM: sizes, lifetimes, utilizations. */
  readonly vms: RandomStream;
  /** Draws per application (working sets), apart from the VMs' so that every packing of the same applications sees the same ones. */
  readonly apps: RandomStream;
}

/**
 * Makes a scenario happen in a world: launches the workloads' VMs (at the start, and as their
 * arrivals come), gives them their CPU demand, terminates them when their lifetime ends, and
 * fails, repairs and drains hosts. Everything goes through the world's commands (launch through
 * the scheduler, faults through the data plane), as the API's requests do.
 */
export class ScenarioDriver {
  /** Per zone (0: the scheduler chose): VM ids issued so far. */
  private readonly vmCounters = new Map<number, number>();

  constructor(
    private readonly r: ResolvedScenario,
    private readonly data: ScenarioData,
    private readonly world: World,
    private readonly recorder: ScenarioRecorder,
  ) {}

  start(): void {
    const s = this.r.scenario;
    this.allocateDedicatedHosts();
    for (const tenant of s.tenants) {
      tenant.workloads.forEach((w, j) => {
        const name = w.name ?? `w${j}`;
        const ctx: WorkloadContext = {
          tenant, name, image: imageFor(w.image)!, vms: new RandomStream(streamSeed(s.seed, 'vms', tenant.id, name)), apps: new RandomStream(streamSeed(s.seed, 'apps', tenant.id, name)),
        };
        if (w.kind === 'synthetic') this.startSynthetic(ctx, w);
        else this.startTrace(ctx, w);
      });
    }
    this.scheduleFaults();
    this.scheduleDrains();
    this.scheduleFailures();
  }

  // ---- synthetic workloads ----

  private startSynthetic(ctx: WorkloadContext, w: SyntheticWorkloadSpec): void {
    const s = this.r.scenario;
    const k = w.memory?.applicationsPerVm ?? 1;
    // With k applications per VM, `initial` counts applications: drawn in order and packed k to a VM (fewer where no type would hold more), one request per VM.
    if (k > 1) for (const vm of this.packApplications(w, w.memory!, this.drawApplications(ctx, w, w.initial ?? 0))) this.request(ctx, w, [vm]);
    else for (let i = 0; i < (w.initial ?? 0); i++) this.request(ctx, w);
    const arrivals = new ArrivalProcess(w.arrivals, this.r.startMs, new RandomStream(streamSeed(s.seed, 'arrivals', ctx.tenant.id, ctx.name)));
    const next = (after: SimTime) => {
      const t = arrivals.next(after, this.r.endMs);
      if (t === Infinity) return;
      this.world.engine.schedule(t, () => {
        this.request(ctx, w);
        next(t);
      });
    };
    next(this.r.startMs);
  }

  /**
   * One launch request of the workload: a deployment of one or more VMs of one type. Without `vms`
   * (its applications, VM by VM) given, the deployment's size is drawn (one, or Azure's), in
   * applications, and they are packed `memory.applicationsPerVm` to a VM (with `size: fit`, fewer
   * where no type would hold more).
   */
  private request(ctx: WorkloadContext, w: SyntheticWorkloadSpec, vms?: readonly (readonly ApplicationDraw[])[]): void {
    const needAzure = () => this.azure();
    const m = w.memory;
    if (!vms) {
      const apps = w.arrivals.deployments === 'azure2019' ? deploymentSize(this.azure(), ctx.vms) : 1;
      vms = m ? this.packApplications(w, m, this.drawApplications(ctx, w, apps)) : Array.from({ length: apps }, () => []);
    }
    const type = w.size.distribution === 'fit' ? this.fitType(vms.map((a) => needOf(m!, a, this.workingSetAzure(w)))) : this.drawType(ctx, w, needAzure);
    const ids = this.launch(ctx, w, type, vms.length);
    ids.forEach((vmId, i) => {
      this.recorder.applications(vmId, m ? vms[i].length : 1);
      const hours = this.drawLifetime(w, ctx.vms, needAzure);
      const cpu = cpuPerApplication(w) ? applicationsCpu(w, type, vms[i], ctx) : this.drawCpu(w, type, ctx, needAzure);
      const memory = m ? { workingSetMiB: Math.min(type.memoryMiB, workingSetMiB(m, vms[i].map((a) => a.u), type.memoryMiB, this.workingSetAzure(w))), dirtyRateMiBps: m.dirtyRateMiBps ?? 0 } : undefined;
      this.setWorkload(ctx, vmId, type, { cpu, ...(memory ? { memory } : {}), ...this.deviceWorkload(ctx, w, vmId) });
      const end = this.world.now + Math.round(hours * MS_PER_HOUR);
      if (hours !== Infinity && end < this.r.endMs) this.world.engine.schedule(end, () => this.terminate(ctx, vmId));
    });
  }

  /** `n` applications' draws, in order, from the applications' own stream, so that every packing of the same applications sees the same ones. */
  private drawApplications(ctx: WorkloadContext, w: SyntheticWorkloadSpec, n: number): ApplicationDraw[] {
    return Array.from({ length: n }, () => drawApplication(ctx.apps, cpuPerApplication(w) ? this.azure() : undefined));
  }

  /** The Azure distributions when the workload's working sets are drawn from them. */
  private workingSetAzure(w: SyntheticWorkloadSpec): AzureDistributions | undefined {
    return w.memory?.workingSet.distribution === 'azure2019' ? this.azure() : undefined;
  }

  /** The Azure distributions, which the scenario's `azure2019` draws need. */
  private azure(): AzureDistributions {
    if (!this.data.azure2019) throw new ScenarioDataMissing({ kind: 'azure2019' });
    return this.data.azure2019;
  }

  /**
   * The request's applications, VM by VM, in order: `applicationsPerVm` to a VM. With `size: fit`
   * a VM that holds some already takes the next one only if a type on sale would still hold them
   * all, so heterogeneous applications never lose memory to the largest type's cap (unless one
   * alone is larger).
   */
  private packApplications(w: SyntheticWorkloadSpec, m: MemorySpec, drawn: readonly ApplicationDraw[]): ApplicationDraw[][] {
    const azure = this.workingSetAzure(w);
    const k = m.applicationsPerVm ?? 1;
    const fit = w.size.distribution === 'fit';
    const out: ApplicationDraw[][] = [];
    let vm: ApplicationDraw[] = [];
    let need: VmNeed | undefined; // the VM's so far (fit only)
    for (const a of drawn) {
      const withA = fit ? needOf(m, [a], azure, need) : undefined;
      if (vm.length === k || (vm.length > 0 && withA && !this.fittingType(withA))) {
        out.push(vm);
        vm = [];
        need = fit ? needOf(m, [a], azure) : undefined;
      } else need = withA;
      vm.push(a);
    }
    if (vm.length > 0) out.push(vm);
    return out;
  }

  /** The type on sale with the least memory that holds the working set and has the vCPUs (ties: fewer vCPUs, then the name), if any. */
  private fittingType(need: VmNeed): InstanceType | undefined {
    let best: InstanceType | undefined;
    for (const t of this.r.instanceTypes.values()) if (t.memoryMiB >= need.workingSetMiB && t.vcpus >= need.vcpus && (!best || byFit(t, best) < 0)) best = t;
    return best;
  }

  /** `size: fit` for a request's VMs: the type that fits the most any of them needs; none does: the largest. */
  private fitType(needs: readonly VmNeed[]): InstanceType {
    const fitting = this.fittingType({ workingSetMiB: Math.max(...needs.map((n) => n.workingSetMiB)), vcpus: Math.max(...needs.map((n) => n.vcpus)), cores: 0 });
    if (fitting) return fitting;
    let largest: InstanceType | undefined;
    for (const t of this.r.instanceTypes.values()) if (!largest || byFit(t, largest) > 0) largest = t;
    return largest!;
  }

  private drawType(ctx: WorkloadContext, w: SyntheticWorkloadSpec, azure: () => AzureDistributions): InstanceType {
    const size = w.size;
    if (size.distribution === 'fixed') return this.r.instanceTypes.get(size.instanceType)!;
    if (size.distribution === 'mix') return this.r.instanceTypes.get(size.mix[ctx.vms.weighted(size.mix.map((m) => m.weight))].instanceType)!;
    const a = azure();
    const cores = ctx.vms.pick(a.cores);
    const memoryGiB = ctx.vms.pick(a.memoryGB);
    return closestType([...this.r.instanceTypes.values()], cores, memoryGiB * 1024);
  }

  private drawLifetime(w: SyntheticWorkloadSpec, random: RandomStream, azure: () => AzureDistributions): number {
    const l = w.lifetime;
    switch (l.distribution) {
      case 'azure2019':
        return quantile(azure().lifetimeHours, random.uniform());
      case 'exponential':
        return random.exponential(l.meanHours);
      case 'fixed':
        return l.hours;
      case 'forever':
        return Infinity;
    }
  }

  /** The VM's CPU demand: its average (and P95) utilization, of its vCPUs, shaped by the model. */
  private drawCpu(w: SyntheticWorkloadSpec, type: InstanceType, ctx: WorkloadContext, azure: () => AzureDistributions): CpuWorkload {
    const u = w.utilization;
    const { average, p95 } = u.distribution === 'azure2019' ? azureCpuPercent(azure(), ctx.vms.uniform()) : { average: u.percent, p95: u.p95Percent ?? u.percent };
    const v = type.vcpus;
    return shapeCpu(w, v, (average / 100) * v, ((p95 - average) / 100) * v, ctx);
  }

  /**
   * The workload's parts beyond CPU: its IO on a volume of its own (created in the VM's zone and
   * attached, as CreateVolume and AttachVolume do), its egress to the internet, its privileged
   * operations.
   */
  private deviceWorkload(ctx: WorkloadContext, w: SyntheticWorkloadSpec, vmId: string): Workload {
    const out: Workload = {};
    if (w.io) {
      const volumeId = volumeIdOf(vmId);
      const zone = this.world.fleet.host(this.world.fleet.vm(vmId)!.hostId!)!.availabilityZone;
      createVolume(this.world, { volumeId, tenantId: ctx.tenant.id, availabilityZone: zone, spec: resolveVolume(ioVolumeRequest(w.io)) });
      attachVolume(this.world, volumeId, vmId);
      out.io = [{ volumeId, iops: w.io.iops, throughputMiBps: w.io.throughputMiBps }];
    }
    if (w.network && w.network.internetMbps > 0) out.network = [{ to: 'internet', mbps: w.network.internetMbps }];
    if (w.privilegedOpsPerSecPerCore) out.privileged = { opsPerSecPerCore: w.privilegedOpsPerSecPerCore };
    return out;
  }

  // ---- trace replay ----

  private startTrace(ctx: WorkloadContext, w: TraceWorkloadSpec): void {
    if (w.dataset.kind === 'planetlab') {
      const day = this.data.planetlab?.[w.dataset.day];
      if (!day) throw new ScenarioDataMissing({ kind: 'planetlab', day: w.dataset.day });
      const vms = day.vms.slice(0, w.limit ?? day.vms.length);
      const types = (w.instanceTypes ?? []).map((n) => this.r.instanceTypes.get(n)!);
      // CloudSim's PlanetLabHelper: VM i gets type ⌊i / ⌈n / types⌉⌋ (blocks), unless round-robin.
      const block = Math.ceil(vms.length / types.length);
      vms.forEach((trace, i) => {
        const type = types[w.assign === 'round-robin' ? i % types.length : Math.min(types.length - 1, Math.floor(i / block))];
        for (const vmId of this.launch(ctx, w, type, 1)) {
          const cores = trace.cpuPercent.slice(0, TRACE_MAX_POINTS).map((p) => (p / 100) * type.vcpus);
          this.setWorkload(ctx, vmId, type, { cpu: { model: 'trace', periodSeconds: PLANETLAB_INTERVAL_SECONDS, cores, repeat: false } });
        }
      });
      return;
    }
    const set = this.data.bitbrains?.[w.dataset.path];
    if (!set) throw new ScenarioDataMissing({ kind: 'bitbrains', path: w.dataset.path });
    const allowed = w.instanceTypes ? w.instanceTypes.map((n) => this.r.instanceTypes.get(n)!) : [...this.r.instanceTypes.values()];
    for (const vm of set.slice(0, w.limit ?? set.length)) {
      const type = closestType(allowed, vm.cores, vm.memoryProvisionedKB / 1024);
      for (const vmId of this.launch(ctx, w, type, 1)) {
        const cores = vm.cpuPercent.slice(0, TRACE_MAX_POINTS).map((p) => Math.min(type.vcpus, (p / 100) * vm.cores));
        const workingSetMiB = Math.min(type.memoryMiB, Math.round(mean(vm.memoryUsageKB) / 1024));
        const outMbps = (mean(vm.networkOutKBps) * 8) / 1000;
        this.setWorkload(ctx, vmId, type, {
          cpu: { model: 'trace', periodSeconds: vm.periodSeconds, cores, repeat: false },
          memory: { workingSetMiB, dirtyRateMiBps: 0 },
          ...(outMbps > 0 ? { network: [{ to: 'internet', mbps: outMbps }] } : {}),
        });
      }
    }
  }

  // ---- commands ----

  /** Launches `count` VMs of `type` for the workload, all or nothing; the ids launched (none if refused). */
  private launch(ctx: WorkloadContext, w: WorkloadSpec, type: InstanceType, count: number): readonly string[] {
    const zone = zoneIndex(w.zone);
    const cpu = w.cpuReservation === undefined ? undefined : reservedCpu(type, w.cpuReservation);
    try {
      const result = launch(this.world, {
        tenantId: ctx.tenant.id, instanceType: type, image: ctx.image, minCount: count, maxCount: count,
        ...(w.zone ? { availabilityZone: w.zone } : {}),
        ...(cpu ? { cpu } : {}),
        ...(w.tenancy === 'host' ? { tenancy: 'host' as const } : {}),
        ...(ctx.tenant.vcpuQuota !== undefined ? { vcpuQuota: ctx.tenant.vcpuQuota } : {}),
        newVmId: () => this.nextVmId(zone),
      });
      const ids = result.vms.map((vm) => vm.vmId);
      this.recorder.accepted(ids, this.recorder.vmInfo(result.availabilityZone, ctx.tenant.id, type, ctx.image, this.world.now, w.tenancy ?? 'default'), this.world.now);
      if (w.schedule && w.schedule.runFraction < 1) for (const id of ids) this.dutyCycle(ctx, w.schedule, id, result.availabilityZone);
      return ids;
    } catch (err) {
      if (err instanceof DomainError) return []; // refused: the world reported it to the recorder
      throw err;
    }
  }

  /** `i-` + the zone's number (0: the scheduler chose) + 16 hex digits, counted per zone. */
  private nextVmId(zone: number): string {
    const n = (this.vmCounters.get(zone) ?? 0) + 1;
    this.vmCounters.set(zone, n);
    return `i-${zone.toString(16)}${n.toString(16).padStart(16, '0')}`;
  }

  private setWorkload(ctx: WorkloadContext, vmId: string, type: InstanceType, w: Workload): void {
    setWorkload(this.world, ctx.tenant.id, vmId, validateWorkload(w, { vcpus: type.vcpus, memoryMiB: type.memoryMiB }));
  }

  // ---- licensing-models experiment (issue 12): Dedicated Hosts and a daily duty cycle ----

  /** Each tenant's Dedicated Hosts: the first free hosts of the type in the zone (by id), allocated for its family with auto-placement, for the whole run. */
  private allocateDedicatedHosts(): void {
    const taken = new Set<string>();
    const hosts = [...this.world.fleet.hosts()].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const tenant of this.r.scenario.tenants) {
      for (const d of tenant.dedicatedHosts ?? []) {
        const free = hosts.filter((h) => h.availabilityZone === d.zone && h.type.name === d.hostType && !taken.has(h.id)).slice(0, d.count);
        for (const h of free) {
          taken.add(h.id);
          const family = h.type.families[0];
          setDedicatedHostOwner(this.world, h.id, { tenantId: tenant.id, autoPlacement: true, instanceFamily: family });
          this.recorder.hostAllocated(h.id, tenant.id, family, d.zone, this.world.now);
        }
      }
    }
  }

  /**
   * Stops the VM at the end of each day's run window (`startHourUtc` + `runFraction` × 24 h) and
   * starts it at the next window's start, through the world's StopInstances and StartInstances
   * (a start is placed again by the scheduler). A VM launched outside its window is stopped at once.
   */
  private dutyCycle(ctx: WorkloadContext, schedule: { readonly runFraction: number; readonly startHourUtc?: number }, vmId: string, zone: string): void {
    const DAY = 24 * MS_PER_HOUR;
    const offset = Math.round((schedule.startHourUtc ?? 0) * MS_PER_HOUR);
    const onMs = Math.round(schedule.runFraction * DAY);
    const windowStart = (t: SimTime) => Math.floor((t - offset) / DAY) * DAY + offset;
    let dedicatedHostId: string | undefined;
    const alive = () => {
      const vm = this.world.fleet.vm(vmId);
      return vm !== undefined && vm.state !== 'terminated' && vm.state !== 'shutting-down';
    };
    const stopAt = (t: SimTime) => {
      if (t >= this.r.endMs) return;
      this.world.engine.schedule(t, () => {
        if (!alive()) return;
        // EC2 stops only a running instance: one still booting is stopped a minute later.
        const vm = this.world.fleet.vm(vmId)!;
        if (vm.state !== 'running') return stopAt(t + 60_000);
        // A stopped instance with host tenancy starts on its Dedicated Host again (EC2's host affinity).
        if (vm.tenancy === 'host' && vm.hostId) dedicatedHostId = vm.hostId;
        stopVm(this.world, ctx.tenant.id, vmId);
        startAt(windowStart(t) + DAY);
      });
    };
    const startAt = (t: SimTime) => {
      if (t >= this.r.endMs) return;
      this.world.engine.schedule(t, () => {
        if (!alive()) return;
        // Still stopping (the guest's shutdown): start it as soon as it has stopped.
        if (this.world.fleet.vm(vmId)!.state !== 'stopped') return startAt(t + 60_000);
        try {
          startVm(this.world, ctx.tenant.id, vmId, {
            availabilityZone: zone, ...(dedicatedHostId !== undefined ? { dedicatedHostId } : {}), ...(ctx.tenant.vcpuQuota !== undefined ? { vcpuQuota: ctx.tenant.vcpuQuota } : {}),
          });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          return startAt(t + 5 * 60_000); // no room: tried again in 5 minutes, as auto-recovery does
        }
        stopAt(Math.max(t, windowStart(t) + onMs));
      });
    };
    const now = this.world.now;
    const end = windowStart(now) + onMs;
    stopAt(now < end ? end : now);
  }

  private terminate(ctx: WorkloadContext, vmId: string): void {
    const vm = this.world.fleet.vm(vmId);
    if (!vm || vm.state === 'terminated' || vm.state === 'shutting-down') return;
    terminateVm(this.world, ctx.tenant.id, vmId);
    // Its volume goes with it (DeleteOnTermination, as for a root volume).
    deleteVolume(this.world, volumeIdOf(vmId)); // (none: nothing to do)
  }

  // ---- faults ----

  private scheduleFaults(): void {
    const f = this.r.scenario.faults;
    if (!f?.hosts && !f?.driverDomains) return;
    const hosts = [...this.world.fleet.hosts()].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const host of hosts) {
      if (f.hosts) this.failures(host.id, 'host', f.hosts.mtbfHours, f.hosts.mttrHours);
      if (f.driverDomains && host.type.virtualization === 'paravirtual') this.failures(host.id, 'driver-domain', f.driverDomains.mtbfHours, f.driverDomains.mttrHours);
    }
  }

  /** Exponential times to failure and to repair, one stream per host and component. */
  private failures(hostId: string, component: 'host' | 'driver-domain', mtbfHours: number, mttrHours: number): void {
    const random = new RandomStream(streamSeed(this.r.scenario.seed, 'fault', component, hostId));
    const fail = (after: SimTime) => {
      const at = after + Math.max(1, Math.round(random.exponential(mtbfHours) * MS_PER_HOUR));
      if (at >= this.r.endMs) return;
      this.world.engine.schedule(at, () => {
        const host = this.world.fleet.host(hostId)!;
        const down = component === 'host' ? host.state === 'failed' : host.driverDomain === 'failed';
        if (down || host.state === 'off') return fail(at);
        failHost(this.world, hostId, component);
        const repairAt = at + Math.max(1, Math.round(random.exponential(mttrHours) * MS_PER_HOUR));
        if (repairAt >= this.r.endMs) return;
        this.world.engine.schedule(repairAt, () => {
          if (component === 'driver-domain') this.world.dataPlane.repairDriverDomain(hostId);
          else if (this.world.fleet.host(hostId)!.state === 'failed') repairHost(this.world, hostId);
          fail(repairAt);
        });
      });
    };
    fail(this.r.startMs);
  }

  private scheduleDrains(): void {
    const s = this.r.scenario;
    (s.faults?.drains ?? []).forEach((d, i) => {
      const random = new RandomStream(streamSeed(s.seed, 'drain', String(i)));
      const at = this.r.startMs + Math.round(d.atHours * MS_PER_HOUR);
      this.world.engine.schedule(at, () => {
        const candidates = [...this.world.fleet.hosts()]
          .filter((h) => h.state === 'available' && (d.zone === undefined || h.availabilityZone === d.zone))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        const chosen: string[] = [];
        while (chosen.length < d.hosts && candidates.length > 0) chosen.push(candidates.splice(Math.floor(random.uniform() * candidates.length), 1)[0].id);
        // live-migrate: drained (VMs live-migrated away); restart (crash-only): failed, its VMs auto-recovered elsewhere.
        const restart = d.mode === 'restart';
        for (const id of chosen) {
          if (restart) failHost(this.world, id, 'host');
          else drainHost(this.world, id);
        }
        const back = at + Math.round(d.durationHours * MS_PER_HOUR);
        if (back < this.r.endMs)
          this.world.engine.schedule(back, () => {
            for (const id of chosen) if (this.world.fleet.host(id)?.state === (restart ? 'failed' : 'draining')) repairHost(this.world, id);
          });
      });
    });
  }

  /**
   * Scheduled failures: at `atHours`, `hosts` hosts drawn among those that can fail that way (up, of
   * `zone` or of the fleet; for a driver domain, paravirtual hosts whose driver domain is up) fail,
   * and are repaired `durationHours` later.
   */
  private scheduleFailures(): void {
    const s = this.r.scenario;
    (s.faults?.failures ?? []).forEach((d, i) => {
      const random = new RandomStream(streamSeed(s.seed, 'failure', String(i)));
      const at = this.r.startMs + Math.round(d.atHours * MS_PER_HOUR);
      this.world.engine.schedule(at, () => {
        const candidates = [...this.world.fleet.hosts()]
          .filter((h) => (d.zone === undefined || h.availabilityZone === d.zone) && (h.state === 'available' || h.state === 'draining'))
          .filter((h) => d.component === 'host' || (h.type.virtualization === 'paravirtual' && h.driverDomain === 'ok'))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        const chosen: string[] = [];
        while (chosen.length < d.hosts && candidates.length > 0) chosen.push(candidates.splice(Math.floor(random.uniform() * candidates.length), 1)[0].id);
        for (const id of chosen) failHost(this.world, id, d.component);
        const back = at + Math.round(d.durationHours * MS_PER_HOUR);
        if (back < this.r.endMs)
          this.world.engine.schedule(back, () => {
            for (const id of chosen) {
              if (d.component === 'driver-domain') this.world.dataPlane.repairDriverDomain(id);
              else if (this.world.fleet.host(id)?.state === 'failed') repairHost(this.world, id);
            }
          });
      });
    });
  }
}

/** The volume of a VM's workload IO: `vol-` and the VM id's 17 hex digits. */
function volumeIdOf(vmId: string): string {
  return `vol-${vmId.slice(2)}`;
}

/**
 * A VM's working set, MiB: its guest OS's plus each application's, from that application's
 * uniform draw `u` (docs/scenarios.md, "Memory and applications"). `fraction` is of the memory the
 * guest OS leaves in a VM of `memoryMiB`, divided among its applications; `azure2019` is an Azure
 * VM's memory at probability u (`azure`'s `memory.txt`, GB read as GiB) less the guest OS's.
 */
export function workingSetMiB(m: MemorySpec, draws: readonly number[], memoryMiB: number, azure?: AzureDistributions): number {
  const os = m.guestOsMiB ?? IDLE_WORKING_SET_MIB;
  const ws = m.workingSet;
  let total = os;
  for (const u of draws) {
    if (ws.distribution === 'fixed') total += ws.mib;
    else if (ws.distribution === 'uniform') total += Math.round(ws.minMiB + u * (ws.maxMiB - ws.minMiB));
    else if (ws.distribution === 'azure2019') {
      if (!azure) throw new ScenarioDataMissing({ kind: 'azure2019' });
      total += Math.max(0, valueAt(azure.memoryGB, u) * 1024 - os);
    } else total += Math.round(((ws.min + u * (ws.max - ws.min)) * Math.max(0, memoryMiB - os)) / draws.length);
  }
  return total;
}

/** What a VM of some applications needs of its type (`size: fit`): their working set with the guest OS's, and vCPUs for their average demand (CPU per application). */
interface VmNeed {
  readonly workingSetMiB: number;
  readonly vcpus: number;
  /** Their average demand, cores. */
  readonly cores: number;
}

/** A VM's need with `apps` (added to `before`'s, a VM's need so far, when given). Not for `fraction` working sets, which depend on the type. */
function needOf(m: MemorySpec, apps: readonly ApplicationDraw[], azure: AzureDistributions | undefined, before?: VmNeed): VmNeed {
  let cores = before?.cores ?? 0;
  for (const a of apps) cores += a.cpu?.meanCores ?? 0;
  const os = m.guestOsMiB ?? IDLE_WORKING_SET_MIB;
  // workingSetMiB counts the guest OS once; `before` has it already.
  const workingSet = (before?.workingSetMiB ?? os) + workingSetMiB(m, apps.map((a) => a.u), 0, azure) - os;
  // A hair's tolerance, so that a sum landing a rounding error above a whole number of cores does not ask for one more vCPU.
  return { workingSetMiB: workingSet, vcpus: Math.ceil(cores - 1e-9), cores };
}

/** Whether the workload's CPU demand is its applications' (docs/scenarios.md, "Memory and applications"). */
function cpuPerApplication(w: SyntheticWorkloadSpec): boolean {
  return w.utilization.distribution === 'azure2019' && w.utilization.per === 'application';
}

/** Orders types for `size: fit`: less memory first, then fewer vCPUs, then the name. */
function byFit(a: InstanceType, b: InstanceType): number {
  return a.memoryMiB - b.memoryMiB || a.vcpus - b.vcpus || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * One application's draws from the workload's applications' stream: its size quantile `u` (its
 * working set; with CPU per application also its vCPUs, the Azure core count at the same
 * quantile: larger in memory, larger in cores, as Azure's sizes are) and, with CPU per
 * application (`azure` given), its CPU quantile, for its average and P95 from `cpu.txt`.
 */
export interface ApplicationDraw {
  readonly u: number;
  /** With CPU per application: its average demand and the P95's excess over it, in cores. */
  readonly cpu?: { readonly meanCores: number; readonly spreadCores: number };
}

export function drawApplication(random: RandomStream, azure?: AzureDistributions): ApplicationDraw {
  const u = random.uniform();
  if (!azure) return { u };
  const vcpus = valueAt(azure.cores, u);
  const { average, p95 } = azureCpuPercent(azure, random.uniform());
  return { u, cpu: { meanCores: (average / 100) * vcpus, spreadCores: ((p95 - average) / 100) * vcpus } };
}

/** An Azure VM's average and P95 CPU, %, at probability `q` of both of `cpu.txt`'s CDFs (comonotone: the P95 is never below the average). */
function azureCpuPercent(a: AzureDistributions, q: number): { average: number; p95: number } {
  const average = Math.min(100, quantile(a.cpuAveragePercent, q));
  return { average, p95: Math.max(average, Math.min(100, quantile(a.cpuP95Percent, q))) };
}

/** A VM's CPU demand with CPU per application: its applications' demands summed (at most its vCPUs), shaped by the model. */
function applicationsCpu(w: SyntheticWorkloadSpec, type: InstanceType, apps: readonly ApplicationDraw[], ctx: WorkloadContext): CpuWorkload {
  let mean = 0;
  let spread = 0;
  for (const a of apps) {
    mean += a.cpu!.meanCores;
    spread += a.cpu!.spreadCores;
  }
  const v = type.vcpus;
  return shapeCpu(w, v, Math.min(v, mean), Math.min(v, spread), ctx);
}

/** CPU demand of `mean` cores on `v` vCPUs, with the P95 `spread` cores above it, in the workload's model. */
function shapeCpu(w: SyntheticWorkloadSpec, v: number, mean: number, spread: number, ctx: WorkloadContext): CpuWorkload {
  switch (w.utilization.model ?? 'constant') {
    case 'constant':
      return { model: 'constant', cores: mean };
    case 'diurnal':
      // cos reaches its peak once a day: amplitude = P95 − average puts the daily peak at the P95.
      return { model: 'diurnal', meanCores: mean, amplitudeCores: Math.min(spread, v - mean, mean), peakHourUtc: w.arrivals.diurnal?.peakHourUtc ?? 14, stepSeconds: 900 };
    case 'random-walk':
      // The walk's stationary deviation is about 2.3 σ (cpu-demand.ts); P95 ≈ mean + 1.645 deviations.
      return { model: 'random-walk', meanCores: mean, volatility: Math.min(v, spread / (1.645 * 2.3)), seed: streamSeed(Math.floor(ctx.vms.uniform() * 2 ** 31), 'walk'), stepSeconds: 300 };
  }
}

/** Azure's VMs per deployment; the published CDF stops at 50 (97.4 %): larger ones count as 50. */
function deploymentSize(a: AzureDistributions, random: RandomStream): number {
  const n = quantile(a.deploymentSize, random.uniform(), 'step');
  return n === Infinity ? a.deploymentSize.x[a.deploymentSize.x.length - 1] : n;
}

/**
 * The type on sale closest to a VM's cores and memory: the fewest vCPUs that cover `cores` (else
 * the most there are), then the memory closest to `memoryMiB` (ties: the smaller, then the name).
 */
export function closestType(types: readonly InstanceType[], cores: number, memoryMiB: number): InstanceType {
  const maxVcpus = Math.max(...types.map((t) => t.vcpus));
  const enough = types.filter((t) => t.vcpus >= Math.min(cores, maxVcpus));
  const vcpus = Math.min(...enough.map((t) => t.vcpus));
  return enough
    .filter((t) => t.vcpus === vcpus)
    .sort((a, b) => Math.abs(a.memoryMiB - memoryMiB) - Math.abs(b.memoryMiB - memoryMiB) || a.memoryMiB - b.memoryMiB || (a.name < b.name ? -1 : 1))[0];
}

function reservedCpu(type: InstanceType, fraction: number) {
  const full = resolveCpuParams(type);
  return resolveCpuParams(type, { reservationMillicores: Math.min(full.reservationMillicores, Math.round(fraction * type.vcpus * 1000)) });
}

function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
