import { LicenseModel, Platform } from '../usage/usage-record';
import { PLATFORM_LABEL } from './usage.rater';

/**
 * EC2's billing identity of an instance (DescribeInstances' `platformDetails` and
 * `usageOperation`, from "AMI billing information fields" in the EC2 user guide): the same
 * (platform, license model) pair that the rater prices, named as EC2 names it. A BYOL image pays no
 * OS license here, as in rating, and EC2 names it `Windows BYOL` (RunInstances:0800).
 */
const USAGE_OPERATION: Readonly<Record<Platform, string>> = {
  linux: 'RunInstances',
  windows: 'RunInstances:0002',
  rhel: 'RunInstances:0010',
  suse: 'RunInstances:000g',
  'ubuntu-pro': 'RunInstances:0g00',
  'windows-sql-standard': 'RunInstances:0006',
};

export function instanceBillingIdentity(platform: Platform, licenseModel: LicenseModel): { readonly platformDetails: string; readonly usageOperation: string } {
  if (licenseModel === 'byol' && platform === 'windows') return { platformDetails: 'Windows BYOL', usageOperation: 'RunInstances:0800' };
  return { platformDetails: PLATFORM_LABEL[platform], usageOperation: USAGE_OPERATION[platform] };
}
