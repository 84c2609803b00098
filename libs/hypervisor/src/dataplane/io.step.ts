import { InstanceType } from '../catalog/instance-types';
import { Host } from '../fleet/host';
import { allocateIo, IoAllocation, IoCapacity, VolumeIoDemand } from '../vmm/io/mclock.scheduler';
import { HostRt, VmRt, VolumeRt } from './runtime';
import { DataPlaneState } from './state';

/**
 * A host recomputation's IO step (docs/model.md §3.3): the volumes of the running VMs, divided by
 * mClock under each volume's QoS (gp2: by its burst bucket), each instance's EBS cap and the
 * host's storage path; and, per VM after the CPU step, when its gp2 buckets next empty.
 */
export class IoStep {
  /** Instance caps handed to allocateIo (read during the call only), reused. */
  private readonly ioCaps = new Map<string, IoCapacity>();

  constructor(private readonly s: DataPlaneState) {}

  /** The IO of the host's VMs (into their runtimes, volumes and `h.iops`). */
  run(h: HostRt, rts: readonly VmRt[], ddFailed: boolean): void {
    const s = this.s;
    const host = h.host;
    const n = rts.length;
    let iops = 0;
    let iopsThrottled = 0;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      if (rt.ioSet) {
        rt.iopsDemanded = rt.iopsDelivered = rt.iopsThrottled = rt.mibps = 0;
        rt.ioSet = false;
      }
    }
    // The volumes in the division, and the VM of each (made on first use: most hosts have none).
    let ioVols: VolumeRt[] | null = null;
    let ioRts: VmRt[] | null = null;
    let ioDemanded = false;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      const vols = s.volumesOf(rt);
      if (!vols || vols.length === 0) continue;
      const running = rt.state === 'running';
      rt.ioSet = true;
      for (const v of vols) {
        s.settleVolume(v);
        v.demanded = running ? v.wantIops : 0;
        v.demandedMiBps = running ? v.wantMiBps : 0;
        rt.iopsDemanded += v.demanded;
        if (!rt.active || ddFailed) {
          v.delivered = v.deliveredMiBps = 0;
          v.throttled = v.demanded;
          continue;
        }
        v.qosNow = v.qosFor(v.bucket ? v.bucket.hasCredits : true);
        if (ioVols === null) {
          ioVols = [];
          ioRts = [];
        }
        ioVols.push(v);
        ioRts!.push(rt);
        if (v.demanded !== 0 || v.demandedMiBps !== 0) ioDemanded = true;
      }
    }
    if (ioVols !== null) {
      // Nothing demanded: mClock would deliver and throttle nothing. Within every cap: each volume
      // gets what it asks, up to its own limit (what the division gives, without it).
      if (!ioDemanded) for (const v of ioVols) v.delivered = v.deliveredMiBps = v.throttled = 0;
      else if (!ioWithinCaps(host, ioVols, ioRts!)) this.divide(h, ioVols, ioRts!);
      // (A metered volume's new rate is stored with its count; one that falls to 0 was marked as it settled.)
      for (const v of ioVols) if (v.bucket || (v.ioMetered && v.delivered !== 0)) s.snapVolume(v);
    }
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      const vols = s.volumesOf(rt);
      if (!vols) continue;
      rt.ioSet = true;
      for (const v of vols) {
        rt.iopsDelivered += v.delivered;
        rt.iopsThrottled += v.throttled;
        rt.mibps += v.deliveredMiBps;
      }
      iops += rt.iopsDelivered;
      iopsThrottled += rt.iopsThrottled;
    }
    h.iops = iops;
    h.iopsThrottled = iopsThrottled;
  }

  /**
   * After the division: the earliest of `next` and the time one of the VM's gp2 buckets empties at
   * its delivered rate (the volume then falls to its baseline), with a notice when a bucket is
   * empty while the volume asks for more than its baseline.
   */
  bucketBounds(rt: VmRt, next: number): number {
    const vols = this.s.volumesOf(rt);
    if (vols) {
      const now = this.s.now;
      for (const v of vols) {
        const b = v.bucket;
        if (!b) continue;
        const empty = b.timeUntilEmptyMs(b.kind === 'gp2' ? v.delivered : v.creditRate());
        if (empty < Infinity) next = Math.min(next, now + Math.max(1, empty));
        if (b.hasCredits) v.exhaustedNotified = false;
        else if ((b.kind === 'gp2' ? v.demanded : v.demandedCreditRate()) > b.baselineRate && !v.exhaustedNotified) this.burstExhausted(v, rt);
      }
    }
    return next;
  }

  private burstExhausted(v: VolumeRt, rt: VmRt): void {
    v.exhaustedNotified = true;
    this.s.fleet.notice({
      kind: 'volume.burst-credits-exhausted', vmId: rt.vm.vmId, tenantId: rt.vm.tenantId, hostId: rt.vm.hostId ?? undefined,
      detail: v.bucket!.kind === 'gp2' ? { volumeId: v.def.volumeId, baselineIops: v.bucket!.baselineIops } : { volumeId: v.def.volumeId, baselineMiBps: v.bucket!.baselineRate },
    });
  }

  /** The mClock division (some cap binds), with the same inputs as last time giving the same result. */
  private divide(h: HostRt, vols: readonly VolumeRt[], rts: readonly VmRt[]): void {
    const m = vols.length;
    const demands = new Array<VolumeIoDemand>(m);
    for (let i = 0; i < m; i++) {
      const v = vols[i];
      const q = v.qosNow!;
      demands[i] = {
        id: v.id, instanceId: rts[i].id, demandIops: v.demanded, demandMiBps: v.demandedMiBps,
        reservationIops: q.reservationIops, limitIops: q.limitIops, limitMiBps: q.limitMiBps, weight: Math.max(1, q.weight),
      };
    }
    // allocateIo is a function of the demands and the instances' caps (the host's path is fixed).
    let io: IoAllocation;
    const memo = h.ioMemo;
    if (memo !== null && sameIoInputs(memo.demands, memo.rts, demands, rts)) io = memo.result;
    else {
      const caps = this.ioCaps;
      caps.clear();
      for (const rt of rts) if (!caps.has(rt.id)) caps.set(rt.id, ebsCaps(rt.type));
      io = allocateIo({ iops: h.host.type.storage.iops, mibps: h.host.type.storage.mibps }, demands, caps);
      h.ioMemo = { demands, rts, result: io };
    }
    for (let i = 0; i < m; i++) {
      const g = io.volumes[i]; // in the order of the demands
      const v = vols[i];
      v.delivered = g.deliveredIops;
      v.deliveredMiBps = g.deliveredMiBps;
      v.throttled = g.throttledIops;
    }
  }
}

