import ipaddr from 'ipaddr.js';
import { invalidParameter } from '../common/api-errors';

/**
 * IPv4 blocks as EC2's VPCs and subnets use them. Parsing and validation are ipaddr.js's; the
 * arithmetic on a parsed block is on 32-bit unsigned integers.
 */

/** A parsed IPv4 CIDR block: its first address as an unsigned integer, and its prefix length. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

/** EC2 reserves the first four addresses of a subnet (network, router, DNS, future) and the last (broadcast). */
export const RESERVED_FIRST = 4;
export const RESERVED_LAST = 1;
export const RESERVED_PER_SUBNET = RESERVED_FIRST + RESERVED_LAST;

/** EC2's bounds for a VPC's or a subnet's IPv4 block: /16 to /28. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

/** A dotted-quad address as an unsigned integer; undefined when it is not one (ipaddr.js's four-part decimal rule). */
export function parseIpv4(text: string): number | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  const [a, b, c, d] = ipaddr.IPv4.parse(text).octets;
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Blocks parsed, by text: every launch reads its subnet's block, and a fleet has few subnets. Bounded; frozen. */
const parsedBlocks = new Map<string, Cidr>();
const PARSED_BLOCKS_KEPT = 4096;

/** `a.b.c.d/n` with n in [0, 32], four-part decimal; undefined otherwise. Host bits may be set (see `isCanonical`). */
export function parseCidr(text: string): Cidr | undefined {
  const known = parsedBlocks.get(text);
  if (known) return known;
  const block = parseBlock(text);
  if (block) {
    if (parsedBlocks.size >= PARSED_BLOCKS_KEPT) parsedBlocks.clear();
    parsedBlocks.set(text, Object.freeze(block));
  }
  return block;
}

function parseBlock(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const base = parseIpv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (base === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  return { base, prefix };
}

export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Addresses in the block. */
export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Whether the block's host bits are all zero (`10.0.0.0/16`, not `10.0.0.1/16`). */
export function isCanonical(c: Cidr): boolean {
  return (c.base & ~mask(c.prefix)) >>> 0 === 0;
}

export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

export function contains(outer: Cidr, address: number): boolean {
  return address >= outer.base && address < outer.base + size(outer);
}

/** Whether `inner` lies wholly inside `outer`. */
export function within(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && contains(outer, inner.base);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** Addresses an instance or interface may get: the block less EC2's five reserved ones. */
export function usableCount(c: Cidr): number {
  return Math.max(0, size(c) - RESERVED_PER_SUBNET);
}

/** Whether the address is one an interface may hold in this subnet (inside it, not reserved). */
export function isAssignable(subnet: Cidr, address: number): boolean {
  return address >= subnet.base + RESERVED_FIRST && address <= subnet.base + size(subnet) - 1 - RESERVED_LAST;
}

/**
 * The lowest `count` assignable addresses of the subnet that are not in `used`, in order (EC2
 * hands a subnet's addresses out from the bottom). Fewer when the subnet has fewer free.
 */
export function lowestFree(subnet: Cidr, used: ReadonlySet<number>, count: number): number[] {
  const out: number[] = [];
  const { first, last } = assignableRange(subnet);
  for (let a = first; a <= last && out.length < count; a++) if (!used.has(a)) out.push(a);
  return out;
}

/**
 * The first `count` assignable addresses of the subnet at or above `from`, less `taken` (fewer
 * where the subnet ends first).
 */
export function nextAssignable(subnet: Cidr, from: number, count: number, taken: ReadonlySet<string>): number[] {
  const out: number[] = [];
  const { first, last } = assignableRange(subnet);
  for (let a = Math.max(from, first); a <= last && out.length < count; a++) if (!taken.has(formatIpv4(a))) out.push(a);
  return out;
}

/** The first and last address an interface may hold in this subnet (the first four and the last are reserved). */
export function assignableRange(subnet: Cidr): { readonly first: number; readonly last: number } {
  return { first: subnet.base + RESERVED_FIRST, last: subnet.base + size(subnet) - 1 - RESERVED_LAST };
}

/**
 * A VPC's or subnet's block as EC2 validates it: a canonical IPv4 block from /16 to /28.
 * `what` names the parameter in the message.
 */
export function requireBlock(text: string, what: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw invalidParameter(`Value (${text}) for parameter ${what} is invalid. This is not a valid CIDR block.`);
  if (c.prefix < MIN_PREFIX || c.prefix > MAX_PREFIX) {
    throw invalidParameter(`Value (${text}) for parameter ${what} is invalid. The block size must be between /${MIN_PREFIX} and /${MAX_PREFIX}.`);
  }
  if (!isCanonical(c)) throw invalidParameter(`Value (${text}) for parameter ${what} is invalid. The host bits must be zero (did you mean ${formatCidr(networkOf(c))}?).`);
  return c;
}

/** The block's network address: the host bits cleared (`10.0.0.1/8` is `10.0.0.0/8`). */
export function networkOf(c: Cidr): Cidr {
  return { base: (c.base & mask(c.prefix)) >>> 0, prefix: c.prefix };
}

/**
 * A security group rule's IPv4 range as EC2 keeps it: any prefix /0 to /32, host bits accepted and
 * masked to the network address ("the rule is created on the security group, however the CIDR is
 * masked", ansible/ansible#25403), so `10.0.0.1/8` is the rule `10.0.0.0/8` for authorize, revoke
 * and the duplicate check alike. Not a block: InvalidParameterValue, EC2's "CIDR block … is malformed".
 */
export function ipv4Range(text: string): string {
  const c = parseCidr(text);
  if (!c) throw invalidParameter(`CIDR block ${text.slice(0, 64)} is malformed`);
  return formatCidr(networkOf(c));
}

/** A security group rule's IPv6 range. */
export function isIpv6Range(text: string): boolean {
  return text.includes(':') && ipaddr.IPv6.isValidCIDR(text);
}

/** EC2's private DNS name in us-east-1: `ip-172-31-16-5.ec2.internal`. */
export function privateDnsName(address: string): string {
  return `ip-${address.replaceAll('.', '-')}.ec2.internal`;
}

/** EC2's public DNS name in us-east-1: `ec2-3-80-1-2.compute-1.amazonaws.com`. */
export function publicDnsName(address: string): string {
  return `ec2-${address.replaceAll('.', '-')}.compute-1.amazonaws.com`;
}
