import { isIPv6 } from 'node:net';
import { ApiError, invalidParameter } from '../common/api-errors';
import { tokenId } from '../common/ids';
import { parseIpv4 } from './cidr';
import { IdKind } from './describe-query';

/*
 * DHCP option sets' rules (EC2's CreateDhcpOptions, AssociateDhcpOptions, DeleteDhcpOptions,
 * DescribeDhcpOptions; docs/ec2-networking.md, "DHCP option sets"). A set is configuration only:
 * Nimbus runs no DHCP server, and the options change nothing an instance shows.
 */

/**
 * DHCP option set ids. EC2's error codes (API Reference, "Error codes"): InvalidDhcpOptionsId.Malformed
 * and InvalidDhcpOptionID.NotFound (the casing differs in EC2's list, which also has an
 * InvalidDhcpOptionsID.NotFound; the first is the one EC2 answers and Terraform matches).
 */
export const DHCP_OPTIONS_ID: IdKind = {
  prefix: 'dopt', notFound: 'InvalidDhcpOptionID.NotFound', malformed: 'InvalidDhcpOptionsId.Malformed', noun: 'dhcpOption ID',
};

/** AssociateDhcpOptions' `DhcpOptionsId` for "no DHCP options", and what a VPC without a set shows as its `dhcpOptionsId`. */
export const NO_DHCP_OPTIONS = 'default';

/** One option of a set: its key and its values, in the order given. */
export interface DhcpOption {
  readonly key: DhcpOptionKey;
  readonly values: readonly string[];
}

export const DHCP_OPTION_KEYS = [
  'domain-name', 'domain-name-servers', 'ntp-servers', 'netbios-name-servers', 'netbios-node-type', 'ipv6-address-preferred-lease-time',
] as const;
export type DhcpOptionKey = (typeof DHCP_OPTION_KEYS)[number];

/**
 * The account's default set, as EC2 makes it in us-east-1 (VPC User Guide, "DHCP option sets"):
 * `domain-name` ec2.internal, `domain-name-servers` AmazonProvidedDNS.
 */
export const DEFAULT_DHCP_OPTIONS: readonly DhcpOption[] = [
  { key: 'domain-name', values: ['ec2.internal'] }, { key: 'domain-name-servers', values: ['AmazonProvidedDNS'] },
];

/**
 * The id of a tenant's default set: derived from the tenant's id (common/ids' tokenId), so the
 * migration that made the sets of the tenants there were (DhcpOptions1764830000000) and the
 * default VPC's first use agree on it, and the set is found without a lookup by flag.
 */
export const defaultDhcpOptionsId = (tenantId: string): string => tokenId(DHCP_OPTIONS_ID.prefix, `DefaultDhcpOptions\0${tenantId}`);

export const AMAZON_PROVIDED_DNS = 'AmazonProvidedDNS';
/** At most four servers of each list (API Reference, CreateDhcpOptions); ntp-servers: four IPv4 and four IPv6 addresses. */
const MAX_SERVERS = 4;
const NODE_TYPES = ['1', '2', '4', '8'];
/** ipv6-address-preferred-lease-time's range, in seconds (VPC User Guide: 140 to 2147483647, about 68 years). */
export const LEASE_TIME_RANGE = { min: 140, max: 2_147_483_647 } as const;
/** A domain name's labels: letters, digits and hyphens, not beginning or ending with a hyphen, at most 63 characters. */
const DOMAIN_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const isKey = (key: string): key is DhcpOptionKey => (DHCP_OPTION_KEYS as readonly string[]).includes(key);
const shown = (text: string) => text.slice(0, 255);
const invalidValue = (key: string, value: string, why: string) => invalidParameter(`Value (${shown(value)}) for parameter ${key} is invalid. ${why}`);
const isIpv4 = (text: string) => parseIpv4(text) !== undefined;

/** A list of servers: each value may hold several, separated by commas (API Reference: "separate the IP addresses using commas"). */
const serverList = (values: readonly string[]): string[] => values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

