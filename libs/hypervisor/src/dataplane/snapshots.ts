import { DataPlaneState } from './state';
import { DataPlaneSnapshots, VolumeSnapshot } from './types';

// The data plane's state worth persisting (credits, metered egress, gp2 buckets, energy): what
// changed since the last call is taken, and put back if its write failed.

/** State worth persisting that changed since the last call (credits, gp2 buckets, energy). */
export function takeSnapshots(s: DataPlaneState): DataPlaneSnapshots {
  const out = { vms: [] as DataPlaneSnapshots['vms'], volumes: [] as VolumeSnapshot[], hosts: [] as DataPlaneSnapshots['hosts'] };
  for (const rt of s.snapVms) {
    if (!s.vms.has(rt.vm.vmId)) continue;
    s.settle(rt);
    s.settleTransfer(rt);
    // Counters, or rates that will move them: a restart carries the counters on at the rates stored.
    const moved = rt.crossAzBytes > 0 || rt.internetBytes > 0 || rt.netCrossAz > 0 || rt.netInternet > 0;
    if (!rt.credit && !moved) continue;
    out.vms.push({
      vmId: rt.vm.vmId, credits: rt.credit ? rt.credit.snapshot() : undefined, useMillicores: rt.alloc,
      transfer: moved
        ? { crossAzBytes: rt.crossAzBytes, internetBytes: rt.internetBytes, crossAzMbps: rt.netCrossAz, internetMbps: rt.netInternet, asOfMs: rt.xferAt }
        : undefined,
    });
  }
  for (const v of s.snapVolumes) {
    // A metered volume deleted since it was marked still gives its count (its last requests are billed).
    const live = s.volumes.has(v.def.volumeId);
    if (!(v.bucket && live) && !v.ioMetered) continue;
    if (live) s.settleVolume(v);
    const { volumeId, tenantId, availabilityZone } = v.def;
    out.volumes.push({
      volumeId, tenantId, availabilityZone, deliveredIops: v.delivered, asOfMs: s.now,
      ...(v.bucket ? { burstCredits: v.bucket.balanceUnits } : {}), ...(v.ioMetered ? { ioIopsMs: v.ioIopsMs } : {}),
    });
  }
  for (const h of s.snapHosts) {
    if (!s.hostRts.has(h.host.id)) continue;
    h.energy.advance(s.now);
    out.hosts.push({ hostId: h.host.id, energyJoules: h.energy.energyJoules, asOfMs: s.now });
  }
  for (const rt of s.snapVms) rt.snapPending = false;
  for (const v of s.snapVolumes) v.snapPending = false;
  for (const h of s.snapHosts) h.snapPending = false;
  s.snapVms.clear();
  s.snapVolumes.clear();
  s.snapHosts.clear();
  return out;
}

/**
 * Puts the state of a `takeSnapshots` whose write failed back among the changes, so that the next
 * call takes it again (with the values of that time).
 */
export function requeueSnapshots(s: DataPlaneState, snapshots: DataPlaneSnapshots): void {
  for (const v of snapshots.vms) {
    const rt = s.vms.get(v.vmId);
    if (rt) s.snapVm(rt);
  }
  for (const v of snapshots.volumes) {
    const vol = s.volumes.get(v.volumeId);
    if (vol) s.snapVolume(vol);
  }
  for (const x of snapshots.hosts) {
    const h = s.hostRts.get(x.hostId);
    if (h) s.snapHost(h);
  }
}

/** Restores a host's metered energy (after a restart). */
export function restoreEnergy(s: DataPlaneState, hostId: string, joules: number): void {
  const h = s.hostRt(hostId);
  h.energy.advance(s.now);
  s.metrics.restoreHostEnergy(h, joules);
}
