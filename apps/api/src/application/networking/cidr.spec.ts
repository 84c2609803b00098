import fc from 'fast-check';
import {
  contains, formatIpv4, ipv4Range, isAssignable, isIpv6Range, lowestFree, overlaps, parseCidr, parseIpv4, privateDnsName, publicDnsName, requireBlock, size, usableCount, within,
} from './cidr';

const cidr = (text: string) => parseCidr(text)!;
const ip = (text: string) => parseIpv4(text)!;

describe('CIDR arithmetic (hand-worked)', () => {
  it('parses and prints dotted quads as unsigned 32-bit integers', () => {
    expect(ip('172.31.16.5')).toBe(172 * 2 ** 24 + 31 * 2 ** 16 + 16 * 256 + 5);
    expect(ip('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(formatIpv4(ip('10.0.255.1'))).toBe('10.0.255.1');
    for (const bad of ['10.0.0', '10.0.0.256', '10.0.0.01x', '::1', '']) expect(parseIpv4(bad)).toBeUndefined();
  });

  it('prints every octet, and parses a block the same each time it is asked (kept, frozen)', () => {
    expect(formatIpv4(0)).toBe('0.0.0.0');
    expect(formatIpv4(2 ** 32 - 1)).toBe('255.255.255.255');
    expect(formatIpv4(ip('1.2.3.4'))).toBe('1.2.3.4');
    const first = parseCidr('172.31.32.0/20');
    expect(first).toEqual({ base: ip('172.31.32.0'), prefix: 20 });
    expect(parseCidr('172.31.32.0/20')).toEqual(first);
    expect(Object.isFrozen(first)).toBe(true);
    for (const bad of ['172.31.32.0/33', '172.31.32.0', '172.31.32/20']) {
      expect(parseCidr(bad)).toBeUndefined();
      expect(parseCidr(bad)).toBeUndefined();
    }
  });

  it('a /20 holds 4,096 addresses, of which EC2 lets 4,091 be assigned (4 first and the last reserved)', () => {
    const subnet = cidr('172.31.16.0/20');
    expect(size(subnet)).toBe(4096);
    expect(usableCount(subnet)).toBe(4091);
    expect(usableCount(cidr('10.0.0.0/28'))).toBe(11);
    expect(usableCount(cidr('172.31.0.0/16'))).toBe(65531);
  });

  it('172.31.16.0/20 spans 172.31.16.0 to 172.31.31.255; assignable from .16.4 to .31.254', () => {
    const subnet = cidr('172.31.16.0/20');
    expect(contains(subnet, ip('172.31.31.255'))).toBe(true);
    expect(contains(subnet, ip('172.31.32.0'))).toBe(false);
    expect(isAssignable(subnet, ip('172.31.16.3'))).toBe(false);
    expect(isAssignable(subnet, ip('172.31.16.4'))).toBe(true);
    expect(isAssignable(subnet, ip('172.31.31.254'))).toBe(true);
    expect(isAssignable(subnet, ip('172.31.31.255'))).toBe(false);
  });

  it('hands out the lowest free addresses from the fifth up, skipping those in use', () => {
    const subnet = cidr('10.0.1.0/28');
    expect(lowestFree(subnet, new Set(), 3).map(formatIpv4)).toEqual(['10.0.1.4', '10.0.1.5', '10.0.1.6']);
    expect(lowestFree(subnet, new Set([ip('10.0.1.4'), ip('10.0.1.6')]), 3).map(formatIpv4)).toEqual(['10.0.1.5', '10.0.1.7', '10.0.1.8']);
    // A /28 has 11: asking 20 gives those 11, the last 10.0.1.14 (10.0.1.15 is the broadcast).
    const all = lowestFree(subnet, new Set(), 20);
    expect(all).toHaveLength(11);
    expect(formatIpv4(all[10])).toBe('10.0.1.14');
  });

  it('within and overlaps', () => {
    expect(within(cidr('10.0.0.0/16'), cidr('10.0.1.0/24'))).toBe(true);
    expect(within(cidr('10.0.0.0/16'), cidr('10.1.0.0/24'))).toBe(false);
    expect(within(cidr('10.0.1.0/24'), cidr('10.0.0.0/16'))).toBe(false);
    expect(overlaps(cidr('10.0.1.0/24'), cidr('10.0.1.128/25'))).toBe(true);
    expect(overlaps(cidr('10.0.1.0/25'), cidr('10.0.1.128/25'))).toBe(false);
  });

  it("a VPC's or subnet's block is canonical and /16 to /28", () => {
    expect(requireBlock('10.0.0.0/16', 'cidrBlock')).toEqual({ base: ip('10.0.0.0'), prefix: 16 });
    for (const bad of ['10.0.0.0/15', '10.0.0.0/29', '10.0.0.1/16', '10.0.0.0', '10.0.0.0/x', 'fe80::/64']) {
      expect(() => requireBlock(bad, 'cidrBlock')).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
    }
    expect(isIpv6Range('2001:db8::/32')).toBe(true);
    expect(isIpv6Range('10.0.0.0/8')).toBe(false);
  });

  it("a security group rule's IPv4 range is masked to its network address, as EC2 stores it", () => {
    // 10.0.0.1 = 00001010.00000000.00000000.00000001; /8 keeps the first octet.
    expect(ipv4Range('10.0.0.1/8')).toBe('10.0.0.0/8');
    // 172.16.5.4/12: the second octet 16 = 0001|0000 keeps its top four bits (16); the rest is cleared.
    expect(ipv4Range('172.16.5.4/12')).toBe('172.16.0.0/12');
    // 172.31.255.255/12: 31 = 0001|1111 → 16.
    expect(ipv4Range('172.31.255.255/12')).toBe('172.16.0.0/12');
    // 192.168.1.200/25: 200 = 1|1001000 → 128.
    expect(ipv4Range('192.168.1.200/25')).toBe('192.168.1.128/25');
    expect(ipv4Range('192.168.1.77/32')).toBe('192.168.1.77/32');
    expect(ipv4Range('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(ipv4Range('255.255.255.255/0')).toBe('0.0.0.0/0');
    expect(ipv4Range('203.0.113.0/24')).toBe('203.0.113.0/24');
    for (const bad of ['10.0.0.0/33', '10.0.0.1', '10.0.0/8', '256.0.0.0/8', '10.0.0.0/-1', '10.0.0.0/x', '::/0', '']) {
      expect(() => ipv4Range(bad)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue', message: `CIDR block ${bad} is malformed` }));
    }
  });

  it('DNS names as EC2 writes them in us-east-1', () => {
    expect(privateDnsName('172.31.16.5')).toBe('ip-172-31-16-5.ec2.internal');
    expect(publicDnsName('3.80.1.2')).toBe('ec2-3-80-1-2.compute-1.amazonaws.com');
  });
});

describe('address allocation (property)', () => {
  it('addresses allocated in turn are distinct, inside the subnet, never reserved, and as many as are free', () => {
    const subnetArb = fc.record({ base: fc.integer({ min: 0, max: 2 ** 32 - 1 }), prefix: fc.integer({ min: 22, max: 28 }) })
      .map(({ base, prefix }) => ({ base: (base - (base % 2 ** (32 - prefix))) >>> 0, prefix }));
    fc.assert(
      fc.property(subnetArb, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 30 }), (subnet, requests) => {
        const used = new Set<number>();
        for (const n of requests) {
          const free = usableCount(subnet) - used.size;
          const got = lowestFree(subnet, used, n);
          expect(got).toHaveLength(Math.min(n, free));
          for (const a of got) {
            expect(used.has(a)).toBe(false);
            expect(contains(subnet, a)).toBe(true);
            expect(isAssignable(subnet, a)).toBe(true);
            used.add(a);
          }
        }
        expect(used.size).toBeLessThanOrEqual(usableCount(subnet));
      }),
    );
  });
});
