import { findImage, findInstanceType, Image, InstanceType, InvalidParameterValue } from '@nimbus/hypervisor';
import { InvalidParameterCombination, PlacementGroupDefinition } from '../contract';
import { LaunchValidationRequest, validateLaunch } from './launch-validation';

const type = (name: string): InstanceType => findInstanceType(name)!;
const image = (id: string): Image => findImage(id)!;
const LINUX = image('ami-0a1e0c00000000a23');
const WINDOWS_BYOL = image('ami-0f2d0c00000002f22'); // Windows Server BYOL: Dedicated Host only
const SQL_BYOL = image('ami-0f3d0c00000003f22'); // SQL Server BYOL on license-included Windows: any tenancy
const SPREAD: PlacementGroupDefinition = { groupId: 'pg-s', strategy: 'spread' };
const CLUSTER: PlacementGroupDefinition = { groupId: 'pg-c', strategy: 'cluster' };
const PARTITION: PlacementGroupDefinition = { groupId: 'pg-p', strategy: 'partition', partitionCount: 3 };

const sut = (over: Partial<LaunchValidationRequest> = {}) => validateLaunch({ instanceType: type('m5.large'), image: LINUX, minCount: 1, maxCount: 1, ...over });
/** The error a request throws, as the API reports it (code and message). */
const errorOf = (over: Partial<LaunchValidationRequest>) => {
  try {
    sut(over);
  } catch (e) {
    return { type: (e as object).constructor, code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('no error');
};

describe('validateLaunch: the launch rules, with the codes and messages the API reports', () => {
  it('a plain request passes and resolves to default tenancy', () => {
    expect(sut()).toBe('default');
    expect(sut({ tenancy: 'dedicated' })).toBe('dedicated');
  });

  describe('counts', () => {
    it('minCount may equal maxCount; more than maxCount is InvalidParameterValue naming both', () => {
      expect(sut({ minCount: 3, maxCount: 3 })).toBe('default');
      expect(errorOf({ minCount: 3, maxCount: 2 })).toEqual({ type: InvalidParameterValue, code: 'InvalidParameterValue', message: 'minCount (3) must not exceed maxCount (2)' });
    });

    it.each([[0, 1], [1.5, 2], [1, Number.NaN]])('minCount %p, maxCount %p are not counts', (minCount, maxCount) => {
      expect(errorOf({ minCount, maxCount })).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('integers of at least 1') });
    });
  });

  it("an image without ENA support launches no type that requires ENA (t3, m5, c5: Nitro), with EC2's InvalidParameterCombination and words; types that support or lack ENA are fine", () => {
    const noEna: Image = { ...LINUX, enaSupport: false };
    for (const name of ['t3.micro', 'm5.large', 'c5.xlarge'])
      expect(errorOf({ instanceType: type(name), image: noEna })).toEqual({
        type: InvalidParameterCombination, code: 'InvalidParameterCombination',
        message: `Enhanced networking with the Elastic Network Adapter (ENA) is required for the '${name}' instance type. Ensure that you are using an AMI that is enabled for ENA.`,
      });
    // t2 has no ENA, m4.16xlarge supports it (Xen): neither requires it.
    expect(sut({ instanceType: type('t2.micro'), image: noEna })).toBe('default');
    expect(sut({ instanceType: type('m4.16xlarge'), image: noEna })).toBe('default');
    // ENA support unset (the catalog's images) or true: every type.
    expect(sut({ instanceType: type('t3.micro'), image: { ...LINUX, enaSupport: true } })).toBe('default');
    expect(sut({ instanceType: type('t3.micro') })).toBe('default');
  });

  it('an availability zone must exist', () => {
    expect(sut({ availabilityZone: 'us-east-1b' })).toBe('default');
    expect(errorOf({ availabilityZone: 'us-west-2a' })).toEqual({ type: InvalidParameterValue, code: 'InvalidParameterValue', message: "availabilityZone 'us-west-2a' does not exist" });
  });

  it('creditSpecification applies only to burstable types', () => {
    expect(sut({ instanceType: type('t3.micro'), creditSpecification: 'standard' })).toBe('default');
    expect(errorOf({ instanceType: type('m5.large'), creditSpecification: 'unlimited' })).toEqual({
      type: InvalidParameterCombination, code: 'InvalidParameterCombination', message: 'creditSpecification applies only to burstable types, not m5.large',
    });
  });

  describe('tenancy and Dedicated Hosts', () => {
    it('a host id implies tenancy host, as EC2 infers it', () => {
      expect(sut({ hostId: 'h-0123456789abcdef0' })).toBe('host');
      expect(sut({ hostId: 'h-0123456789abcdef0', tenancy: 'host' })).toBe('host');
    });

    it.each(['default', 'dedicated'] as const)('a host id with tenancy %s is InvalidParameterCombination', (tenancy) => {
      expect(errorOf({ hostId: 'h-0123456789abcdef0', tenancy })).toEqual({
        type: InvalidParameterCombination, code: 'InvalidParameterCombination', message: `hostId applies only to tenancy 'host', not '${tenancy}'`,
      });
    });

    it('an instance on a Dedicated Host joins no placement group (known or not yet looked up)', () => {
      const message = 'instances on Dedicated Hosts cannot be launched into a placement group';
      expect(errorOf({ tenancy: 'host', placementGroup: { name: 'web' } })).toEqual({ type: InvalidParameterCombination, code: 'InvalidParameterCombination', message });
      expect(errorOf({ hostId: 'h-0123456789abcdef0', placementGroup: { name: 'web', definition: CLUSTER } })).toMatchObject({ message });
    });
  });

  describe('placement groups and partitions', () => {
    it('partitionNumber without a group is InvalidParameterCombination', () => {
      expect(errorOf({ partitionNumber: 1 })).toEqual({ type: InvalidParameterCombination, code: 'InvalidParameterCombination', message: 'partitionNumber needs a partition placementGroup' });
    });

    it('the group rules wait for the definition: a request naming a group passes before it is looked up', () => {
      expect(sut({ placementGroup: { name: 'web' }, partitionNumber: 9, tenancy: 'dedicated' })).toBe('dedicated');
    });

    it('partitionNumber on a group that is not a partition group is InvalidParameterCombination naming its strategy', () => {
      expect(errorOf({ placementGroup: { name: 'web', definition: CLUSTER }, partitionNumber: 1 })).toEqual({
        type: InvalidParameterCombination, code: 'InvalidParameterCombination', message: "partitionNumber applies only to partition groups; 'web' is a cluster group",
      });
    });

    it('partitions 1 to partitionCount are valid; one past it is InvalidParameterValue', () => {
      for (const partitionNumber of [1, 2, 3]) expect(sut({ placementGroup: { name: 'kafka', definition: PARTITION }, partitionNumber })).toBe('default');
      expect(errorOf({ placementGroup: { name: 'kafka', definition: PARTITION }, partitionNumber: 4 })).toEqual({
        type: InvalidParameterValue, code: 'InvalidParameterValue', message: "partitionNumber 4 is not a partition of 'kafka', which has 3",
      });
      expect(errorOf({ placementGroup: { name: 'kafka', definition: PARTITION }, partitionNumber: 0 })).toMatchObject({ code: 'InvalidParameterValue' });
    });

    it('a spread group takes no dedicated-tenancy instances (as on EC2); default tenancy, and other strategies, are fine', () => {
      expect(errorOf({ tenancy: 'dedicated', placementGroup: { name: 'web', definition: SPREAD } })).toEqual({
        type: InvalidParameterCombination, code: 'InvalidParameterCombination', message: 'spread placement groups do not take dedicated-tenancy instances (as on EC2)',
      });
      expect(sut({ placementGroup: { name: 'web', definition: SPREAD } })).toBe('default');
      expect(sut({ tenancy: 'dedicated', placementGroup: { name: 'db', definition: CLUSTER } })).toBe('dedicated');
    });
  });

  describe('licenses', () => {
    it('a license configuration on a license-included image is InvalidParameterCombination', () => {
      expect(errorOf({ image: LINUX, licenseConfiguration: {} })).toEqual({
        type: InvalidParameterCombination, code: 'InvalidParameterCombination',
        message: `image '${LINUX.imageId}' is license-included: licenseConfigurationId applies only to BYOL images`,
      });
    });

    it('Windows Server BYOL needs a Dedicated Host, with or without a license configuration', () => {
      expect(errorOf({ image: WINDOWS_BYOL })).toMatchObject({ code: 'InvalidParameterCombination', message: expect.stringContaining('Dedicated Host') });
      expect(errorOf({ image: WINDOWS_BYOL, tenancy: 'dedicated' })).toMatchObject({ code: 'InvalidParameterCombination' });
      expect(sut({ image: WINDOWS_BYOL, tenancy: 'host', licenseConfiguration: { countingType: 'Socket' } })).toBe('host');
    });

    it('a configuration that counts sockets covers Dedicated Hosts only, checked once its counting type is known', () => {
      expect(sut({ image: SQL_BYOL, licenseConfiguration: {} })).toBe('default');
      expect(errorOf({ image: SQL_BYOL, licenseConfiguration: { countingType: 'Socket' } })).toMatchObject({ code: 'InvalidParameterCombination', message: expect.stringContaining('sockets') });
      expect(sut({ image: SQL_BYOL, licenseConfiguration: { countingType: 'Core' } })).toBe('default');
    });

    it('without an image (the scheduler places none) the license rules are not checked', () => {
      expect(validateLaunch({ instanceType: type('m5.large'), minCount: 1, maxCount: 1, licenseConfiguration: { countingType: 'Socket' } })).toBe('default');
    });
  });

  it("reports the first rule broken, in the order the API always has: counts, zone, credits, tenancy, the image's license terms, then the group's rules", () => {
    const all: Partial<LaunchValidationRequest> = {
      minCount: 2, maxCount: 1, availabilityZone: 'mars-1a', creditSpecification: 'standard', hostId: 'h-0123456789abcdef0', tenancy: 'default',
      placementGroup: { name: 'web', definition: CLUSTER }, partitionNumber: 1, image: WINDOWS_BYOL,
    };
    const order: string[] = [];
    let req: Partial<LaunchValidationRequest> = { ...all };
    const fixes: Partial<LaunchValidationRequest>[] = [
      { minCount: 1 }, { availabilityZone: undefined }, { creditSpecification: undefined }, { hostId: undefined },
      { image: LINUX }, { partitionNumber: undefined },
    ];
    for (const fix of fixes) {
      order.push(errorOf(req).message);
      req = { ...req, ...fix };
    }
    expect(sut(req)).toBe('default');
    expect(order.map((m) => m.split(' ')[0])).toEqual(['minCount', 'availabilityZone', 'creditSpecification', 'hostId', 'Windows', 'partitionNumber']);
  });
});
