import { HostType } from '../../catalog/host-types';

/**
 * The driver domain's own CPU use (docs/model.md §3.4). With paravirtual IO (Xen's split drivers,
 * Barham et al., SOSP 2003) every block request and every packet crosses into the driver domain
 * (Dom0's blkback/netback): a grant map or copy, an event-channel notification, the real driver.
 * That CPU is the host's, so IO-heavy tenants steal it from everyone on the host.
 *
 * Costs per operation, order-of-magnitude estimates from the published Xen measurements
 * (Cherkasova & Gardner, "Measuring CPU Overhead for I/O Processing in the Xen Virtual Machine
 * Monitor", USENIX ATC 2005, who found Dom0 CPU proportional to the IO rate; Menon et al.,
 * "Diagnosing Performance Overheads in the Xen Virtual Machine Environment", VEE 2005;
 * Santos et al., "Bridging the Gap between Software and Hardware Techniques for I/O
 * Virtualization", USENIX ATC 2008), not a measurement of any one machine:
 * - a block IO: 20 µs of a core (request mapping, a bio submitted, completion, two notifications);
 *   100,000 IOPS keep two cores busy;
 * - a packet: 5 µs (netback batches packets per notification, but copies each one); a million
 *   packets per second keep five cores busy.
 * An SR-IOV NIC hands each VM a virtual function, so packets bypass the driver domain entirely;
 * block IO still passes through it.
 */
export const DRIVER_DOMAIN_MICROSECONDS_PER_IO = 20;
export const DRIVER_DOMAIN_MICROSECONDS_PER_PACKET = 5;

export interface DeviceLoad {
  /** Block IOs per second through the driver domain (all VMs on the host). */
  readonly iops: number;
  /** Network packets per second, both directions. */
  readonly packetsPerSec: number;
}

/** Driver-domain CPU in whole millicores (rounded up): µs of CPU per second ÷ 1000. */
export function driverDomainMillicores(load: DeviceLoad, sriov: boolean): number {
  if (!(load.iops >= 0) || !(load.packetsPerSec >= 0)) throw new RangeError(`device load must be ≥ 0, got ${load.iops} IOPS, ${load.packetsPerSec} pps`);
  const microsPerSec = load.iops * DRIVER_DOMAIN_MICROSECONDS_PER_IO + (sriov ? 0 : load.packetsPerSec * DRIVER_DOMAIN_MICROSECONDS_PER_PACKET);
  return Math.ceil(microsPerSec / 1000 - 1e-9);
}

/**
 * The driver-domain cost on a given host type. Only hosts that virtualize IO in software pay it:
 * `paravirtual` (split drivers in a driver domain) and `trap-and-emulate` (device emulation in the
 * VMM, at least as costly). `hardware-assisted` hosts in the catalog are Nitro-class: EBS and VPC
 * processing runs on dedicated offload cards, not on host cores, so they pay nothing here.
 */
export function hostDriverDomainMillicores(hostType: HostType, load: DeviceLoad): number {
  if (hostType.virtualization === 'hardware-assisted') return 0;
  return driverDomainMillicores(load, hostType.nic.sriov);
}
