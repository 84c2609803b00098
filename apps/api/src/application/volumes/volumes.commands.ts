import { VolumeType } from '@nimbus/hypervisor';
import type { EncryptionAsked } from './ebs-encryption';

/**
 * CreateVolume: a volume of a type and size (or a snapshot's size) in a zone; the IOPS and
 * throughput default by type; encrypted as asked (`encrypted`, `kmsKeyId`), as its snapshot is, or
 * by the account's encryption by default (ebs-encryption.ts).
 */
export interface CreateVolumeCommand extends EncryptionAsked {
  readonly availabilityZone: string;
  /** GiB; optional from a snapshot (default: the snapshot's size, and never smaller). */
  readonly sizeGiB?: number;
  /** The tenant's completed snapshot to create it from. */
  readonly snapshotId?: string;
  readonly type: VolumeType;
  readonly iops?: number;
  readonly throughputMiBps?: number;
  /** Idempotency: the same token and request return the same volume. */
  readonly clientToken?: string;
  /** Tags to put on it (EC2's TagSpecification; EC2's tag rules). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** DescribeVolumes: the tenant's volumes that are not deleted, by id, in pages. */
export interface ListVolumesQuery {
  readonly state?: string;
  readonly instanceId?: string;
  readonly availabilityZone?: string;
  /** Default 1,000. */
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** One volume, named by id (DescribeVolumes of one, DeleteVolume, DetachVolume). */
export interface VolumeRef {
  readonly volumeId: string;
}

/** AttachVolume: to the tenant's instance, at a device (default: the first free of /dev/sdf … /dev/sdp). */
export interface AttachVolumeCommand {
  readonly volumeId: string;
  readonly instanceId: string;
  readonly device?: string;
}

/** A volume launched with an instance (RunInstances' `volumes`): deleted when the instance terminates; encrypted as CreateVolume's. */
export interface LaunchVolume extends EncryptionAsked {
  /** GiB; optional from a snapshot (default: the snapshot's size, and never smaller). */
  readonly sizeGiB?: number;
  readonly type: VolumeType;
  readonly iops?: number;
  readonly throughputMiBps?: number;
  /** The tenant's completed snapshot to create it from. */
  readonly snapshotId?: string;
  /** Default true: deleted when the instance terminates; false keeps it (detached, available). */
  readonly deleteOnTermination?: boolean;
}

/**
 * EC2's BlockDeviceMapping.N: a launch volume at the device it names (DeviceName). At a device of
 * the image's mapping it changes that volume, and what it omits is the image's; elsewhere it is a
 * new volume (type default gp2, deleted on termination unless kept).
 */
export interface LaunchBlockDeviceMapping extends Omit<LaunchVolume, 'type'> {
  readonly device: string;
  readonly type?: VolumeType;
}

/**
 * A launch's volumes, in one of the two forms (VolumesService.resolveLaunchVolumes has the rules):
 * REST's `volumes`, exactly the volumes launched, the first the root (none: no volume); or EC2's
 * `blockDeviceMappings`, changes to the image's own mapping, whose root volume every launch gets
 * (also with no mapping at all). At most one of them.
 */
export interface LaunchVolumes {
  readonly volumes?: readonly LaunchVolume[];
  readonly blockDeviceMappings?: readonly LaunchBlockDeviceMapping[];
}

/** A launch volume placed on its device (VolumesService.resolveLaunchVolumes), root first. */
export interface PlacedLaunchVolume extends LaunchVolume {
  readonly device: string;
  /** The size of `snapshotId` when it needs no look-up: an image's default root snapshot (Amazon's, catalog's imageBlockDevices). */
  readonly snapshotSizeGiB?: number;
}

/** ModifyVolume: any of the type, size (never smaller), IOPS and throughput; the rest kept when the type stays. */
export interface ModifyVolumeCommand {
  readonly volumeId: string;
  readonly type?: VolumeType;
  readonly sizeGiB?: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
}

/** ModifyInstanceAttribute's blockDeviceMapping: whether the volume attached at a device is deleted when the instance terminates. */
export interface DeleteOnTerminationChange {
  readonly device: string;
  readonly deleteOnTermination: boolean;
  /** When given, the volume at the device must be this one. */
  readonly volumeId?: string;
}
