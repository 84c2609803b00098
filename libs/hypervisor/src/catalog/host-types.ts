import { InstanceFamily } from './instance-types';
import { VirtualizationMode } from './virtualization';

/**
 * Physical server models. Two-socket Xeon servers like those behind the m5/c5/r5 generation
 * (28 cores per socket, two hardware threads per core), with enough memory for the family's
 * GiB-per-vCPU ratio plus the VMM's reserve. The power curves are SPECpower_ssj2008-style tables
 * (watts at 0 %, 10 %, …, 100 % utilization) for two-socket servers of that class.
 */
export interface HostType {
  readonly name: string;
  readonly description: string;
  readonly sockets: number;
  readonly coresPerSocket: number;
  readonly threadsPerCore: number;
  readonly memoryMiB: number;
  /** Memory the hypervisor keeps for itself (and the driver domain). */
  readonly hypervisorReserveMiB: number;
  readonly families: readonly InstanceFamily[];
  readonly virtualization: VirtualizationMode;
  readonly nic: { readonly gbps: number; readonly sriov: boolean };
  readonly storage: { readonly iops: number; readonly mibps: number };
  readonly powerWatts: readonly number[];
}

const GiB = 1024;
const XEON_2S_POWER = [118, 170, 196, 220, 244, 268, 295, 325, 360, 398, 440];

export const HOST_TYPES: readonly HostType[] = [
  {
    name: 'm5-host', description: '2 × 28-core Xeon (Nitro), general purpose', sockets: 2, coresPerSocket: 28, threadsPerCore: 2,
    memoryMiB: 512 * GiB, hypervisorReserveMiB: 8 * GiB, families: ['m5', 't3'], virtualization: 'hardware-assisted',
    nic: { gbps: 100, sriov: true }, storage: { iops: 400_000, mibps: 8_000 }, powerWatts: XEON_2S_POWER,
  },
  {
    name: 'c5-host', description: '2 × 28-core Xeon (Nitro), compute optimized', sockets: 2, coresPerSocket: 28, threadsPerCore: 2,
    memoryMiB: 256 * GiB, hypervisorReserveMiB: 8 * GiB, families: ['c5'], virtualization: 'hardware-assisted',
    nic: { gbps: 100, sriov: true }, storage: { iops: 400_000, mibps: 8_000 }, powerWatts: XEON_2S_POWER,
  },
  {
    name: 'r5-host', description: '2 × 28-core Xeon (Nitro), memory optimized', sockets: 2, coresPerSocket: 28, threadsPerCore: 2,
    memoryMiB: 1024 * GiB, hypervisorReserveMiB: 16 * GiB, families: ['r5'], virtualization: 'hardware-assisted',
    nic: { gbps: 100, sriov: true }, storage: { iops: 400_000, mibps: 8_000 }, powerWatts: [130, 185, 212, 238, 263, 289, 318, 350, 387, 427, 472],
  },
  {
    name: 'm5-xen-pv-host', description: '2 × 28-core Xeon, Xen paravirtual with a driver domain (older generation)', sockets: 2, coresPerSocket: 28,
    threadsPerCore: 2, memoryMiB: 512 * GiB, hypervisorReserveMiB: 8 * GiB, families: ['m5', 't3'], virtualization: 'paravirtual',
    nic: { gbps: 25, sriov: false }, storage: { iops: 200_000, mibps: 4_000 }, powerWatts: XEON_2S_POWER,
  },
  {
    // For teaching: the same server under a binary-translation VMM (pre-VT VMware), so the three
    // virtualization modes of docs/model.md §3.1 can be compared side by side.
    name: 'm5-bt-host', description: '2 × 28-core Xeon, trap-and-emulate with binary translation (pre-VT era, for comparison)', sockets: 2,
    coresPerSocket: 28, threadsPerCore: 2, memoryMiB: 512 * GiB, hypervisorReserveMiB: 8 * GiB, families: ['m5', 't3'], virtualization: 'trap-and-emulate',
    nic: { gbps: 10, sriov: false }, storage: { iops: 100_000, mibps: 2_000 }, powerWatts: XEON_2S_POWER,
  },
];

const byName = new Map(HOST_TYPES.map((h) => [h.name, h]));

export function findHostType(name: string): HostType | undefined {
  return byName.get(name);
}

export function hardwareThreads(h: HostType): number {
  return h.sockets * h.coresPerSocket * h.threadsPerCore;
}
