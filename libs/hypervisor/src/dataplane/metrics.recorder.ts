import { Engine } from '../engine/engine';
import { SimTime } from '../engine/sim-time';
import { FleetEvent } from '../fleet/events';
import { MILLICORE_MS_PER_CREDIT } from '../vmm/cpu/credit-account';
import { BucketSummary, METRIC_BASE_PERIOD_MS, MetricSeries } from '../vmm/metrics';
import { EnergyMeter } from '../vmm/power/power-model';
import { FLEET, FLEET_METRICS, HOST, HOST_METRICS, MetricKind, VM, VM_METRICS } from './metric-fields';
import { HostRt, KWH_PER_WATT_MS, utilizationOf, VmRt } from './runtime';
import { DataPlaneOptions } from './types';

/**
 * The data plane's metrics (metric-fields.ts): each VM's and host's values and slopes, set into
 * their series after each recomputation (a series closes its buckets into `onBucket`), and the
 * fleet's totals, kept as sums of the hosts' contributions (O(1) per host change) and set once
 * per flush. Also the fleet's energy: Σ over hosts of (energy at its meter's time − watts × that
 * time), so that the fleet's energy at t is that base + W × t without touching every host.
 */
export class MetricsRecorder {
  readonly periodMs: number;
  /** Receives every closed bucket; without it, nothing is recorded. */
  readonly onBucket?: (kind: MetricKind, id: string, bucket: BucketSummary) => void;
  private readonly vmMetrics: boolean;
  readonly fleetValues = new Array<number>(FLEET_METRICS.length).fill(0);
  /** recordVm's scratch. */
  private readonly vmNext = new Array<number>(VM_METRICS.length).fill(0);
  private readonly vmSlopes = new Array<number>(VM_METRICS.length).fill(0);
  private readonly fleetSlopes = new Array<number>(FLEET_METRICS.length).fill(0);
  readonly fleetSeries: MetricSeries | null = null;
  /** Σ over hosts of (energy at its meter's time − watts × that time), so fleet energy at t = this + W × t. */
  private fleetEnergyBase = 0;
  private fleetWatts = 0;
  /** Σ over hosts of their `instances` value (integers, so kept exactly by `addHostValues`). */
  private fleetInstances = 0;

  constructor(
    private readonly engine: Engine<FleetEvent>,
    options: DataPlaneOptions['metrics'],
  ) {
    this.periodMs = options?.periodMs ?? METRIC_BASE_PERIOD_MS;
    this.onBucket = options?.onBucket;
    this.vmMetrics = options?.vms ?? true;
    if (this.onBucket) {
      const sink = this.onBucket;
      this.fleetSeries = new MetricSeries(FLEET_METRICS.length, this.periodMs, engine.now, (b) => sink('fleet', 'fleet', b));
    }
  }

  private get now(): SimTime {
    return this.engine.now;
  }

  recordVm(rt: VmRt): void {
    if (!this.onBucket || !this.vmMetrics) return;
    // Into scratch arrays first (no arrays per call); kept only if something changed.
    const next = this.vmNext;
    const slopes = this.vmSlopes;
    const vcpus = rt.type.vcpus;
    next[VM.cpuDemandCores] = rt.demand / 1000;
    next[VM.cpuCores] = rt.alloc / 1000;
    next[VM.cpuUtilization] = (rt.alloc / (vcpus * 1000)) * 100;
    next[VM.stealCores] = rt.steal / 1000;
    next[VM.creditBalance] = 0;
    next[VM.surplusCredits] = 0;
    next[VM.memoryResidentMiB] = rt.resident;
    next[VM.memorySharedMiB] = rt.shared;
    next[VM.memoryBalloonedMiB] = rt.ballooned;
    next[VM.memorySwappedMiB] = rt.swapped;
    next[VM.iopsDemanded] = rt.iopsDemanded;
    next[VM.iopsDelivered] = rt.iopsDelivered;
    next[VM.iopsThrottled] = rt.iopsThrottled;
    next[VM.throughputMiBps] = rt.mibps;
    next[VM.networkOutMbps] = rt.netOut;
    next[VM.swapSlowdown] = rt.slowdown;
    next[VM.guaranteeViolated] = rt.violated ? 1 : 0;
    next[VM.migrating] = rt.migration ? 1 : 0;
    next[VM.paused] = rt.migration?.phase === 'stop-and-copy' ? 1 : 0;
    next[VM.impaired] = rt.status === 'ok' ? 0 : 1;
    slopes.fill(0);
    const c = rt.credit;
    if (c) {
      const b = c.balanceMillicoreMs;
      const slope = c.balanceSlope(rt.alloc);
      next[VM.creditBalance] = Math.max(0, b) / MILLICORE_MS_PER_CREDIT;
      next[VM.surplusCredits] = Math.max(0, -b) / MILLICORE_MS_PER_CREDIT;
      if (b > 0 || (b === 0 && slope > 0)) slopes[VM.creditBalance] = slope / MILLICORE_MS_PER_CREDIT;
      if (b < 0 || (b === 0 && slope < 0)) slopes[VM.surplusCredits] = -slope / MILLICORE_MS_PER_CREDIT;
    }
    let v = rt.values;
    let s = rt.slopes;
    let changed = !rt.series || !v || !s;
    for (let i = 0; i < next.length && !changed; i++) if (next[i] !== v![i] || slopes[i] !== s![i]) changed = true;
    if (!changed) return;
    if (!v || !s) {
      v = rt.values = new Array<number>(VM_METRICS.length).fill(0);
      s = rt.slopes = new Array<number>(VM_METRICS.length).fill(0);
    }
    for (let i = 0; i < next.length; i++) {
      v[i] = next[i];
      s[i] = slopes[i];
    }
    if (!rt.series) {
      const sink = this.onBucket;
      const id = rt.vm.vmId;
      rt.series = new MetricSeries(VM_METRICS.length, this.periodMs, this.now, (b) => sink('vm', id, b));
    }
    rt.series.set(this.now, v, s);
  }

