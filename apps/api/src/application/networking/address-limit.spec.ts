import { DEFAULT_CAPABILITIES, findInstanceType, InstanceType } from '@nimbus/hypervisor';
import { MAX_IPV4_ADDRESSES_PER_INTERFACE, requireAddressLimit } from './networking.service';
import { errorCodeOf } from '../common/testing/error-code';

const type = (name: string): InstanceType => findInstanceType(name)!;
const codeOf = errorCodeOf;

/**
 * EC2's per-interface IPv4 limit, its primary included: the figures of DescribeInstanceTypes'
 * `Ipv4AddressesPerInterface` (t3.micro 2, m5.large 10, m5.xlarge 15, c5.metal 50), read by hand.
 */
describe('requireAddressLimit: private IPv4 addresses per interface', () => {
  it.each([
    // type, addresses on the interface (primary + secondaries), refused
    ['t3.micro', 1, false],
    ['t3.micro', 2, false], // primary + 1 secondary
    ['t3.micro', 3, true], // primary + 2 secondaries
    ['m5.large', 10, false],
    ['m5.large', 11, true],
    ['m5.xlarge', 15, false],
    ['m5.xlarge', 16, true],
    ['c5.metal', 50, false],
    ['c5.metal', 51, true],
  ])('%s with %i addresses: refused %s', (name, count, refused) => {
    expect(codeOf(() => requireAddressLimit(type(name), count))).toBe(refused ? 'PrivateIpAddressLimitExceeded' : undefined);
  });

  it("says EC2's words and the limit", () => {
    expect(() => requireAddressLimit(type('t3.micro'), 3)).toThrow('Number of private addresses will exceed limit: 3 asked, at most 2 per interface for t3.micro.');
  });

  it('an unattached interface: at most 50 (the largest any type allows), the type checked when it is attached', () => {
    expect(MAX_IPV4_ADDRESSES_PER_INTERFACE).toBe(50);
    expect(codeOf(() => requireAddressLimit(undefined, 50))).toBeUndefined();
    expect(codeOf(() => requireAddressLimit(undefined, 51))).toBe('PrivateIpAddressLimitExceeded');
  });

  it("an operator's type without capabilities has the default's limit (10)", () => {
    const custom: InstanceType = { ...type('m5.large'), name: 'm5.custom', capabilities: undefined };
    expect(DEFAULT_CAPABILITIES.ipv4AddressesPerInterface).toBe(10);
    expect(codeOf(() => requireAddressLimit(custom, 10))).toBeUndefined();
    expect(codeOf(() => requireAddressLimit(custom, 11))).toBe('PrivateIpAddressLimitExceeded');
  });
});
