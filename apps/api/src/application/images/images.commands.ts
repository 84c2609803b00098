import { Architecture, InstanceTypeCapabilities, LicenseModel, LicensedProduct, Platform } from '@nimbus/hypervisor';
import type { EncryptionAsked } from '../volumes/ebs-encryption';

/** CreateImage: an image of the tenant's instance, a snapshot per attached volume. */
export interface CreateImageCommand {
  readonly instanceId: string;
  readonly name: string;
  readonly description?: string;
  /** Without it a running instance is rebooted for a consistent image, as EC2 does. */
  readonly noReboot?: boolean;
  readonly tags?: Readonly<Record<string, unknown>>;
  /** Tags for the snapshots it makes (EC2's TagSpecification of ResourceType `snapshot`). */
  readonly snapshotTags?: Readonly<Record<string, unknown>>;
}

/** DescribeImages' selection: ids (each must be visible), owners (`self`, `amazon`, account ids), who may launch (`self`, `all`, account ids). */
export interface DescribeImagesQuery {
  readonly imageIds?: readonly string[];
  readonly owners?: readonly string[];
  readonly executableBy?: readonly string[];
}

export interface ImageIdCommand {
  readonly imageId: string;
}

/** An operator's image (POST /v1/admin/images): a chosen `ami-` id or a generated one. */
export interface AddImageCommand {
  readonly imageId?: string;
  readonly name: string;
  readonly description?: string;
  readonly platform: Platform;
  readonly architecture?: Architecture;
  readonly licenseModel?: LicenseModel;
  readonly byolProduct?: LicensedProduct;
  readonly bootSeconds?: number;
  readonly shutdownSeconds?: number;
  /** Its root device (EC2's rootDeviceName): /dev/xvda (the default) or /dev/sda1, as the AMI it mirrors has. */
  readonly rootDeviceName?: string;
  /** The account EC2 shows as its owner (12 digits; default Amazon's), as the AMI it mirrors has: a script's `--owners` finds it. */
  readonly ownerId?: string;
  /** `amazon` (EC2's imageOwnerAlias), or none: the default is `amazon` with Amazon's account, none with another `ownerId`. */
  readonly ownerAlias?: 'amazon' | null;
}

/** A custom instance type (POST /v1/admin/instance-types). */
export interface AddInstanceTypeCommand {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly baselinePerVcpu?: number;
  readonly architectures?: readonly Architecture[];
  readonly network?: { readonly baselineGbps: number; readonly burstGbps: number };
  readonly ebs?: { readonly baselineMbps: number; readonly burstMbps: number; readonly baselineIops: number; readonly burstIops: number };
  readonly hourlyPrices: { readonly linux: string; readonly windows?: string };
  /** Any of them; the others are DEFAULT_CAPABILITIES' (a bare metal type has no hypervisor). */
  readonly capabilities?: Partial<InstanceTypeCapabilities>;
}

export interface CreateSnapshotCommand {
  readonly volumeId: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** CopySnapshot within the region: a copy of the tenant's completed snapshot, encrypted as asked (`encrypted`, `kmsKeyId`), as its source, or by default. */
export interface CopySnapshotCommand extends EncryptionAsked {
  readonly sourceSnapshotId: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

export interface DescribeSnapshotsQuery {
  readonly snapshotIds?: readonly string[];
  /** `self` or account ids. */
  readonly owners?: readonly string[];
}

/** One entry of RegisterImage's block device mapping: a volume at the device, from the tenant's completed snapshot. */
export interface RegisterBlockDevice {
  readonly device: string;
  readonly snapshotId?: string;
  /** GiB; default the snapshot's, never smaller. */
  readonly sizeGiB?: number;
  /** Default gp2 (EC2's default volume type). */
  readonly type?: string;
  readonly iops?: number;
  readonly throughputMiBps?: number;
  /** Default true. */
  readonly deleteOnTermination?: boolean;
}

/** RegisterImage of EBS snapshots: an HVM image whose root device is mapped to the tenant's snapshot. */
export interface RegisterImageCommand {
  readonly name: string;
  readonly description?: string;
  /** EC2's default for an EBS-backed image is i386. */
  readonly architecture?: string;
  readonly rootDeviceName?: string;
  readonly blockDevices: readonly RegisterBlockDevice[];
  readonly enaSupport?: boolean;
  readonly sriovNetSupport?: string;
  readonly bootMode?: string;
  readonly imdsSupport?: string;
  readonly tpmSupport?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** CopyImage within the region: a new image of the tenant's from one it may launch, its snapshots copied (each encrypted as CopySnapshot's copy is). */
export interface CopyImageCommand extends EncryptionAsked {
  readonly sourceImageId: string;
  readonly name: string;
  readonly description?: string;
  /** Idempotency: the same token and request answer the first copy. */
  readonly clientToken?: string;
  /** Copy the source's user-defined tags to the new image (the caller's own image's). */
  readonly copyImageTags?: boolean;
  readonly tags?: Readonly<Record<string, unknown>>;
  readonly snapshotTags?: Readonly<Record<string, unknown>>;
}

/** ModifyImageAttribute's changes to the tenant's image: its description, and IMDSv2 required (which cannot be undone, as on EC2). */
export interface ModifyImageCommand {
  readonly imageId: string;
  readonly description?: string;
  readonly imdsSupport?: string;
}
