import { Architecture, Image, IMAGE_PUBLISHERS, ImageBlockDevice, LicenseModel, Platform } from '@nimbus/hypervisor';
import { instanceBillingIdentity } from '@nimbus/metering';

/** The account EC2 shows as the owner of public catalog images (Amazon's own, alias `amazon`). */
export const AMAZON_OWNER_ID = IMAGE_PUBLISHERS.amazonLinux.accountId;
/** When the built-in images were "registered" (they have no row): a fixed instant, so answers are stable. */
export const BUILT_IN_IMAGES_CREATED_MS = Date.UTC(2025, 0, 1);

/** One block device of an image: the snapshot a launch's volume is made from (the catalog's type). */
export type { ImageBlockDevice };

/** An image as DescribeImages and GET /v1/images show it. */
export interface ImageView {
  readonly image: Image;
  readonly name: string;
  readonly description?: string;
  readonly platform: Platform;
  readonly architecture: Architecture;
  readonly licenseModel: LicenseModel;
  /** 12 digits: Amazon's for public images, the tenant's account id for its own. */
  readonly ownerId: string;
  /** `amazon` for public catalog images. */
  readonly ownerAlias?: string;
  readonly ownerTenantId?: string;
  readonly isPublic: boolean;
  readonly state: 'pending' | 'available';
  readonly creationMs: number;
  readonly rootDeviceName: string;
  readonly blockDevices: readonly ImageBlockDevice[];
  readonly tags: Readonly<Record<string, string>>;
  readonly sourceInstanceId?: string;
  /** The image a CopyImage copy was copied from (EC2 shows it, with its region, on copies only). */
  readonly sourceImageId?: string;
}

/** EC2's `platformDetails` and `usageOperation` of an image: metering's rule (what the rater charges for its platform and license model). */
export function platformDetailsOf(image: Image): { readonly details: string; readonly usageOperation: string } {
  const b = instanceBillingIdentity(image.platform, image.licenseModel);
  return { details: b.platformDetails, usageOperation: b.usageOperation };
}
