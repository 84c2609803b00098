import { architectureOf, architecturesOf, capabilitiesOf, Image, InstanceType, InvalidParameterValue, isAvailabilityZone, isBurstable, Tenancy } from '@nimbus/hypervisor';
import { InvalidParameterCombination, PlacementGroupDefinition } from '../contract';
import { checkLicensable, LicenseCountingType } from '../licensing/license-rules';

/** A launch request (EC2 RunInstances) as plain values: what the launch rules read. */
export interface LaunchValidationRequest {
  readonly instanceType: InstanceType;
  /** Omitted: the image's license rules are not checked (the scheduler places no image). */
  readonly image?: Image;
  /** Omitted: `host` when a host id is given (as EC2 infers it), else `default`. */
  readonly tenancy?: Tenancy;
  readonly hostId?: string;
  /**
   * The placement group the request names: `name` as the caller gave it (for messages), and its
   * `definition` once it has been looked up. The rules that need the group's strategy or
   * partition count run only when the definition is given.
   */
  readonly placementGroup?: { readonly name: string; readonly definition?: PlacementGroupDefinition };
  /** 1-based; partition groups only. */
  readonly partitionNumber?: number;
  readonly availabilityZone?: string;
  readonly minCount: number;
  readonly maxCount: number;
  readonly creditSpecification?: string;
  /**
   * The license configuration the request names (BYOL images), with its counting type once it has
   * been looked up; the counting type's own rule runs only then.
   */
  readonly licenseConfiguration?: { readonly countingType?: LicenseCountingType };
}

/**
 * The launch rules (EC2 RunInstances), each in one place: counts, zone, credit specification,
 * tenancy against host id and placement group, the image's architecture and ENA support against the type, partitions, spread groups against dedicated
 * tenancy, and the BYOL license terms. Throws the first rule broken, as the typed domain error
 * the API reports (InvalidParameterValue or InvalidParameterCombination, with its message), in
 * the order the API has always reported them; returns the tenancy the request resolves to.
 *
 * Checks what it is given: an adapter calls it once with the request alone, before it looks
 * anything up, and again with the group's definition and the license configuration's counting
 * type once they are found (the second call repeats the first call's checks, which still hold).
 * Capacity, quotas and ownership are not launch rules: placement, checkVcpuQuota and the
 * adapters' look-ups decide them.
 */
export function validateLaunch(req: LaunchValidationRequest): Tenancy {
  const { minCount, maxCount, placementGroup, partitionNumber, image } = req;
  if (!Number.isSafeInteger(minCount) || !Number.isSafeInteger(maxCount) || minCount < 1)
    throw new InvalidParameterValue(`minCount and maxCount must be integers of at least 1, got ${minCount} and ${maxCount}`);
  if (minCount > maxCount) throw new InvalidParameterValue(`minCount (${minCount}) must not exceed maxCount (${maxCount})`);
  if (req.availabilityZone !== undefined && !isAvailabilityZone(req.availabilityZone))
    throw new InvalidParameterValue(`availabilityZone '${req.availabilityZone}' does not exist`);
  if (req.creditSpecification && !isBurstable(req.instanceType))
    throw new InvalidParameterCombination(`creditSpecification applies only to burstable types, not ${req.instanceType.name}`);

  // EC2 infers host tenancy from a host id.
  const tenancy: Tenancy = req.tenancy ?? (req.hostId !== undefined ? 'host' : 'default');
  if (req.hostId !== undefined && tenancy !== 'host') throw new InvalidParameterCombination(`hostId applies only to tenancy 'host', not '${tenancy}'`);
  if (placementGroup !== undefined && tenancy === 'host') throw new InvalidParameterCombination('instances on Dedicated Hosts cannot be launched into a placement group');
  if (partitionNumber !== undefined && placementGroup === undefined) throw new InvalidParameterCombination('partitionNumber needs a partition placementGroup');
  if (image !== undefined) {
    // EC2's words for a type that cannot boot the image.
    const arch = architectureOf(image);
    if (!architecturesOf(req.instanceType).includes(arch))
      throw new InvalidParameterValue(
        `The architecture '${architecturesOf(req.instanceType).join(', ')}' of the specified instance type does not match the architecture '${arch}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
      );
    // EC2's words for a type that requires ENA (DescribeInstanceTypes' networkInfo.enaSupport
    // `required`: the Nitro types) and an image registered without it (RegisterImage EnaSupport=false).
    if (image.enaSupport === false && capabilitiesOf(req.instanceType).enaSupport === 'required')
      throw new InvalidParameterCombination(
        `Enhanced networking with the Elastic Network Adapter (ENA) is required for the '${req.instanceType.name}' instance type. Ensure that you are using an AMI that is enabled for ENA.`,
      );
    if (req.licenseConfiguration !== undefined && !image.byolProduct)
      throw new InvalidParameterCombination(`image '${image.imageId}' is license-included: licenseConfigurationId applies only to BYOL images`);
    // BYOL terms that hold whatever the configuration (Windows Server needs a Dedicated Host).
    if (image.byolProduct) checkLicensable('Instance', image.byolProduct, tenancy);
  }

  const group = placementGroup?.definition;
  if (placementGroup !== undefined && group !== undefined) {
    if (group.strategy === 'spread' && tenancy === 'dedicated') throw new InvalidParameterCombination('spread placement groups do not take dedicated-tenancy instances (as on EC2)');
    if (partitionNumber !== undefined && group.strategy !== 'partition')
      throw new InvalidParameterCombination(`partitionNumber applies only to partition groups; '${placementGroup.name}' is a ${group.strategy} group`);
    if (partitionNumber !== undefined && (!Number.isInteger(partitionNumber) || partitionNumber < 1 || partitionNumber > (group.partitionCount ?? 0)))
      throw new InvalidParameterValue(`partitionNumber ${partitionNumber} is not a partition of '${placementGroup.name}', which has ${group.partitionCount}`);
  }
  // The counting type's own terms (a configuration that counts sockets covers Dedicated Hosts only).
  const countingType = req.licenseConfiguration?.countingType;
  if (image?.byolProduct && countingType !== undefined) checkLicensable(countingType, image.byolProduct, tenancy);
  return tenancy;
}
