import { Architecture } from './instance-types';
import type { VolumeType } from '../vmm/io/ebs-volume';

/**
 * Machine images. `platform` decides billing granularity and license charges (metering);
 * boot and shutdown times are the simulated durations of pending → running and of
 * stopping → stopped / shutting-down → terminated. The times follow what EC2 users observe:
 * Linux reaches `running` in well under a minute, Windows takes minutes (sysprep, larger images).
 */
export type Platform = 'linux' | 'windows' | 'rhel' | 'suse' | 'ubuntu-pro' | 'windows-sql-standard';
export const PLATFORMS: readonly Platform[] = ['linux', 'windows', 'rhel', 'suse', 'ubuntu-pro', 'windows-sql-standard'];
export type LicenseModel = 'license-included' | 'byol';
/**
 * Software whose licenses the tenant brings (BYOL), counted against a license configuration
 * (docs/model.md §5). Each has its licensing rules in the scheduler (license admission).
 */
export type LicensedProduct = 'windows-server' | 'sql-server-standard';

/**
 * One entry of an image's block device mapping (EC2's BlockDeviceMapping of a CreateImage image):
 * the volume a launch makes at the device, from the snapshot, of this size and type at least.
 */
export interface ImageBlockDevice {
  readonly deviceName: string;
  readonly snapshotId: string;
  readonly volumeSizeGiB: number;
  readonly volumeType: VolumeType;
  /** Provisioned IOPS (gp3, io1, io2) and throughput (gp3), as the snapshotted volume had them. */
  readonly iops?: number;
  readonly throughputMiBps?: number;
  readonly deleteOnTermination: boolean;
}

export interface Image {
  readonly imageId: string;
  readonly name: string;
  readonly platform: Platform;
  /** What it boots on (EC2's `architecture`): a type must support it. Default x86_64. */
  readonly architecture?: Architecture;
  /** A tenant's own image (CreateImage): only that tenant sees and launches it. Absent: public (the catalog's, an operator's). */
  readonly ownerTenantId?: string;
  /** A tenant's new image is pending until then (its snapshots complete, it registers): no launch before. */
  readonly availableFromMs?: number;
  /** Of the platform (what billing charges for the OS): BYOL images pay no OS license. */
  readonly licenseModel: LicenseModel;
  /** The product whose licenses the tenant brings, if any (BYOL). */
  readonly byolProduct?: LicensedProduct;
  readonly bootSeconds: number;
  readonly shutdownSeconds: number;
  /**
   * The volumes an EC2 launch of it gets, root device first (a tenant's CreateImage image: one per
   * volume the instance had, each from its snapshot). Absent or empty: the default root
   * (`defaultRootVolume`), as the built-in images have.
   */
  readonly blockDevices?: readonly ImageBlockDevice[];
  /**
   * `v2.0` when the image requires IMDSv2 (EC2's `ImdsSupport`: Amazon Linux 2023's AMIs): its
   * instances launch with session tokens required and a hop limit of 2.
   */
  readonly imdsSupport?: 'v2.0';
}