  recordHost(h: HostRt, instances: number): void {
    this.addHostValues(h, -1);
    // In HOST_METRICS order, straight into the values (no array per call); energyKWh moves at its slope.
    const v = h.values;
    const host = h.host;
    let changed = !h.series;
    changed = put(v, HOST.cpuCapacityCores, h.capacity / 1000) || changed;
    changed = put(v, HOST.cpuAllocatedCores, h.allocated / 1000) || changed;
    changed = put(v, HOST.cpuUtilization, utilizationOf(h) * 100) || changed;
    changed = put(v, HOST.driverDomainCores, h.driverDomain / 1000) || changed;
    changed = put(v, HOST.stealCores, h.steal / 1000) || changed;
    changed = put(v, HOST.memoryCapacityMiB, host.memoryCapacityMiB) || changed;
    changed = put(v, HOST.memoryConfiguredMiB, h.configured) || changed;
    changed = put(v, HOST.memoryResidentMiB, h.resident) || changed;
    changed = put(v, HOST.memorySharedMiB, h.sharedMem) || changed;
    changed = put(v, HOST.memoryBalloonedMiB, h.ballooned) || changed;
    changed = put(v, HOST.memorySwappedMiB, h.swapped) || changed;
    changed = put(v, HOST.iopsDelivered, h.iops) || changed;
    changed = put(v, HOST.iopsThrottled, h.iopsThrottled) || changed;
    changed = put(v, HOST.nicMbps, h.nicMbps) || changed;
    changed = put(v, HOST.crossAzMbps, h.crossAzMbps) || changed;
    changed = put(v, HOST.internetMbps, h.internetMbps) || changed;
    changed = put(v, HOST.powerWatts, h.energy.watts) || changed;
    v[HOST.energyKWh] = h.energy.energyKWh;
    changed = put(v, HOST.instances, instances) || changed;
    changed = put(v, HOST.guaranteeViolations, h.violations) || changed;
    changed = put(v, HOST.failed, host.state === 'failed' ? 1 : 0) || changed;
    changed = put(v, HOST.occupied, instances > 0 ? 1 : 0) || changed;
    changed = put(v, HOST.swappedInstances, h.swappedVms) || changed;
    changed = put(v, HOST.vmmMemoryMiB, instances * host.memoryFootprintMiB(0)) || changed;
    changed = put(v, HOST.occupiedPowerWatts, instances > 0 ? h.energy.watts : 0) || changed;
    const slope = h.energy.watts * KWH_PER_WATT_MS;
    if (slope !== h.slopes[HOST.energyKWh]) changed = true;
    h.slopes[HOST.energyKWh] = slope;
    this.addHostValues(h, +1);
    if (!this.onBucket || !changed) return;
    if (!h.series) {
      const sink = this.onBucket;
      const id = h.host.id;
      h.series = new MetricSeries(HOST_METRICS.length, this.periodMs, this.now, (b) => sink('host', id, b));
    }
    h.series.set(this.now, h.values, h.slopes);
  }

