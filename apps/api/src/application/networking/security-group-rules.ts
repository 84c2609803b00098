import { ApiError, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { SecurityGroupEntity, SecurityGroupRuleEntity } from '../../persistence/entities';
import { ipv4Range, isIpv6Range } from './cidr';
import { IpPermission, SecurityGroupRuleRequest } from './networking.commands';

/**
 * Security group rules as EC2 keeps them: one rule per (direction, protocol, port range, peer),
 * where the peer is an IPv4 range, an IPv6 range or a group. An IpPermission of the API expands
 * into one rule per peer; Describe folds rules of the same protocol and ports back into one.
 */

/** Protocol numbers EC2 shows by name. */
const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

/** EC2's protocol: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all), or another protocol number 0–255. */
export function normalizeProtocol(text: string): string {
  const p = text.trim().toLowerCase();
  if (['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(p)) return p;
  if (PROTOCOL_NAMES[p]) return PROTOCOL_NAMES[p];
  if (/^\d{1,3}$/.test(p) && Number(p) <= 255) return String(Number(p));
  throw invalidParameter(`Invalid value '${text}' for IP protocol. Unknown protocol.`);
}

/** The port range a protocol keeps: TCP/UDP ports, ICMP type and code, none for the others. */
export function portsOf(protocol: string, fromPort: number | undefined, toPort: number | undefined): { fromPort: number | null; toPort: number | null } {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (fromPort === undefined || toPort === undefined) throw invalidParameter(`Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`);
    if (fromPort < 0 || fromPort > 65535 || toPort < 0 || toPort > 65535) throw invalidParameter(`Invalid value for portRange. Ports must be 0 to 65535 (from ${fromPort}, to ${toPort}).`);
    if (fromPort > toPort) throw invalidParameter(`Invalid value for portRange. The from port (${fromPort}) must not exceed the to port (${toPort}).`);
    return { fromPort, toPort };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = fromPort ?? -1;
    const code = toPort ?? -1;
    if (type < -1 || type > 255 || code < -1 || code > 255) throw invalidParameter(`Invalid value for ICMP type (${type}) or code (${code}): -1 (all) or 0 to 255.`);
    return { fromPort: type, toPort: code };
  }
  return { fromPort: null, toPort: null };
}

/** A rule before it has an id: what makes two rules the same. */
export type RuleSpec = Pick<SecurityGroupRuleEntity, 'isEgress' | 'ipProtocol' | 'fromPort' | 'toPort' | 'cidrIpv4' | 'cidrIpv6' | 'referencedGroupId' | 'description'>;

export function sameRule(a: RuleSpec, b: RuleSpec): boolean {
  return a.isEgress === b.isEgress && a.ipProtocol === b.ipProtocol && a.fromPort === b.fromPort && a.toPort === b.toPort
    && a.cidrIpv4 === b.cidrIpv4 && a.cidrIpv6 === b.cidrIpv6 && a.referencedGroupId === b.referencedGroupId;
}

/** EC2's words for a rule in its Duplicate message: `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`. */
export function describeRule(r: RuleSpec): string {
  const peer = r.cidrIpv4 ?? r.cidrIpv6 ?? r.referencedGroupId;
  const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  const ports = r.fromPort === null ? '' : `, from port: ${r.fromPort}, to port: ${r.toPort}`;
  return `peer: ${peer}, ${proto}${ports}, ALLOW`;
}

/**
 * The rules of a request's permissions, validated; `resolveGroup` finds a peer group (by id or
 * name) and throws its NotFound.
 */
export async function expandPermissions(
  egress: boolean, permissions: readonly IpPermission[], resolveGroup: (pair: { groupId?: string; groupName?: string }) => Promise<string>,
): Promise<RuleSpec[]> {
  const out: RuleSpec[] = [];
  for (const p of permissions) {
    const ipProtocol = normalizeProtocol(p.ipProtocol);
    const { fromPort, toPort } = portsOf(ipProtocol, p.fromPort, p.toPort);
    const base = { isEgress: egress, ipProtocol, fromPort, toPort, cidrIpv4: null, cidrIpv6: null, referencedGroupId: null };
    for (const r of p.ipRanges ?? []) {
      out.push({ ...base, cidrIpv4: ipv4Range(r.cidrIp), description: r.description ?? null });
    }
    for (const r of p.ipv6Ranges ?? []) {
      if (!isIpv6Range(r.cidrIpv6)) throw invalidParameter(`CIDR block ${r.cidrIpv6} is malformed`);
      out.push({ ...base, cidrIpv6: r.cidrIpv6.toLowerCase(), description: r.description ?? null });
    }
    for (const g of p.groupPairs ?? []) {
      if (g.groupId === undefined && g.groupName === undefined) throw new ApiError('MissingParameter', 'A UserIdGroupPair must name a GroupId or a GroupName');
      out.push({ ...base, referencedGroupId: await resolveGroup(g), description: g.description ?? null });
    }
    if ((p.ipRanges?.length ?? 0) + (p.ipv6Ranges?.length ?? 0) + (p.groupPairs?.length ?? 0) === 0) {
      throw new ApiError('MissingParameter', 'Each IpPermission must name at least one peer: IpRanges, Ipv6Ranges or UserIdGroupPairs');
    }
  }
  return out;
}

/**
 * The existing rules a request's rules name (by direction, protocol, ports and peer: `sameRule`),
 * each with the request's rule, and the request's rules that name none. Revoke… and
 * UpdateSecurityGroupRuleDescriptions… match so.
 */
export function matchRules<R extends RuleSpec>(existing: readonly R[], specs: readonly RuleSpec[]): { found: { rule: R; spec: RuleSpec }[]; unknown: RuleSpec[] } {
  const found: { rule: R; spec: RuleSpec }[] = [];
  const unknown: RuleSpec[] = [];
  for (const spec of specs) {
    const rule = existing.find((r) => sameRule(r, spec));
    if (rule) found.push({ rule, spec });
    else unknown.push(spec);
  }
  return { found, unknown };
}

/** EC2's InvalidPermission.NotFound for a request's rule that names none of the group's. */
export function unknownRuleError(spec: RuleSpec): ApiError {
  return new ApiError('InvalidPermission.NotFound', `The specified rule does not exist in this security group ("${describeRule(spec)}").`);
}

/** EC2's InvalidPermission.Duplicate for a rule the group already has. */
export function duplicateRuleError(spec: RuleSpec): ApiError {
  return new ApiError('InvalidPermission.Duplicate', `the specified rule "${describeRule(spec)}" already exists`);
}

/**
 * ModifySecurityGroupRules' SecurityGroupRuleRequest as a permission of one peer (exactly one of
 * CidrIpv4, CidrIpv6, ReferencedGroupId), so that it is checked as Authorize checks its rules
 * (expandPermissions). Prefix lists are not simulated (refused where the request is read).
 */
export function permissionOfRuleRequest(r: SecurityGroupRuleRequest): IpPermission {
  const peers = [r.cidrIpv4, r.cidrIpv6, r.referencedGroupId].filter((x) => x !== undefined).length;
  if (peers !== 1) throw new ApiError('InvalidParameterCombination', 'A security group rule names exactly one of CidrIpv4, CidrIpv6 or ReferencedGroupId');
  const description = r.description !== undefined ? { description: r.description } : {};
  return {
    ipProtocol: r.ipProtocol, fromPort: r.fromPort, toPort: r.toPort,
    ...(r.cidrIpv4 !== undefined ? { ipRanges: [{ cidrIp: r.cidrIpv4, ...description }] } : {}),
    ...(r.cidrIpv6 !== undefined ? { ipv6Ranges: [{ cidrIpv6: r.cidrIpv6, ...description }] } : {}),
    ...(r.referencedGroupId !== undefined ? { groupPairs: [{ groupId: r.referencedGroupId, ...description }] } : {}),
  };
}

export function ruleRows(tenantId: string, groupId: string, specs: readonly RuleSpec[], firstPosition: number): SecurityGroupRuleEntity[] {
  return specs.map((s, i) => ({ ...s, id: resourceId('sgr'), groupId, tenantId, position: firstPosition + i }));
}

/** A group as created: with EC2's one egress rule (all traffic to 0.0.0.0/0); the default group also lets its own members in. */
export function newGroupRows(
  tenantId: string, vpcId: string, name: string, description: string, now: number, isDefault: boolean,
): { group: SecurityGroupEntity; rules: SecurityGroupRuleEntity[] } {
  const group: SecurityGroupEntity = { id: resourceId('sg'), tenantId, vpcId, name, description, createdAt: now };
  const all = { ipProtocol: '-1', fromPort: null, toPort: null, cidrIpv6: null, description: null };
  const specs: RuleSpec[] = [
    ...(isDefault ? [{ ...all, isEgress: false, cidrIpv4: null, referencedGroupId: group.id }] : []),
    { ...all, isEgress: true, cidrIpv4: '0.0.0.0/0', referencedGroupId: null },
  ];
  return { group, rules: ruleRows(tenantId, group.id, specs, 1) };
}

export const DEFAULT_GROUP_NAME = 'default';
export const DEFAULT_GROUP_DESCRIPTION = 'default VPC security group';

/** EC2's IpPermission as Describe shows it: rules of one protocol and port range, with their peers. */
export interface PermissionView {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly ipRanges: { cidrIp: string; description?: string }[];
  readonly ipv6Ranges: { cidrIpv6: string; description?: string }[];
  /** The referenced groups; Describe names each (`groupName`, the tenant's group of that id), a request's permissions do not. */
  readonly groups: { groupId: string; groupName?: string; description?: string }[];
}

/** Folds rules (of one direction) into EC2's IpPermissions, in the order their first rule was authorized (or, for a request's rules, given). */
export function permissionsOf(rules: readonly RuleSpec[]): PermissionView[] {
  const byKey = new Map<string, PermissionView>();
  for (const r of rules) {
    const key = `${r.ipProtocol}|${r.fromPort}|${r.toPort}`;
    let p = byKey.get(key);
    if (!p) {
      p = { ipProtocol: r.ipProtocol, ...(r.fromPort !== null ? { fromPort: r.fromPort, toPort: r.toPort! } : {}), ipRanges: [], ipv6Ranges: [], groups: [] };
      byKey.set(key, p);
    }
    const description = r.description !== null ? { description: r.description } : {};
    if (r.cidrIpv4 !== null) p.ipRanges.push({ cidrIp: r.cidrIpv4, ...description });
    else if (r.cidrIpv6 !== null) p.ipv6Ranges.push({ cidrIpv6: r.cidrIpv6, ...description });
    else if (r.referencedGroupId !== null) p.groups.push({ groupId: r.referencedGroupId, ...description });
  }
  return [...byKey.values()];
}
