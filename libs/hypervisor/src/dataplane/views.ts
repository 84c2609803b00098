import { SimTime } from '../engine/sim-time';
import { BucketSummary, MetricSeries } from '../vmm/metrics';
import { bytesTransferred } from '../vmm/network/network-allocator';
import { MetricKind } from './metric-fields';
import { utilizationOf } from './runtime';
import { DataPlaneState } from './state';
import { DataTransfer, HostView, VmView } from './types';

// What the data plane shows of its state: views of VMs and hosts, metered egress, demand, open
// metrics buckets. Reads only (a view settles credits and buckets up to now first).

/** The VM's metered egress since launch (cross-AZ and to the internet), exact to now. */
export function dataTransferOf(s: DataPlaneState, vmId: string): DataTransfer {
  const rt = s.vmRt(s.requireVm(vmId));
  const dt = s.now - rt.xferAt;
  return {
    crossAzBytes: rt.crossAzBytes + (dt > 0 ? bytesTransferred(rt.netCrossAz, dt) : 0),
    internetBytes: rt.internetBytes + (dt > 0 ? bytesTransferred(rt.netInternet, dt) : 0),
  };
}

export function vmView(s: DataPlaneState, vmId: string): VmView {
  const rt = s.vmRt(s.requireVm(vmId));
  s.settle(rt);
  const c = rt.credit;
  const m = rt.migration;
  return {
    vmId, hostId: rt.vm.hostId,
    demandCores: rt.demand / 1000, allocatedCores: rt.alloc / 1000, stealCores: rt.steal / 1000, limitCores: rt.limit / 1000,
    guaranteeViolated: rt.violated, guaranteeViolationMs: rt.violationMs + (rt.violated ? s.now - rt.violatedSince : 0),
    creditMode: c ? c.mode : null, creditBalance: c ? c.balanceCredits : null, surplusCredits: c ? c.surplusCredits : null,
    surplusCreditsCharged: c ? c.surplusCreditsCharged : null,
    memory: { residentMiB: rt.resident, sharedMiB: rt.shared, balloonedMiB: rt.ballooned, swappedMiB: rt.swapped, swapSlowdown: rt.slowdown },
    io: { iopsDemanded: rt.iopsDemanded, iopsDelivered: rt.iopsDelivered, iopsThrottled: rt.iopsThrottled, throughputMiBps: rt.mibps },
    network: { outMbps: rt.netOut, crossAzMbps: rt.netCrossAz, internetMbps: rt.netInternet },
    migration: m
      ? {
          targetHostId: m.targetHostId, reason: m.reason, startedAt: m.startedAt, phase: m.phase, throttlePercent: m.throttlePercent,
          rounds: m.plan.rounds.length, expectedDowntimeMs: m.plan.downtimeMs, expectedTotalMs: m.plan.totalMs,
        }
      : null,
    workload: rt.workload,
  };
}

export function hostView(s: DataPlaneState, hostId: string): HostView {
  const h = s.hostRt(hostId);
  h.energy.advance(s.now);
  const host = h.host;
  return {
    hostId, cpuCapacityCores: h.capacity / 1000, cpuAllocatedCores: h.allocated / 1000,
    cpuUtilization: utilizationOf(h) * 100, driverDomainCores: h.driverDomain / 1000, stealCores: h.steal / 1000,
    memory: {
      capacityMiB: host.memoryCapacityMiB, configuredMiB: h.configured, residentMiB: h.resident, sharedMiB: h.sharedMem,
      balloonedMiB: h.ballooned, swappedMiB: h.swapped, overcommitRatio: s.ramRatio(host),
    },
    io: { capacityIops: host.type.storage.iops, iopsDelivered: h.iops, iopsThrottled: h.iopsThrottled },
    network: { nicGbps: host.type.nic.gbps, nicMbps: h.nicMbps, sameHostMbps: h.sameHostMbps, crossAzMbps: h.crossAzMbps, internetMbps: h.internetMbps, sriov: host.type.nic.sriov },
    powerWatts: h.energy.watts, energyKWh: h.energy.energyKWh,
    guaranteeViolations: h.violations, lastGuaranteeViolationAt: h.lastViolationAt, migrationsOut: h.migrationsOut, migrationsIn: h.migrationsIn,
  };
}

/** The open (not yet closed) metrics bucket of one series, integrated to now. */
export function openBucket(s: DataPlaneState, kind: MetricKind, id: string): BucketSummary | undefined {
  const series = kind === 'vm' ? s.vms.get(id)?.series : kind === 'host' ? s.hostRts.get(id)?.series : s.metrics.fleetSeries;
  return series?.peek(s.now);
}

/** Each open metrics bucket so far (for a clean shutdown to persist). */
export function openBuckets(s: DataPlaneState): { kind: MetricKind; id: string; bucket: BucketSummary }[] {
  const out: { kind: MetricKind; id: string; bucket: BucketSummary }[] = [];
  const add = (kind: MetricKind, id: string, series: MetricSeries | null) => {
    const b = series?.peek(s.now);
    if (b) out.push({ kind, id, bucket: b });
  };
  for (const [id, rt] of s.vms) add('vm', id, rt.series);
  for (const [id, h] of s.hostRts) add('host', id, h.series);
  add('fleet', 'fleet', s.metrics.fleetSeries);
  return out;
}

/** When the host last failed a VM's guarantee (for policies that avoid such hosts). */
export function lastGuaranteeViolationAt(s: DataPlaneState, hostId: string): SimTime | null {
  return s.hostRts.get(hostId)?.lastViolationAt ?? null;
}

/**
 * The CPU a host's VMs demand right now (what their workloads ask, whether or not it is
 * delivered), plus its driver domain's use, in millicores: demanded utilization's numerator.
 */
export function hostCpuDemandMillicores(s: DataPlaneState, hostId: string): number {
  const h = s.hostRt(hostId);
  let demand = h.driverDomain;
  for (const vmId of h.host.vmIds) demand += s.vms.get(vmId)?.demand ?? 0;
  return demand;
}

/** The CPU a VM's workload demands right now (0 unless it runs), in millicores. */
export function vmCpuDemandMillicores(s: DataPlaneState, vmId: string): number {
  return s.vms.get(vmId)?.demand ?? 0;
}
