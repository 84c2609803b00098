import { cpuOptionsOf, currentBootModeOf, INSTANCE_STATE_CODES, InstanceStateName, isWindowsPlatform } from '@nimbus/hypervisor';
import { instanceBillingIdentity } from '@nimbus/metering';
import { InstanceDescription } from '../../../application/instances/instance-description';
import { metadataOptionsOf } from '../../../application/instances/metadata-options';
import { items } from '../ec2-action';
import type { InstanceInterface } from '../../../application/networking/instance-networking';
import { associationXml, privateIpAddressesSet, tagSet } from './networking.actions';
import { ec2Time } from '../ec2-xml';


export const stateXml = (name: string) => ({ code: INSTANCE_STATE_CODES[name as InstanceStateName], name });

const STATE_MESSAGES: Readonly<Record<string, string>> = {
  'Client.UserInitiatedShutdown': 'Client.UserInitiatedShutdown: User initiated shutdown',
  'Server.InsufficientInstanceCapacity': 'Server.InsufficientInstanceCapacity: Insufficient capacity',
  'Server.InternalError': 'Server.InternalError: Internal error on launch',
  'Server.SpotInstanceTermination': 'Server.SpotInstanceTermination: Spot instance termination',
};

/** EC2's `reason` (stateTransitionReason): "User initiated (2026-12-03 19:00:00 GMT)" after a user's stop or termination. */
function transitionReason(d: InstanceDescription): string {
  const r = d.row.stateReason;
  if (!r) return '';
  const when = new Date(d.row.stateSince).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' GMT');
  return r === 'Client.UserInitiatedShutdown' ? `User initiated (${when})` : `${r} (${when})`;
}

/**
 * What DescribeInstances shows and its filters read alike (one value, one place): the instance's
 * `hypervisor` is `xen` for Xen and Nitro alike (EC2 API Reference, Instance: "The value xen is
 * used for both Xen and Nitro hypervisors"; DescribeInstanceTypes tells them apart); an interface
 * attached to an instance is `in-use`.
 */
export const INSTANCE_HYPERVISOR = 'xen';
/**
 * The mode the instance booted in: its type's default (Nimbus's images set none): UEFI on Graviton,
 * legacy BIOS elsewhere. The type is the world catalog's (an operator's custom types too), as
 * DescribeInstanceTypes' `supportedBootModes` reads it.
 */
export function currentBootModeXml(d: InstanceDescription): string {
  return d.type ? currentBootModeOf(d.type) : 'legacy-bios';
}
export const ATTACHED_INTERFACE_STATUS = 'in-use';

/** EC2's `stateReason` (code and message) of a stopped or terminated instance, or none. */
export function stateReasonOf(d: InstanceDescription): { code: string; message: string } | undefined {
  const code = d.row.stateReason ?? undefined;
  return code ? { code, message: STATE_MESSAGES[code] ?? code } : undefined;
}

/** The instance's metadata options as shown: applied at once (ModifyInstanceMetadataOptions answers `pending`). */
export function metadataOptionsXml(d: InstanceDescription) {
  return { state: 'applied', ...metadataOptionsOf(d.row) };
}

/** Its `blockDeviceMapping`: each attached volume at its device (DescribeInstanceAttribute's too). */
export function blockDeviceMappingsOf(d: InstanceDescription) {
  return d.volumes.map((v) => ({
    deviceName: v.device,
    ebs: { volumeId: v.id, status: 'attached', attachTime: v.attachTime !== null ? ec2Time(v.attachTime) : undefined, deleteOnTermination: v.deleteOnTermination },
  }));
}

/** An interface's `association`: the public address its primary private address holds, if any. */
export function interfaceAssociationOf(nic: InstanceInterface, accountId: string) {
  return associationXml(nic.publicIps.find((p) => p.privateIpAddress === nic.privateIpAddress), accountId, false);
}

/** The image's architecture (an operator's or a tenant's image's too, from the world's catalog). */
export function architectureOf(d: InstanceDescription): string {
  return d.image?.architecture ?? 'x86_64';
}

/** Its `cpuOptions`: its type's cores and threads (the world catalog's type, as DescribeInstanceTypes' `VCpuInfo` shows them). */
export function instanceCpuOptions(d: InstanceDescription): { coreCount: number; threadsPerCore: number } {
  return d.type ? { ...cpuOptionsOf(d.type) } : { coreCount: 1, threadsPerCore: 1 };
}

/** The billing identity as the rater prices it (metering's rule): platformDetails and usageOperation. */
export function billingIdentityOf(d: InstanceDescription) {
  return instanceBillingIdentity(d.row.platform as Parameters<typeof instanceBillingIdentity>[0], d.image?.licenseModel ?? 'license-included');
}

/**
 * The settings every instance has one value of, as DescribeInstances shows them: no capacity
 * reservation targeted, hibernation and Nitro Enclaves off, IP-based host names. RunInstances
 * accepts each written out with this value (instances.actions.ts, RUN_ONE_VALUE).
 */
export const FIXED_SETTINGS = {
  capacityReservationSpecification: { capacityReservationPreference: 'open' },
  hibernationOptions: { configured: false },
  enclaveOptions: { enabled: false },
  privateDnsNameOptions: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
} as const;

