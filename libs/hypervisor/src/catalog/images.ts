import { Architecture } from './instance-types';
import { EBS_LIMITS, type VolumeType } from '../vmm/io/ebs-volume';

/**
 * Machine images. `platform` decides billing granularity and license charges (metering);
 * boot and shutdown times are the simulated durations of pending → running and of
 * stopping → stopped / shutting-down → terminated. The times follow what EC2 users observe:
 * Linux reaches `running` in well under a minute, Windows takes minutes (sysprep, larger images).
 */
export type Platform = 'linux' | 'windows' | 'rhel' | 'suse' | 'ubuntu-pro' | 'windows-sql-standard';
export const PLATFORMS: readonly Platform[] = ['linux', 'windows', 'rhel', 'suse', 'ubuntu-pro', 'windows-sql-standard'];

/**
 * Whether an image or instance of this platform runs Windows (Windows Server, with SQL Server or
 * not): EC2 shows it `platform` `windows`, and its rules for Windows (the boot log, the root size,
 * the Administrator password, key pair types) hold for it.
 */
export function isWindowsPlatform(platform: string): boolean {
  return platform.startsWith('windows');
}
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
  /** The ARN of the KMS key its snapshot is encrypted with (a launch's volume inherits it); absent: not encrypted. */
  readonly kmsKeyId?: string;
}

/**
 * Who publishes a catalog image on EC2: the account EC2 shows as its `ownerId`, and `amazon` as its
 * `imageOwnerAlias` where EC2 shows one (Amazon's own images and SUSE's; Canonical's and Red Hat's
 * have none, so `--owners amazon` does not list them, as on EC2).
 */
export interface ImagePublisher {
  readonly accountId: string;
  readonly alias?: 'amazon';
}

/**
 * The publishers of the built-in images. Owner account ids as EC2 shows them in us-east-1 (and as
 * scripts and Terraform's `aws_ami` name them in `owners`): Amazon Linux 137112412989, Windows
 * 801119661308, macOS 634519214787, Canonical (Ubuntu) 099720109477, Red Hat 309956199498, SUSE
 * 013907871322.
 */
export const IMAGE_PUBLISHERS = {
  amazonLinux: { accountId: '137112412989', alias: 'amazon' },
  windows: { accountId: '801119661308', alias: 'amazon' },
  macos: { accountId: '634519214787', alias: 'amazon' },
  canonical: { accountId: '099720109477' },
  redHat: { accountId: '309956199498' },
  suse: { accountId: '013907871322', alias: 'amazon' },
} as const satisfies Readonly<Record<string, ImagePublisher>>;

export interface Image {
  readonly imageId: string;
  /**
   * EC2's `name` of the image. The built-in images' follow each publisher's AMI naming scheme
   * (`al2023-ami-<release>-kernel-6.1-x86_64`, `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-<date>`,
   * `Windows_Server-2022-English-Full-Base-<date>`, …), so that a script's or Terraform's name
   * filter finds them as on EC2.
   */
  readonly name: string;
  /** EC2's `description`: what the image is, in words. */
  readonly description?: string;
  /** A built-in image's publisher (absent: Amazon's account, alias `amazon`, as operators' images). */
  readonly publisher?: ImagePublisher;
  /**
   * EC2's `rootDeviceName`: `/dev/xvda` (Amazon Linux's AMIs, and the default) or `/dev/sda1`
   * (Ubuntu's, Red Hat's, SUSE's, Windows' and macOS's). A launch's root volume is attached there,
   * and a block device mapping at that name changes the root (`rootDeviceOf`).
   */
  readonly rootDeviceName?: RootDeviceName;
  /**
   * The root volume its AMI maps (type and size), where the catalog knows it: gp3 of 8 GiB for
   * Amazon Linux 2023 and Ubuntu 24.04 (`hvm-ssd-gp3`), gp3 of 10 GiB for Red Hat (`…-GP3`).
   * Absent: the catalog's default (`defaultRootVolume`).
   */
  readonly rootVolume?: { readonly type: 'gp2' | 'gp3'; readonly sizeGiB: number };
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
  /**
   * What RegisterImage recorded of the image's boot and network features (EC2's `BootMode`,
   * `TpmSupport`, `SriovNetSupport`, `EnaSupport`), shown by DescribeImages; absent: unset, as on the
   * catalog's images (ENA shown enabled, as EC2 shows its current AMIs).
   */
  readonly bootMode?: 'legacy-bios' | 'uefi' | 'uefi-preferred';
  readonly tpmSupport?: 'v2.0';
  readonly sriovNetSupport?: 'simple';
  readonly enaSupport?: boolean;
}

/**
 * The built-in images. Their ids are Nimbus's own (the same on every server), not real AMIs'; their
 * names follow the publishers' naming schemes with a build before the catalog's registration date
 * (1 January 2025), their descriptions are worded as the publishers word theirs, and their owners are
 * the publishers' accounts (IMAGE_PUBLISHERS). The two BYOL images have no counterpart among EC2's
 * public AMIs (BYOL Windows is imported, not published): their names are Nimbus's.
 */
