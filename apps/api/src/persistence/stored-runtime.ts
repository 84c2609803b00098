import { CreditSnapshot, TransferSnapshot, VolumeSnapshot, Workload } from '@nimbus/hypervisor';
export type { VmRecord, WorldState } from '@nimbus/simulation';

/** What `instances.workload` holds: the workload and when its CPU model was set (its steps count from there). */
export interface StoredWorkload {
  readonly workload: Workload;
  readonly cpuSetAtMs: number;
}

/**
 * What `instances.runtime` holds: the CPU credit account (burstable types), with the use it was
 * integrating at, and the metered data transfer with its rates.
 */
export interface StoredVmRuntime {
  readonly credits?: CreditSnapshot;
  readonly useMillicores: number;
  readonly transfer?: TransferSnapshot;
}

/**
 * What `volumes.runtime` holds: a bucket's balance (gp2, st1, sc1) and a standard volume's I/O
 * request count (× 1,000), as of `asOfMs`, with the IOPS it was delivering then.
 */
export interface StoredVolumeRuntime {
  readonly burstCredits?: number;
  readonly deliveredIops: number;
  readonly asOfMs: number;
  readonly ioIopsMs?: number;
}

export function storedVolumeRuntime(s: VolumeSnapshot): StoredVolumeRuntime {
  return { burstCredits: s.burstCredits, deliveredIops: s.deliveredIops, asOfMs: s.asOfMs, ioIopsMs: s.ioIopsMs };
}