  /** A host's meter joins the fleet's energy and power (a new host). */
  addHostEnergy(energy: EnergyMeter): void {
    this.fleetEnergyBase -= energy.watts * this.now * KWH_PER_WATT_MS;
    this.fleetWatts += energy.watts;
  }

  /** A host leaves the fleet's totals (removed): its energy so far stays in the fleet's. */
  removeHost(h: HostRt): void {
    h.energy.advance(this.now);
    this.fleetEnergyBase -= h.energy.energyKWh - h.energy.watts * h.energy.now * KWH_PER_WATT_MS;
    this.fleetWatts -= h.energy.watts;
    this.addHostValues(h, -1);
  }

  /** A host's meter moved from (`wattsBefore`, `energyBefore` at `tBefore`) to its current state. */
  hostEnergyChanged(h: HostRt, wattsBefore: number, energyBefore: number, tBefore: number): void {
    const now = this.now;
    this.fleetEnergyBase += h.energy.energyKWh - energyBefore - (h.energy.watts * now - wattsBefore * tBefore) * KWH_PER_WATT_MS;
    this.fleetWatts += h.energy.watts - wattsBefore;
  }

  /** A host's metered energy is set to `joules` (restored after a restart; its meter advanced to now). */
  restoreHostEnergy(h: HostRt, joules: number): void {
    this.fleetEnergyBase += (joules - h.energy.energyJoules) / 3_600_000;
    h.energy.restoreJoules(joules);
  }

  /** Adds (or removes) one host's contribution to the fleet's totals. */
  private addHostValues(h: HostRt, sign: 1 | -1): void {
    const f = this.fleetValues;
    const v = h.values;
    this.fleetInstances += sign * v[HOST.instances];
    f[FLEET.cpuCapacityCores] += sign * v[HOST.cpuCapacityCores];
    f[FLEET.cpuAllocatedCores] += sign * v[HOST.cpuAllocatedCores];
    f[FLEET.memoryCapacityMiB] += sign * v[HOST.memoryCapacityMiB];
    f[FLEET.memoryConfiguredMiB] += sign * v[HOST.memoryConfiguredMiB];
    f[FLEET.memoryResidentMiB] += sign * v[HOST.memoryResidentMiB];
    f[FLEET.memorySwappedMiB] += sign * v[HOST.memorySwappedMiB];
    f[FLEET.guaranteeViolations] += sign * v[HOST.guaranteeViolations];
    f[FLEET.crossAzMbps] += sign * v[HOST.crossAzMbps];
    f[FLEET.internetMbps] += sign * v[HOST.internetMbps];
  }

  /** Adds (or removes) a host in the fleet's host counts, by the state it was counted in. O(1) per host event. */
  countHost(h: HostRt, sign: 1 | -1): void {
    const f = this.fleetValues;
    f[FLEET.hosts] += sign;
    if (h.countedState === 'available') f[FLEET.hostsAvailable] += sign;
    if (h.countedState === 'failed') f[FLEET.hostsFailed] += sign;
  }

  /** Sets the fleet's series to its totals now (once per flush). */
  setFleetSeries(): void {
    const f = this.fleetValues;
    f[FLEET.instancesRunning] = this.fleetInstances;
    f[FLEET.cpuUtilization] = f[FLEET.cpuCapacityCores] > 0 ? (100 * f[FLEET.cpuAllocatedCores]) / f[FLEET.cpuCapacityCores] : 0;
    f[FLEET.powerWatts] = this.fleetWatts;
    f[FLEET.energyKWh] = this.fleetEnergyBase + this.fleetWatts * this.now * KWH_PER_WATT_MS;
    this.fleetSlopes[FLEET.energyKWh] = this.fleetWatts * KWH_PER_WATT_MS;
    this.fleetSeries?.set(this.now, f, this.fleetSlopes);
  }

  /** The fleet's current totals, by FLEET_METRICS name. */
  fleetTotals(): Record<string, number> {
    const f = this.fleetValues;
    f[FLEET.powerWatts] = this.fleetWatts;
    f[FLEET.energyKWh] = this.fleetEnergyBase + this.fleetWatts * this.now * KWH_PER_WATT_MS;
    f[FLEET.cpuUtilization] = f[FLEET.cpuCapacityCores] > 0 ? (100 * f[FLEET.cpuAllocatedCores]) / f[FLEET.cpuCapacityCores] : 0;
    return Object.fromEntries(FLEET_METRICS.map((name, i) => [name, this.fleetValues[i]]));
  }
}

/** Sets a metric value; true iff it changed. */
function put(values: number[], i: number, x: number): boolean {
  const changed = x !== values[i];
  values[i] = x;
  return changed;
}
