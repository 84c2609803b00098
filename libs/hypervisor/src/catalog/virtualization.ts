/**
 * What each virtualization mode costs the host (docs/model.md §3.1, efficiency property).
 * One table, with the reasoning beside each figure:
 * - hardware-assisted (VT-x/AMD-V with EPT/NPT, as KVM or a Nitro-class host runs): CPU-bound
 *   guests run within ~2 % of native (Adams & Agesen, ASPLOS 2006, measured the remaining cost in
 *   exits; EPT removed most shadow-page-table work). Per-VM memory: VMCS, EPT tables, device model.
 * - paravirtual (Xen PV, Barham et al. SOSP 2003): a few % on CPU-bound work, but every IO goes
 *   through the driver domain (its own CPU cost is modelled separately, §3.4). Xen reported
 *   ~3-5 % on SPEC CPU-like work.
 * - trap-and-emulate with binary translation (pre-VT VMware, Adams & Agesen 2006): ~10 % base,
 *   rising with the guest's rate of privileged operations (system calls, page-table updates).
 */
export type VirtualizationMode = 'hardware-assisted' | 'paravirtual' | 'trap-and-emulate';

export interface VirtualizationCost {
  /** Fraction of the host's CPU lost to the VMM at zero privileged-operation rate. */
  readonly cpuOverhead: number;
  /** Extra fraction per 10,000 privileged operations per second per core (binary translation). */
  readonly cpuOverheadPerPrivOpRate: number;
  /** Memory the VMM keeps per VM (page tables, device model), MiB. */
  readonly perVmMemoryOverheadMiB: number;
}

export const VIRTUALIZATION_COSTS: Readonly<Record<VirtualizationMode, VirtualizationCost>> = {
  'hardware-assisted': { cpuOverhead: 0.02, cpuOverheadPerPrivOpRate: 0.005, perVmMemoryOverheadMiB: 64 },
  paravirtual: { cpuOverhead: 0.04, cpuOverheadPerPrivOpRate: 0.01, perVmMemoryOverheadMiB: 96 },
  'trap-and-emulate': { cpuOverhead: 0.1, cpuOverheadPerPrivOpRate: 0.05, perVmMemoryOverheadMiB: 128 },
};