export const IMAGES: readonly Image[] = [
  { imageId: 'ami-0a1e0c00000000a23', name: 'Amazon Linux 2023', platform: 'linux', licenseModel: 'license-included', bootSeconds: 15, shutdownSeconds: 10, imdsSupport: 'v2.0' },
  { imageId: 'ami-0b0b0c00000000b24', name: 'Ubuntu Server 24.04 LTS', platform: 'linux', licenseModel: 'license-included', bootSeconds: 20, shutdownSeconds: 10 },
  { imageId: 'ami-0c0b0c00000000c24', name: 'Ubuntu Pro 24.04 LTS', platform: 'ubuntu-pro', licenseModel: 'license-included', bootSeconds: 20, shutdownSeconds: 10 },
  { imageId: 'ami-0d0e0c00000000d09', name: 'Red Hat Enterprise Linux 9', platform: 'rhel', licenseModel: 'license-included', bootSeconds: 30, shutdownSeconds: 15 },
  { imageId: 'ami-0e0e0c00000000e15', name: 'SUSE Linux Enterprise Server 15 SP6', platform: 'suse', licenseModel: 'license-included', bootSeconds: 30, shutdownSeconds: 15 },
  { imageId: 'ami-0f0d0c00000000f22', name: 'Windows Server 2022 Base', platform: 'windows', licenseModel: 'license-included', bootSeconds: 180, shutdownSeconds: 60 },
  { imageId: 'ami-0f1d0c00000001f22', name: 'Windows Server 2022 with SQL Server 2022 Standard', platform: 'windows-sql-standard', licenseModel: 'license-included', bootSeconds: 240, shutdownSeconds: 90 },
  { imageId: 'ami-0f2d0c00000002f22', name: 'Windows Server 2022 Base (BYOL)', platform: 'windows', licenseModel: 'byol', byolProduct: 'windows-server', bootSeconds: 180, shutdownSeconds: 60 },
  // SQL Server brought under License Mobility on license-included Windows, as AWS sells it: the
  // Windows license is billed, SQL Server is counted against the tenant's license configuration.
  {
    imageId: 'ami-0f3d0c00000003f22', name: 'Windows Server 2022 with SQL Server 2022 Standard (BYOL SQL Server)', platform: 'windows',
    licenseModel: 'license-included', byolProduct: 'sql-server-standard', bootSeconds: 240, shutdownSeconds: 90,
  },
  // arm64 builds, for the Graviton families (a1, t4g, m6g, c7g, …), and macOS for the Mac types
  // (AWS bills macOS as Linux/UNIX: the Mac Dedicated Host is the charge).
  { imageId: 'ami-0a1e0c00000000a64', name: 'Amazon Linux 2023 (arm64)', platform: 'linux', architecture: 'arm64', licenseModel: 'license-included', bootSeconds: 15, shutdownSeconds: 10, imdsSupport: 'v2.0' },
  { imageId: 'ami-0b0b0c00000000b64', name: 'Ubuntu Server 24.04 LTS (arm64)', platform: 'linux', architecture: 'arm64', licenseModel: 'license-included', bootSeconds: 20, shutdownSeconds: 10 },
  { imageId: 'ami-0c1a0c00000000c14', name: 'macOS Sonoma 14 (x86_64_mac)', platform: 'linux', architecture: 'x86_64_mac', licenseModel: 'license-included', bootSeconds: 420, shutdownSeconds: 60 },
  { imageId: 'ami-0c1a0c00000000c15', name: 'macOS Sequoia 15 (arm64_mac)', platform: 'linux', architecture: 'arm64_mac', licenseModel: 'license-included', bootSeconds: 300, shutdownSeconds: 60 },
];

/** Every image's root device (EC2's `rootDeviceName` of its Amazon Linux and Windows AMIs). */
export const ROOT_DEVICE_NAME = '/dev/xvda';

/**
 * The root volume an EC2 launch of the image gets when its block device mapping maps nothing at
 * the root device, or there is no mapping at all (EC2's rule: the AMI's own root mapping is used;
 * REST's `volumes` launch exactly what they list). The built-in and operators' images carry no
 * root snapshot (a tenant's CreateImage image maps its own: `blockDevices`), so this is the
 * catalog's default for them: gp2 (RunInstances' default `Ebs.VolumeType`),
 * 8 GiB, and 30 GiB for Windows, the sizes of the Amazon Linux and Windows Server AMIs' roots. An
 * estimate: each real AMI names its own size and type.
 */
export function defaultRootVolume(image: Image): { readonly type: 'gp2'; readonly sizeGiB: number } {
  return { type: 'gp2', sizeGiB: image.platform === 'windows' || image.platform === 'windows-sql-standard' ? 30 : 8 };
}

/**
 * The default root as an entry of the image's block device mapping, as an AMI lists its root:
 * at the root device, deleted on termination, from the image's root snapshot. That snapshot is
 * Amazon's (as a public AMI's is): shown by DescribeImages, and as the SnapshotId of the root
 * volumes launched from the image, but no tenant's to describe, copy or make a volume from. Its id
 * is `snap-` and the image id's hex digits (17, zero-padded), so it is the same on every server.
 */
export function defaultRootDevice(image: Image): ImageBlockDevice {
  const root = defaultRootVolume(image);
  const hex = image.imageId.slice(image.imageId.indexOf('-') + 1).padStart(17, '0').slice(-17);
  return { deviceName: ROOT_DEVICE_NAME, snapshotId: `snap-${hex}`, volumeSizeGiB: root.sizeGiB, volumeType: root.type, deleteOnTermination: true };
}

/**
 * The image's block device mapping as EC2 shows it (DescribeImages' `BlockDeviceMappings`) and
 * launches it (RunInstances), root first: its own (`blockDevices`), with the default root at the
 * root device when it maps nothing there (every built-in and operator's image).
 */
export function imageBlockDevices(image: Image): readonly ImageBlockDevice[] {
  const own = image.blockDevices ?? [];
  const root = own.find((b) => b.deviceName === ROOT_DEVICE_NAME);
  return [root ?? defaultRootDevice(image), ...own.filter((b) => b !== root)];
}

export function architectureOf(image: Image): Architecture {
  return image.architecture ?? 'x86_64';
}

const byId = new Map(IMAGES.map((i) => [i.imageId, i]));

/** An image of the built-in catalog. The live world's catalog (operators' and tenants' images too) is `Catalog`. */
export function findImage(imageId: string): Image | undefined {
  return byId.get(imageId);
}
