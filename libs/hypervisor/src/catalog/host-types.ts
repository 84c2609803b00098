import { architecturesOf, INSTANCE_TYPES, InstanceFamily, InstanceType } from './instance-types';
import { VIRTUALIZATION_COSTS, VirtualizationMode } from './virtualization';

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

const HAND_MADE: readonly HostType[] = [
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

/** Families of the Xen paravirtual era (no hardware-assisted virtualization images). */
const PARAVIRTUAL_FAMILIES = new Set(['t1', 'm1', 'm2', 'c1']);
/** Families on pre-Nitro Xen hosts: no SR-IOV networking. */
const XEN_FAMILIES = new Set(['t1', 'm1', 'm2', 'c1', 'm3', 'c3', 'r3', 'i2', 'cr1', 'g2']);
/**
 * A single-socket Graviton server's curve: an approximation (AWS publishes none), about half a
 * two-socket Xeon's at each load, as Arm server SPECpower results run.
 */
const GRAVITON_POWER = [60, 84, 98, 110, 122, 134, 147, 161, 178, 196, 216];

/**
 * One host type per family the hand-made types above do not cover, sized as AWS's Dedicated Host
 * for that family is: enough cores for the family's largest size (its vCPUs ÷ threads per core)
 * plus the VMM's own share (the virtualization mode's overhead), on 1 socket (Graviton), 2, 4
 * (over 96 cores) or 8 (over 224); memory for the largest size plus the per-VM overhead and the
 * hypervisor's reserve (8 GiB, or 1 % of memory on the very large ones). The power curve is the
 * two-socket Xeon table per two sockets, or the Graviton one.
 */
function familyHostType(family: InstanceFamily, types: readonly InstanceType[]): HostType {
  const largest = types.reduce((a, b) => (b.vcpus > a.vcpus || (b.vcpus === a.vcpus && b.memoryMiB > a.memoryMiB) ? b : a));
  const maxMemoryMiB = Math.max(...types.map((t) => t.memoryMiB));
  const arm = architecturesOf(largest).some((a) => a === 'arm64' || a === 'arm64_mac');
  const virtualization: VirtualizationMode = PARAVIRTUAL_FAMILIES.has(family) ? 'paravirtual' : 'hardware-assisted';
  const threadsPerCore = largest.threadsPerCore ?? (arm ? 1 : 2);
  const overhead = VIRTUALIZATION_COSTS[virtualization].cpuOverhead;
  const coresNeeded = Math.ceil(Math.ceil(largest.vcpus / (1 - overhead)) / threadsPerCore);
  const sockets = arm ? 1 : coresNeeded > 224 ? 8 : coresNeeded > 96 ? 4 : 2;
  const coresPerSocket = Math.ceil(coresNeeded / sockets);
  const hypervisorReserveMiB = Math.max(8 * GiB, Math.ceil(maxMemoryMiB / 100 / GiB) * GiB);
  const memoryMiB = Math.ceil((maxMemoryMiB + VIRTUALIZATION_COSTS[virtualization].perVmMemoryOverheadMiB + hypervisorReserveMiB) / GiB) * GiB;
  const maxNetGbps = Math.max(...types.map((t) => t.network.burstGbps));
  const maxEbsIops = Math.max(...types.map((t) => t.ebs.burstIops));
  const maxEbsMbps = Math.max(...types.map((t) => t.ebs.burstMbps));
  const scale = sockets / 2;
  return {
    name: `${family}-host`,
    description: `${sockets} × ${coresPerSocket}-core ${arm ? 'Graviton' : 'Xeon/EPYC'}, ${family} Dedicated Host class (fits ${largest.name})`,
    sockets, coresPerSocket, threadsPerCore, memoryMiB, hypervisorReserveMiB, families: [family], virtualization,
    nic: { gbps: Math.max(10, Math.ceil(maxNetGbps)), sriov: !XEN_FAMILIES.has(family) },
    storage: { iops: Math.max(100_000, 2 * maxEbsIops), mibps: Math.max(2_000, Math.ceil(maxEbsMbps / 4)) },
    powerWatts: arm ? GRAVITON_POWER : XEON_2S_POWER.map((w) => Math.round(w * scale)),
  };
}

function generatedHostTypes(): HostType[] {
  const covered = new Set(HAND_MADE.flatMap((h) => h.families));
  const byFamily = new Map<string, InstanceType[]>();
  for (const t of INSTANCE_TYPES) {
    if (covered.has(t.family)) continue;
    const list = byFamily.get(t.family) ?? [];
    list.push(t);
    byFamily.set(t.family, list);
  }
  return [...byFamily.entries()].map(([family, types]) => familyHostType(family, types));
}

export const HOST_TYPES: readonly HostType[] = [...HAND_MADE, ...generatedHostTypes()];

const byName = new Map(HOST_TYPES.map((h) => [h.name, h]));

export function findHostType(name: string): HostType | undefined {
  return byName.get(name);
}

export function hardwareThreads(h: HostType): number {
  return h.sockets * h.coresPerSocket * h.threadsPerCore;
}