export const IMAGES: readonly Image[] = [
  {
    imageId: 'ami-0a1e0c00000000a23', name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64', description: 'Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1',
    publisher: IMAGE_PUBLISHERS.amazonLinux, rootVolume: { type: 'gp3', sizeGiB: 8 }, platform: 'linux', licenseModel: 'license-included', bootSeconds: 15, shutdownSeconds: 10, imdsSupport: 'v2.0',
  },
  {
    imageId: 'ami-0b0b0c00000000b24', name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206', description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.canonical, rootVolume: { type: 'gp3', sizeGiB: 8 }, platform: 'linux', licenseModel: 'license-included', bootSeconds: 20, shutdownSeconds: 10,
  },
  {
    imageId: 'ami-0c0b0c00000000c24', name: 'ubuntu-pro-server/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-pro-server-20241206', description: 'Canonical, Ubuntu Pro, 24.04, amd64 noble image',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.canonical, rootVolume: { type: 'gp3', sizeGiB: 8 }, platform: 'ubuntu-pro', licenseModel: 'license-included', bootSeconds: 20, shutdownSeconds: 10,
  },
  {
    imageId: 'ami-0d0e0c00000000d09', name: 'RHEL-9.5.0_HVM-20241211-x86_64-0-Hourly2-GP3', description: 'Provided by Red Hat, Inc.',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.redHat, rootVolume: { type: 'gp3', sizeGiB: 10 }, platform: 'rhel', licenseModel: 'license-included', bootSeconds: 30, shutdownSeconds: 15,
  },
  {
    imageId: 'ami-0e0e0c00000000e15', name: 'suse-sles-15-sp6-v20241218-hvm-ssd-x86_64', description: 'SUSE Linux Enterprise Server 15 SP6 (HVM, 64-bit, SSD-Backed)',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.suse, platform: 'suse', licenseModel: 'license-included', bootSeconds: 30, shutdownSeconds: 15,
  },
  {
    imageId: 'ami-0f0d0c00000000f22', name: 'Windows_Server-2022-English-Full-Base-2024.12.13', description: 'Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.windows, platform: 'windows', licenseModel: 'license-included', bootSeconds: 180, shutdownSeconds: 60,
  },
  {
    imageId: 'ami-0f1d0c00000001f22', name: 'Windows_Server-2022-English-Full-SQL_2022_Standard-2024.12.13',
    description: 'Microsoft Windows Server 2022 Full Locale English with SQL Standard 2022 AMI provided by Amazon',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.windows, platform: 'windows-sql-standard', licenseModel: 'license-included', bootSeconds: 240, shutdownSeconds: 90,
  },
  {
    imageId: 'ami-0f2d0c00000002f22', name: 'nimbus-Windows_Server-2022-English-Full-Base-BYOL-2024.12.13', description: 'Windows Server 2022 Base (BYOL): the tenant brings its Windows Server licences',
    rootDeviceName: '/dev/sda1', platform: 'windows', licenseModel: 'byol', byolProduct: 'windows-server', bootSeconds: 180, shutdownSeconds: 60,
  },
  // SQL Server brought under License Mobility on license-included Windows, as AWS sells it: the
  // Windows license is billed, SQL Server is counted against the tenant's license configuration.
  {
    imageId: 'ami-0f3d0c00000003f22', name: 'nimbus-Windows_Server-2022-English-Full-SQL_2022_Standard-BYOL_SQL-2024.12.13',
    description: 'Windows Server 2022 with SQL Server 2022 Standard (BYOL SQL Server): Windows licence included, SQL Server under License Mobility',
    rootDeviceName: '/dev/sda1', platform: 'windows', licenseModel: 'license-included', byolProduct: 'sql-server-standard', bootSeconds: 240, shutdownSeconds: 90,
  },
  // arm64 builds, for the Graviton families (a1, t4g, m6g, c7g, …), and macOS for the Mac types
  // (AWS bills macOS as Linux/UNIX: the Mac Dedicated Host is the charge).
  {
    imageId: 'ami-0a1e0c00000000a64', name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-arm64', description: 'Amazon Linux 2023 AMI 2023.6.20241212.0 arm64 HVM kernel-6.1',
    publisher: IMAGE_PUBLISHERS.amazonLinux, rootVolume: { type: 'gp3', sizeGiB: 8 }, platform: 'linux', architecture: 'arm64', licenseModel: 'license-included', bootSeconds: 15, shutdownSeconds: 10, imdsSupport: 'v2.0',
  },
  {
    imageId: 'ami-0b0b0c00000000b64', name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241206', description: 'Canonical, Ubuntu, 24.04, arm64 noble image',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.canonical, rootVolume: { type: 'gp3', sizeGiB: 8 }, platform: 'linux', architecture: 'arm64', licenseModel: 'license-included', bootSeconds: 20, shutdownSeconds: 10,
  },
  {
    imageId: 'ami-0c1a0c00000000c14', name: 'amzn-ec2-macos-14.7.2-20241213-202404', description: 'macOS Sonoma 14.7.2',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.macos, platform: 'linux', architecture: 'x86_64_mac', licenseModel: 'license-included', bootSeconds: 420, shutdownSeconds: 60,
  },
  {
    imageId: 'ami-0c1a0c00000000c15', name: 'amzn-ec2-macos-15.2-20241213-202404-arm64', description: 'macOS Sequoia 15.2',
    rootDeviceName: '/dev/sda1', publisher: IMAGE_PUBLISHERS.macos, platform: 'linux', architecture: 'arm64_mac', licenseModel: 'license-included', bootSeconds: 300, shutdownSeconds: 60,
  },
];

