import { capabilitiesOf, Catalog, isWindowsPlatform } from '@nimbus/hypervisor';
import { InstanceEntity } from '../../persistence/entities';

export type BootLogInstance = Pick<InstanceEntity,
  'id' | 'imageId' | 'instanceType' | 'platform' | 'availabilityZone' | 'launchTime' | 'state' | 'stateSince' | 'userData' | 'rootDeviceName'>;

/**
 * The root disk as the Linux guest sees it, and the driver line the kernel prints for it. On Nitro
 * (bare metal too: Nitro hardware) EBS volumes are NVMe devices and the root is the first,
 * whatever the AMI's root device name; on Xen, blkfront names `/dev/sdX` and `/dev/xvdX` alike `xvdX`.
 */
function rootDisk(xen: boolean, rootDeviceName: string): { readonly partition: string; readonly driverLine: string } {
  if (!xen) return { partition: '/dev/nvme0n1p1', driverLine: 'nvme nvme0: pci function 0000:00:04.0' };
  const disk = `xvd${/^\/dev\/(?:xvd|sd)([a-z])/.exec(rootDeviceName)?.[1] ?? 'a'}`;
  return { partition: `/dev/${disk}1`, driverLine: `blkfront: ${disk}: barrier or flush: disabled; persistent grants: disabled; indirect descriptors: enabled;` };
}

/** GetConsoleOutput's `timestamp`, when the console output was last updated: the launch while it is first pending, else the later of the launch and its last state change. */
export function consoleOutputTime(row: Pick<InstanceEntity, 'state' | 'launchTime' | 'stateSince'>): number {
  return row.state === 'pending' ? row.launchTime : Math.max(row.launchTime, row.stateSince);
}

/**
 * A console log as a Linux or Windows guest prints it on boot, built from what Nimbus knows of the
 * instance: its image, type (and the type's hypervisor), zone, launch time and state. Nothing of it
 * is recorded from a guest.
 */
export function bootLog(row: BootLogInstance, catalog: Catalog): string {
  if (row.state === 'pending') return '';
  const image = catalog.image(row.imageId);
  const type = catalog.instanceType(row.instanceType);
  const at = new Date(row.launchTime).toISOString();
  // The image in words (its description: "Amazon Linux 2023 AMI …"), or its name.
  const os = image?.description ?? image?.name ?? row.imageId;
  const windows = isWindowsPlatform(row.platform);
  // A type the catalog no longer knows: a Nitro one, as a custom type is by default.
  const root = rootDisk(type !== undefined && capabilitiesOf(type).hypervisor === 'xen', row.rootDeviceName);
  const lines = windows
    ? [
      `${at} Windows is starting (${os}) on ${row.instanceType}`,
      `${at} Ec2Launch: instance ${row.id} in ${row.availabilityZone}, ${type?.vcpus ?? '?'} vCPUs, ${type?.memoryMiB ?? '?'} MiB`,
      `${at} Ec2Launch: user data ${row.userData ? 'found and run' : 'not present'}`,
      `${at} Windows is Ready to use`,
    ]
    : [
      `[    0.000000] Linux version 6.1.0 (${os})`,
      `[    0.000000] Command line: root=${root.partition} console=ttyS0`,
      `[    0.010000] smpboot: Allowing ${type?.vcpus ?? 1} CPUs`,
      `[    0.020000] Memory: ${type?.memoryMiB ?? 0} MiB available`,
      `[    1.200000] ${root.driverLine}`,
      `cloud-init: instance ${row.id} in ${row.availabilityZone} (${row.instanceType}), launched ${at}`,
      `cloud-init: user data ${row.userData ? 'found and run' : 'not present'}`,
      `cloud-init: finished; the instance is up`,
    ];
  if (row.state === 'stopping' || row.state === 'stopped' || row.state === 'shutting-down' || row.state === 'terminated')
    lines.push(windows ? `${new Date(row.stateSince).toISOString()} Windows is shutting down` : `[  OK  ] Reached target Power-Off (${new Date(row.stateSince).toISOString()})`);
  return lines.join('\n') + '\n';
}
