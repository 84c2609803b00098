import { InvalidParameterValue } from '../errors';
import { Gp2Bucket } from '../vmm/io/gp2-bucket';
import { HddBucket } from '../vmm/io/hdd-bucket';
import { VolumeRt } from './runtime';
import { DataPlaneState } from './state';
import { VolumeDefinition, VolumeIoCounter } from './types';
import { isHddVolumeType, VolumeSpec } from '../vmm/io/ebs-volume';

// EBS volumes (docs/model.md §3.3): registered, attached to a VM, detached, removed.

/** Registers a volume (created, or restored after a restart). Unattached volumes do no IO. */
export function addVolume(s: DataPlaneState, def: VolumeDefinition): void {
  if (s.volumes.has(def.volumeId)) throw new InvalidParameterValue(`volume '${def.volumeId}' already exists`);
  let bucket: Gp2Bucket | HddBucket | null = null;
  const type = def.spec.type;
  if (type === 'gp2') bucket = new Gp2Bucket(def.spec.sizeGiB, def.asOfMs ?? s.now, def.burstCredits);
  else if (isHddVolumeType(type)) bucket = new HddBucket(type, def.spec.sizeGiB, def.asOfMs ?? s.now, def.burstCredits);
  // A detached volume does no IO; an attached one is carried to now by `attachVolume`'s caller
  // (restore) at its baseline or less, which only refills the bucket.
  if (bucket) bucket.advance(s.now, 0);
  const v = new VolumeRt(def, bucket);
  v.ioAt = s.now;
  // A restored count is carried to now at the rate of its snapshot (see VolumeDefinition.ioIopsMs).
  if (v.ioMetered && def.ioIopsMs !== undefined) v.ioIopsMs = def.ioIopsMs + (def.deliveredIops ?? 0) * Math.max(0, s.now - (def.asOfMs ?? s.now));
  s.volumes.set(def.volumeId, v);
}

/** Attaches a volume to a VM (same zone; the VM may be in any state but terminated). */
export function attachVolume(s: DataPlaneState, volumeId: string, vmId: string): void {
  const v = s.requireVolume(volumeId);
  const vm = s.requireVm(vmId);
  if (v.vmId !== null) throw new InvalidParameterValue(`volume '${volumeId}' is already attached to '${v.vmId}'`);
  v.vmId = vmId;
  let set = s.vmVolumes.get(vmId);
  if (!set) {
    s.vmVolumes.set(vmId, (set = new Set()));
    const rt = s.vms.get(vmId);
    if (rt) rt.vols = set;
  }
  set.add(volumeId);
  const rt = s.vms.get(vmId);
  if (rt) {
    rt.volRts = null;
    s.syncWants(rt);
  }
  if (vm.hostId) s.markDirty(vm.hostId);
}

/** Detaches a volume: its IO stops, and workload IO entries for it are dropped. */
export function detachVolume(s: DataPlaneState, volumeId: string): void {
  const v = s.requireVolume(volumeId);
  if (v.vmId === null) return;
  const rt = s.vms.get(v.vmId);
  if (rt) {
    s.settle(rt);
    if (rt.workload.io) rt.setWorkload({ ...rt.workload, io: rt.workload.io.filter((io) => io.volumeId !== volumeId) });
    if (rt.vm.hostId) s.markDirty(rt.vm.hostId);
  }
  s.settleVolume(v);
  s.vmVolumes.get(v.vmId)?.delete(volumeId);
  const holder = s.vms.get(v.vmId);
  if (holder) holder.volRts = null;
  v.vmId = null;
  v.delivered = v.deliveredMiBps = v.demanded = v.throttled = v.wantIops = v.wantMiBps = 0;
}

/**
 * Changes a volume's type, size, IOPS or throughput in place (EC2's ModifyVolume, docs/model.md
 * §3.3): its IO is settled at the old spec up to now and runs at the new one from now. A gp2
 * volume that stays gp2 (an st1 that stays st1, an sc1 that stays sc1) keeps its bucket's balance
 * (the rates follow the new size); a volume that becomes gp2, st1 or sc1 starts with a full
 * bucket, as a new one; other types have none.
 */
export function modifyVolume(s: DataPlaneState, volumeId: string, spec: VolumeSpec): void {
  const old = s.requireVolume(volumeId);
  const holder = old.vmId === null ? undefined : s.vms.get(old.vmId);
  if (holder) s.settle(holder);
  s.settleVolume(old);
  let bucket: Gp2Bucket | HddBucket | null = null;
  const kept = old.def.spec.type === spec.type && old.bucket ? old.bucket.balanceUnits : undefined;
  if (spec.type === 'gp2') {
    bucket = new Gp2Bucket(spec.sizeGiB, s.now, old.bucket && old.bucket.kind === 'gp2' ? old.bucket.balanceCredits : undefined);
    bucket.advance(s.now, 0);
  } else if (isHddVolumeType(spec.type)) {
    bucket = new HddBucket(spec.type, spec.sizeGiB, s.now, kept);
    bucket.advance(s.now, 0);
  }
  const next = new VolumeRt({ volumeId, tenantId: old.def.tenantId, availabilityZone: old.def.availabilityZone, spec }, bucket);
  next.vmId = old.vmId;
  // (Magnetic volumes are neither modified nor made by a modification: the count just carries.)
  next.ioIopsMs = old.ioIopsMs;
  next.ioAt = s.now;
  s.volumes.set(volumeId, next);
  if (old.snapPending) s.snapVolumes.delete(old);
  if (bucket || next.ioMetered) s.snapVolume(next);
  if (!holder) return;
  holder.volRts = null;
  s.syncWants(holder);
  if (holder.vm.hostId) s.markDirty(holder.vm.hostId);
}

/** Forgets a volume (detaching it first). */
export function removeVolume(s: DataPlaneState, volumeId: string): void {
  if (!s.volumes.has(volumeId)) return;
  detachVolume(s, volumeId);
  s.volumes.delete(volumeId);
}

/** Each metered (standard) volume's I/O request count now (read without settling, as dataTransferOf). */
export function ioRequestCounters(s: DataPlaneState): VolumeIoCounter[] {
  const out: VolumeIoCounter[] = [];
  for (const v of s.volumes.values()) {
    if (!v.ioMetered) continue;
    const dt = s.now - v.ioAt;
    out.push({ volumeId: v.id, tenantId: v.def.tenantId, availabilityZone: v.def.availabilityZone, ioIopsMs: v.ioIopsMs + (dt > 0 ? v.delivered * dt : 0) });
  }
  return out;
}

export function volumeView(s: DataPlaneState, volumeId: string) {
  const v = s.requireVolume(volumeId);
  s.settleVolume(v);
  return {
    volumeId, instanceId: v.vmId, iopsDemanded: v.demanded, iopsDelivered: v.delivered, iopsThrottled: v.throttled, throughputMiBps: v.deliveredMiBps,
    burstBalancePercent: v.bucket ? v.bucket.burstBalancePercent : null, burstCredits: v.bucket ? v.bucket.balanceUnits : null,
  };
}