/** The one value a single-valued option takes. */
function single(key: DhcpOptionKey, values: readonly string[]): string {
  if (values.length !== 1) throw invalidValue(key, values.join(','), 'The option takes exactly one value.');
  return values[0];
}

function servers(key: DhcpOptionKey, values: readonly string[], accept: (v: string) => boolean, kind: string): string[] {
  const list = serverList(values);
  if (list.length === 0) throw invalidValue(key, values.join(','), 'At least one address must be given.');
  const bad = list.find((v) => !accept(v));
  if (bad !== undefined) throw invalidValue(key, bad, `Each value must be ${kind}.`);
  return list;
}

function limit(key: DhcpOptionKey, list: readonly string[], max: number, what = 'addresses'): void {
  if (list.length > max) throw invalidValue(key, list.join(','), `At most ${max} ${what} may be given.`);
}

/** One option's values, checked as EC2 checks them (API Reference, CreateDhcpOptions). */
function optionValues(key: DhcpOptionKey, values: readonly string[]): string[] {
  switch (key) {
    case 'domain-name': {
      // Several names may share the one value, separated by spaces.
      const value = single(key, values).trim();
      if (!value.split(/\s+/).every((name) => DOMAIN_NAME.test(name))) throw invalidValue(key, value, 'It must be a domain name (several separated by spaces).');
      return [value];
    }
    case 'domain-name-servers': {
      const list = servers(key, values, (v) => v === AMAZON_PROVIDED_DNS || isIpv4(v), `an IPv4 address or ${AMAZON_PROVIDED_DNS}`);
      limit(key, list, MAX_SERVERS, 'servers');
      return list;
    }
    case 'ntp-servers': {
      const list = servers(key, values, (v) => isIpv4(v) || isIPv6(v), 'an IPv4 or IPv6 address');
      limit(key, list.filter(isIpv4), MAX_SERVERS, 'IPv4 addresses');
      limit(key, list.filter((v) => !isIpv4(v)), MAX_SERVERS, 'IPv6 addresses');
      return list;
    }
    case 'netbios-name-servers': {
      const list = servers(key, values, isIpv4, 'an IPv4 address');
      limit(key, list, MAX_SERVERS);
      return list;
    }
    case 'netbios-node-type': {
      const value = single(key, values).trim();
      if (!NODE_TYPES.includes(value)) throw invalidValue(key, value, 'The NetBIOS node type is 1, 2, 4 or 8.');
      return [value];
    }
    case 'ipv6-address-preferred-lease-time': {
      const value = single(key, values).trim();
      const seconds = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
      if (!(seconds >= LEASE_TIME_RANGE.min && seconds <= LEASE_TIME_RANGE.max)) {
        throw invalidValue(key, value, `The lease time is a whole number of seconds from ${LEASE_TIME_RANGE.min} to ${LEASE_TIME_RANGE.max}.`);
      }
      return [String(seconds)];
    }
  }
}

/**
 * CreateDhcpOptions' `DhcpConfiguration.N` (Key, Value.M), checked: at least one option, each a
 * key EC2 knows, given once, with values it accepts. The set's options, by key (the order EC2
 * shows them in).
 */
export function dhcpConfiguration(given: readonly { readonly key: string; readonly values: readonly string[] }[]): DhcpOption[] {
  if (given.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter DhcpConfiguration');
  const out = new Map<DhcpOptionKey, DhcpOption>();
  for (const { key, values } of given) {
    if (!isKey(key)) throw invalidParameter(`Value (${shown(key)}) for parameter Key is invalid. Unknown DHCP option; the options are ${DHCP_OPTION_KEYS.join(', ')}.`);
    if (out.has(key)) throw invalidParameter(`The DHCP option ${key} is given more than once.`);
    if (values.length === 0) throw new ApiError('MissingParameter', `The DHCP option ${key} needs at least one value (DhcpConfiguration.N.Value.M).`);
    out.set(key, { key, values: optionValues(key, values) });
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
