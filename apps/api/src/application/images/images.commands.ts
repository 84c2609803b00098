import { Architecture, InstanceTypeCapabilities, LicenseModel, LicensedProduct, Platform } from '@nimbus/hypervisor';

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

/** CopySnapshot within the region: a copy of the tenant's completed snapshot. */
export interface CopySnapshotCommand {
  readonly sourceSnapshotId: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

export interface DescribeSnapshotsQuery {
  readonly snapshotIds?: readonly string[];
  /** `self` or account ids. */
  readonly owners?: readonly string[];
}