/** One instance as DescribeInstances / RunInstances show it (EC2's RunningInstancesItemType, in its element order). */
export function instanceXml(d: InstanceDescription, accountId: string) {
  const i = d.row;
  const n = d.network;
  const billing = billingIdentityOf(d);
  return {
    instanceId: i.id,
    imageId: i.imageId,
    instanceState: stateXml(i.state),
    privateDnsName: n?.privateDnsName ?? '',
    dnsName: n?.publicDnsName ?? '',
    reason: transitionReason(d),
    keyName: n?.keyName,
    amiLaunchIndex: i.launchIndex,
    productCodes: items([]),
    instanceType: i.instanceType,
    launchTime: ec2Time(i.launchTime),
    placement: {
      availabilityZone: i.availabilityZone,
      groupName: d.placementGroupName ?? '',
      partitionNumber: i.partitionNumber ?? undefined,
      hostId: i.tenancy === 'host' ? (i.dedicatedHostId ?? undefined) : undefined,
      tenancy: i.tenancy,
    },
    platform: isWindowsPlatform(i.platform) ? 'windows' : undefined,
    monitoring: { state: d.monitoring },
    subnetId: n?.subnetId,
    vpcId: n?.vpcId,
    privateIpAddress: n?.privateIpAddress,
    ipAddress: n?.publicIpAddress,
    sourceDestCheck: n?.sourceDestCheck,
    groupSet: items((n?.groups ?? []).map((g) => ({ groupId: g.groupId, groupName: g.groupName }))),
    stateReason: stateReasonOf(d),
    architecture: architectureOf(d),
    rootDeviceType: 'ebs',
    rootDeviceName: i.rootDeviceName,
    blockDeviceMapping: items(blockDeviceMappingsOf(d)),
    virtualizationType: 'hvm',
    // A Spot Instance's (absent on an On-Demand one, as on EC2).
    instanceLifecycle: i.spotInstanceRequestId !== null ? 'spot' : undefined,
    spotInstanceRequestId: i.spotInstanceRequestId ?? undefined,
    // EC2's element, empty for an instance launched without a token.
    clientToken: d.clientToken ?? '',
    tagSet: tagSet(d.tags),
    hypervisor: INSTANCE_HYPERVISOR,
    networkInterfaceSet: items((n?.interfaces ?? []).map((nic) => ({
      networkInterfaceId: nic.networkInterfaceId,
      subnetId: nic.subnetId,
      vpcId: nic.vpcId,
      description: nic.description,
      ownerId: accountId,
      status: ATTACHED_INTERFACE_STATUS,
      macAddress: nic.macAddress,
      privateIpAddress: nic.privateIpAddress,
      privateDnsName: nic.privateDnsName,
      sourceDestCheck: nic.sourceDestCheck,
      groupSet: items(nic.groups.map((g) => ({ groupId: g.groupId, groupName: g.groupName }))),
      attachment: { attachmentId: nic.attachmentId, deviceIndex: nic.deviceIndex, status: nic.status, attachTime: ec2Time(nic.attachTime), deleteOnTermination: nic.deleteOnTermination, networkCardIndex: 0 },
      association: interfaceAssociationOf(nic, accountId),
      privateIpAddressesSet: privateIpAddressesSet(nic.privateIpAddress, nic.secondaryPrivateIpAddresses, nic.publicIps, accountId, false),
      interfaceType: 'interface',
    }))),
    ebsOptimized: i.ebsOptimized,
    enaSupport: instanceEnaSupport(d),
    cpuOptions: instanceCpuOptions(d),
    capacityReservationSpecification: FIXED_SETTINGS.capacityReservationSpecification,
    hibernationOptions: FIXED_SETTINGS.hibernationOptions,
    metadataOptions: metadataOptionsXml(d),
    enclaveOptions: FIXED_SETTINGS.enclaveOptions,
    platformDetails: billing.platformDetails,
    usageOperation: billing.usageOperation,
    usageOperationUpdateTime: ec2Time(i.launchTime),
    maintenanceOptions: { autoRecovery: i.autoRecovery },
    privateDnsNameOptions: FIXED_SETTINGS.privateDnsNameOptions,
    currentInstanceBootMode: currentBootModeXml(d),
  };
}

/** The instance's `enaSupport`: its image's, as EC2 sets it at launch (an image registered with `EnaSupport=false` launches instances without ENA). */
export const instanceEnaSupport = (d: InstanceDescription): boolean => d.image?.enaSupport ?? true;

/** Instances grouped into their reservations, in the order given (DescribeInstances' reservationSet). */
export function reservationsXml(list: readonly InstanceDescription[], ownerId: string) {
  const groups: { reservationId: string; instances: InstanceDescription[] }[] = [];
  const byId = new Map<string, { reservationId: string; instances: InstanceDescription[] }>();
  for (const d of list) {
    let g = byId.get(d.row.reservationId);
    if (!g) {
      g = { reservationId: d.row.reservationId, instances: [] };
      byId.set(d.row.reservationId, g);
      groups.push(g);
    }
    g.instances.push(d);
  }
  return items(groups.map((g) => ({ reservationId: g.reservationId, ownerId, groupSet: items([]), instancesSet: items(g.instances.map((d) => instanceXml(d, ownerId))) })));
}