/** The root device names EC2's AMIs use ("Device names for volumes on Amazon EC2 instances"): Amazon Linux's, and the others'. */
export const ROOT_DEVICE_NAMES = ['/dev/xvda', '/dev/sda1'] as const;
export type RootDeviceName = (typeof ROOT_DEVICE_NAMES)[number];
/** The root device of an image that names none (Amazon Linux's; operators' images). */
export const ROOT_DEVICE_NAME: RootDeviceName = '/dev/xvda';

/** Whether `device` is a root device name: an instance holds a volume there only at its own root device. */
export function isRootDeviceName(device: string): device is RootDeviceName {
  return (ROOT_DEVICE_NAMES as readonly string[]).includes(device);
}

/**
 * The image's root device: its own (`rootDeviceName`); for a CreateImage image of older days that
 * kept none, the root among its block devices; else the default, /dev/xvda.
 */
export function rootDeviceOf(image: Pick<Image, 'rootDeviceName' | 'blockDevices'>): RootDeviceName {
  if (image.rootDeviceName) return image.rootDeviceName;
  const root = image.blockDevices?.find((b) => isRootDeviceName(b.deviceName));
  return root ? (root.deviceName as RootDeviceName) : ROOT_DEVICE_NAME;
}

/**
 * The root volume an EC2 launch of the image gets when its block device mapping maps nothing at
 * the root device, or there is no mapping at all (EC2's rule: the AMI's own root mapping is used;
 * REST's `volumes` launch exactly what they list). The built-in and operators' images carry no
 * root snapshot (a tenant's CreateImage image maps its own: `blockDevices`), so this is the
 * image's own where the catalog knows it (`rootVolume`: Amazon Linux 2023's, Ubuntu's and Red Hat's
 * gp3 roots), else its default: gp2 (RunInstances' default `Ebs.VolumeType`), 8 GiB, and 30 GiB for
 * Windows, the size of the Windows Server AMIs' roots. An estimate for those: each real AMI names
 * its own size and type.
 */
export function defaultRootVolume(image: Image): { readonly type: 'gp2' | 'gp3'; readonly sizeGiB: number } {
  return image.rootVolume ?? { type: 'gp2', sizeGiB: isWindowsPlatform(image.platform) ? 30 : 8 };
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
  // A gp3 root shows its provisioned baseline, as an AMI's gp3 mapping does (3,000 IOPS, 125 MiB/s).
  const gp3 = root.type === 'gp3' ? { iops: EBS_LIMITS.gp3.baselineIops, throughputMiBps: EBS_LIMITS.gp3.baselineThroughputMiBps } : {};
  return { deviceName: rootDeviceOf(image), snapshotId: `snap-${hex}`, volumeSizeGiB: root.sizeGiB, volumeType: root.type, ...gp3, deleteOnTermination: true };
}

/**
 * The image's block device mapping as EC2 shows it (DescribeImages' `BlockDeviceMappings`) and
 * launches it (RunInstances), root first: its own (`blockDevices`), with the default root at the
 * root device when it maps nothing there (every built-in and operator's image).
 */
export function imageBlockDevices(image: Image): readonly ImageBlockDevice[] {
  const own = image.blockDevices ?? [];
  const rootName = rootDeviceOf(image);
  const root = own.find((b) => b.deviceName === rootName);
  return [root ?? defaultRootDevice(image), ...own.filter((b) => b !== root)];
}

/** How long an image boots and shuts down when nothing says (an operator's image, a registered one): 20 s and 10 s, Windows 180 s and 60 s. */
export function defaultLifecycleSeconds(platform: Platform): Pick<Image, 'bootSeconds' | 'shutdownSeconds'> {
  return isWindowsPlatform(platform) ? { bootSeconds: 180, shutdownSeconds: 60 } : { bootSeconds: 20, shutdownSeconds: 10 };
}

export function architectureOf(image: Image): Architecture {
  return image.architecture ?? 'x86_64';
}

const byId = new Map(IMAGES.map((i) => [i.imageId, i]));

/** An image of the built-in catalog. The live world's catalog (operators' and tenants' images too) is `Catalog`. */
export function findImage(imageId: string): Image | undefined {
  return byId.get(imageId);
}
