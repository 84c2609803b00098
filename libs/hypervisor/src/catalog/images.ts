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

export interface Image {
  readonly imageId: string;
  readonly name: string;
  readonly platform: Platform;
  /** Of the platform (what billing charges for the OS): BYOL images pay no OS license. */
  readonly licenseModel: LicenseModel;
  /** The product whose licenses the tenant brings, if any (BYOL). */
  readonly byolProduct?: LicensedProduct;
  readonly bootSeconds: number;
  readonly shutdownSeconds: number;
}

export const IMAGES: readonly Image[] = [
  { imageId: 'ami-0a1e0c00000000a23', name: 'Amazon Linux 2023', platform: 'linux', licenseModel: 'license-included', bootSeconds: 15, shutdownSeconds: 10 },
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
];

const byId = new Map(IMAGES.map((i) => [i.imageId, i]));

export function findImage(imageId: string): Image | undefined {
  return byId.get(imageId);
}