/** Margin under a capacity within which the uncontended shortcut applies (the division's tolerance). */
const IO_FIT_MARGIN = 1e-9;

/**
 * When every instance's volumes fit within its EBS cap and all of them within the host's storage
 * path, mClock gives each volume its upper bound (its demand, within its own IOPS and MiB/s limit):
 * sets that, and returns true. Otherwise (some cap binds) returns false, changing nothing but the
 * volumes' scratch fields. The test is the division's own: Σ upper × cost ≤ 1 in the normalised
 * cost of an IO, max(1/IOPS, size/MiB/s), at each stage.
 */
function ioWithinCaps(host: Host, vols: readonly VolumeRt[], rts: readonly VmRt[]): boolean {
  const hostIops = host.type.storage.iops;
  const hostMiBps = host.type.storage.mibps;
  if (!(hostIops > 0) || !(hostMiBps > 0)) return false;
  const m = vols.length;
  let hostCost = 0;
  for (let i = 0; i < m; ) {
    const rt = rts[i];
    const capIops = rt.type.ebs.burstIops;
    const capMiBps = (rt.type.ebs.burstMbps * 1e6) / 8 / (1024 * 1024);
    if (!(capIops > 0) || !(capMiBps > 0)) return false;
    let cost = 0;
    for (; i < m && rts[i] === rt; i++) {
      const v = vols[i];
      const q = v.qosNow!;
      const size = v.demanded > 0 ? v.demandedMiBps / v.demanded : 0;
      const upper = Math.min(v.demanded, q.limitIops, size > 0 ? q.limitMiBps / size : Infinity);
      v.ioSize = size;
      v.ioUpper = upper;
      if (upper > 0) {
        cost += upper * Math.max(1 / capIops, size / capMiBps);
        hostCost += upper * Math.max(1 / hostIops, size / hostMiBps);
      }
    }
    if (!(cost <= 1 - IO_FIT_MARGIN)) return false;
  }
  if (!(hostCost <= 1 - IO_FIT_MARGIN)) return false;
  for (let i = 0; i < m; i++) {
    const v = vols[i];
    v.delivered = v.ioUpper;
    v.deliveredMiBps = v.demanded > 0 ? v.ioUpper * v.ioSize : 0;
    v.throttled = v.demanded - v.ioUpper;
  }
  return true;
}

/** An instance's EBS bandwidth as the IO division's cap. */
function ebsCaps(t: InstanceType): IoCapacity {
  return { iops: t.ebs.burstIops, mibps: (t.ebs.burstMbps * 1e6) / 8 / (1024 * 1024) };
}

/**
 * The same IO division inputs: every demand's fields equal, and each demand's instance has the
 * same type (so the same caps; the host's storage path is fixed).
 */
function sameIoInputs(demandsBefore: readonly VolumeIoDemand[], rtsBefore: readonly VmRt[], demands: readonly VolumeIoDemand[], rts: readonly VmRt[]): boolean {
  if (demandsBefore.length !== demands.length) return false;
  for (let i = 0; i < demands.length; i++) {
    const a = demandsBefore[i];
    const b = demands[i];
    if (a.id !== b.id || a.instanceId !== b.instanceId || a.demandIops !== b.demandIops || a.demandMiBps !== b.demandMiBps) return false;
    if (a.reservationIops !== b.reservationIops || a.limitIops !== b.limitIops || a.limitMiBps !== b.limitMiBps || a.weight !== b.weight) return false;
    if (rtsBefore[i].type !== rts[i].type) return false;
  }
  return true;
}
