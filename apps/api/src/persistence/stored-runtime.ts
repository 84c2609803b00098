import { CreditSnapshot, TransferSnapshot, Workload } from '@nimbus/hypervisor';
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
