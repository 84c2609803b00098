import { Injectable } from '@nestjs/common';
import { ApiError, invalidParameter } from '../common/api-errors';
import { SecurityGroupEntity, SecurityGroupRuleEntity, TenantEntity } from '../../persistence/entities';
import { NetworkingRepository } from '../../persistence/networking.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { validateTags } from '../instances/tags';
import { describe, DescribeQuery, GROUP_ID, notFoundError, Page, requireWellFormed, RULE_ID } from './describe-query';
import {
  CreateSecurityGroupCommand, DescribeSecurityGroupsQuery, GroupRefCommand, ModifySecurityGroupRulesCommand, SecurityGroupRuleDescriptionsCommand, SecurityGroupRulesCommand,
} from './networking.commands';
import { NetworkingService } from './networking.service';
import {
  DEFAULT_GROUP_NAME, duplicateRuleError, expandPermissions, matchRules, newGroupRows, permissionOfRuleRequest, permissionsOf, PermissionView, ruleRows, sameRule,
  unknownRuleError,
} from './security-group-rules';

/** A group as Describe shows it: its ingress and egress rules (as EC2's IpPermissions), its tags. */
export interface SecurityGroupView {
  readonly group: SecurityGroupEntity;
  readonly ingress: readonly PermissionView[];
  readonly egress: readonly PermissionView[];
  readonly tags: Readonly<Record<string, string>>;
}

/** What Authorize answers: the rules it added (EC2's SecurityGroupRuleSet), each with the request's tags. */
export interface AuthorizedRules {
  readonly group: SecurityGroupEntity;
  readonly rules: readonly SecurityGroupRuleEntity[];
  readonly tags: Readonly<Record<string, string>>;
}

/** A rule as DescribeSecurityGroupRules shows it: the rule and its tags (from Authorize's TagSpecification). */
export interface SecurityGroupRuleView {
  readonly rule: SecurityGroupRuleEntity;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * What Revoke answers: the rules it removed (EC2's revokedSecurityGroupRuleSet) and, in a default
 * VPC, the permissions that matched no rule (unknownIpPermissionSet).
 */
export interface RevokedRules {
  readonly revoked: readonly SecurityGroupRuleEntity[];
  readonly unknown: readonly PermissionView[];
}

/**
 * EC2's security groups per tenant: create, describe, delete, and the rules' authorize and
 * revoke (ingress and egress). The `default` group of each VPC is made with its VPC
 * (NetworkingService) and cannot be deleted.
 */
@Injectable()
export class SecurityGroupsService {
  constructor(
    private readonly repo: NetworkingRepository,
    private readonly engine: EngineService,
    private readonly networking: NetworkingService,
  ) {}

  create(tenant: TenantEntity, cmd: CreateSecurityGroupCommand): Promise<SecurityGroupEntity> {
    const name = cmd.groupName;
    if (name.length < 1 || name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) throw invalidParameter(`Value (${name.slice(0, 40)}) for parameter groupName is invalid: 1 to 255 ASCII characters`);
    if (name.toLowerCase().startsWith('sg-')) throw invalidParameter(`Value (${name}) for parameter groupName is invalid. Group names may not be in the format sg-*.`);
    if (name === DEFAULT_GROUP_NAME) throw new ApiError('InvalidGroup.Reserved', `The security group 'default' is reserved`);
    if (cmd.description.length < 1 || cmd.description.length > 255) throw invalidParameter('Value for parameter GroupDescription is invalid: 1 to 255 characters');
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    return this.engine.command(async (tx, e) => {
      const vpcId = cmd.vpcId !== undefined
        ? (await this.networking.ensureDefaultVpc(tx, tenant.id), (await this.networking.requireVpc(tx, tenant.id, cmd.vpcId)).id)
        : await this.networking.requireDefaultVpc(tx, tenant.id);
      if (await this.repo.findGroupByName(tx, tenant.id, vpcId, name)) throw new ApiError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
      const rows = newGroupRows(tenant.id, vpcId, name, cmd.description, e.now, false);
      await this.networking.insertGroup(tx, rows);
      await this.repo.saveTags(tx, tenant.id, rows.group.id, tags);
      return rows.group;
    });
  }

  async describe(tenant: TenantEntity, q: DescribeSecurityGroupsQuery<SecurityGroupView>): Promise<Page<SecurityGroupView>> {
    await this.networking.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    const groups = await this.repo.groupsOf(m, tenant.id);
    let wanted = groups;
    if (q.names && q.names.length > 0) {
      const defaultVpc = (await this.repo.defaultMarker(m, tenant.id))?.vpcId;
      for (const name of q.names) {
        if (!groups.some((g) => g.vpcId === defaultVpc && g.name === name)) {
          throw new ApiError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${defaultVpc ?? 'none'}'`);
        }
      }
      wanted = groups.filter((g) => g.vpcId === defaultVpc && q.names!.includes(g.name));
    }
    const rules = await this.repo.rulesOf(m, wanted.map((g) => g.id));
    const tags = await this.repo.tagsOf(m, wanted.map((g) => g.id));
    // A rule's peer group is one of the tenant's own (Authorize resolves it so): each is named from them.
    const nameOf = new Map(groups.map((g) => [g.id, g.name]));
    const named = (ps: PermissionView[]) => ps.map((x) => ({ ...x, groups: x.groups.map((g) => ({ ...g, groupName: nameOf.get(g.groupId) })) }));
    const views = wanted.map((group) => {
      const own = rules.filter((r) => r.groupId === group.id);
      return { group, ingress: named(permissionsOf(own.filter((r) => !r.isEgress))), egress: named(permissionsOf(own.filter((r) => r.isEgress))), tags: tags.get(group.id) ?? {} };
    });
    return describe(views, (v) => v.group.id, GROUP_ID, q);
  }

  /**
   * DescribeSecurityGroupRules: the rules of the tenant's groups, ingress and egress, by id. A rule
   * of another tenant is not among them, so naming it is the same NotFound as a missing one.
   */
  async describeRules(tenant: TenantEntity, q: DescribeQuery<SecurityGroupRuleView>): Promise<Page<SecurityGroupRuleView>> {
    await this.networking.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    const groups = await this.repo.groupsOf(m, tenant.id);
    const rules = await this.repo.rulesOf(m, groups.map((g) => g.id));
    const tags = await this.repo.tagsOf(m, rules.map((r) => r.id));
    return describe(rules.map((rule) => ({ rule, tags: tags.get(rule.id) ?? {} })), (v) => v.rule.id, RULE_ID, q);
  }

  /** DeleteSecurityGroup: not the default group (CannotDelete), nor one in use by an interface or named by another group's rule (DependencyViolation). */
  delete(tenant: TenantEntity, ref: GroupRefCommand): Promise<string> {
    return this.engine.command(async (tx) => {
      const group = await this.resolve(tx, tenant.id, ref);
      if (group.name === DEFAULT_GROUP_NAME) throw new ApiError('CannotDelete', `the specified group: "${group.id}" name: "default" cannot be deleted by a user`);
      if ((await this.repo.countGroupMembers(tx, group.id)) > 0) throw new ApiError('DependencyViolation', `resource ${group.id} has a dependent object`);
      if ((await this.repo.rulesReferencing(tx, group.id)).length > 0) throw new ApiError('DependencyViolation', `resource ${group.id} has a dependent object (another group's rule names it)`);
      await this.repo.deleteGroups(tx, [group.id]);
      await this.repo.deleteTags(tx, group.id);
      return group.id;
    });
  }

  /** Authorize…Ingress / …Egress: all the rules or none (InvalidPermission.Duplicate when one exists). */
  authorize(tenant: TenantEntity, cmd: SecurityGroupRulesCommand): Promise<AuthorizedRules> {
    if (cmd.permissions.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter IpPermissions');
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    return this.engine.command(async (tx) => {
      const group = await this.resolveForRules(tx, tenant.id, cmd);
      const specs = await expandPermissions(cmd.egress, cmd.permissions, (pair) => this.peerGroup(tx, tenant.id, group, pair));
      const existing = (await this.repo.rulesOf(tx, [group.id])).filter((r) => r.isEgress === cmd.egress);
      specs.forEach((s, i) => {
        if (existing.some((r) => sameRule(r, s)) || specs.slice(0, i).some((o) => sameRule(o, s))) throw duplicateRuleError(s);
      });
      const rows = ruleRows(tenant.id, group.id, specs, await this.repo.nextRulePosition(tx, group.id));
      await this.repo.insertRules(tx, rows);
      for (const r of rows) await this.repo.saveTags(tx, tenant.id, r.id, tags);
      return { group, rules: rows, tags };
    });
  }

  /**
   * Revoke…Ingress / …Egress, by permissions or by rule ids. A rule id must name one of the group's
   * rules of that direction (InvalidSecurityGroupRuleId.NotFound). A permission that matches no
   * rule depends on the group's VPC, as RevokeSecurityGroupIngress's API reference says: "For a
   * default VPC, if the values you specify do not match the existing rule's values, no error is
   * returned, and the output describes the security group rules that were not revoked. For a
   * non-default VPC, if the values you specify do not match the existing rule's values, an
   * InvalidPermission.NotFound client error is returned, and no rules are revoked."
   * RevokeSecurityGroupEgress's reference has the same default-VPC sentence and is silent on other
   * VPCs; Nimbus answers egress as ingress there (NotFound, nothing revoked).
   */
  revoke(tenant: TenantEntity, cmd: SecurityGroupRulesCommand): Promise<RevokedRules> {
    if (cmd.permissions.length === 0 && (cmd.ruleIds?.length ?? 0) === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter IpPermissions or SecurityGroupRuleIds');
    return this.engine.command(async (tx) => {
      const group = await this.resolveForRules(tx, tenant.id, cmd);
      const existing = (await this.repo.rulesOf(tx, [group.id])).filter((r) => r.isEgress === cmd.egress);
      const specs = await expandPermissions(cmd.egress, cmd.permissions, (pair) => this.peerGroup(tx, tenant.id, group, pair));
      const { found, unknown } = matchRules(existing, specs);
      const doomed = new Map(found.map(({ rule }) => [rule.id, rule]));
      if (unknown.length > 0 && !(await this.networking.requireVpc(tx, tenant.id, group.vpcId)).isDefault) throw unknownRuleError(unknown[0]);
      for (const id of cmd.ruleIds ?? []) doomed.set(id, ruleById(existing, id));
      await this.repo.deleteRules(tx, [...doomed.keys()]);
      for (const id of doomed.keys()) await this.repo.deleteTags(tx, id);
      return { revoked: [...doomed.values()], unknown: permissionsOf(unknown) };
    });
  }

  /**
   * UpdateSecurityGroupRuleDescriptionsIngress / …Egress: each permission's rules must be the
   * group's (matched as Revoke matches them; one that is not: InvalidPermission.NotFound, in any
   * VPC, nothing changed), each rule id one of the group's rules of that direction; each takes the
   * description asked, or none where it is left out (EC2: "You can remove a description for a
   * security group rule by omitting the description parameter in the request").
   */
  updateDescriptions(tenant: TenantEntity, cmd: SecurityGroupRuleDescriptionsCommand): Promise<void> {
    if (cmd.permissions.length === 0 && cmd.descriptions.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter IpPermissions or SecurityGroupRuleDescriptions');
    return this.engine.command(async (tx) => {
      const group = await this.resolveForRules(tx, tenant.id, cmd);
      const existing = (await this.repo.rulesOf(tx, [group.id])).filter((r) => r.isEgress === cmd.egress);
      const specs = await expandPermissions(cmd.egress, cmd.permissions, (pair) => this.peerGroup(tx, tenant.id, group, pair));
      const { found, unknown } = matchRules(existing, specs);
      if (unknown.length > 0) throw unknownRuleError(unknown[0]);
      const changed = new Map<string, SecurityGroupRuleEntity>();
      for (const { rule, spec } of found) changed.set(rule.id, { ...rule, description: spec.description });
      for (const d of cmd.descriptions) {
        const rule = ruleById(existing, d.ruleId);
        changed.set(rule.id, { ...rule, description: d.description ?? null });
      }
      await this.repo.updateRules(tx, [...changed.values()]);
    });
  }

  /**
   * ModifySecurityGroupRules: each rule named (one of the group's, either direction:
   * InvalidSecurityGroupRuleId.NotFound) replaced in place by the rule asked, keeping its id,
   * direction, tags and place, every rule checked as Authorize checks it (expandPermissions). A rule
   * that would then be the same as another of the group's is InvalidPermission.Duplicate. All or none.
   */
  modifyRules(tenant: TenantEntity, cmd: ModifySecurityGroupRulesCommand): Promise<void> {
    if (cmd.rules.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter SecurityGroupRules');
    return this.engine.command(async (tx) => {
      const group = await this.networking.requireGroup(tx, tenant.id, cmd.groupId);
      const rules = await this.repo.rulesOf(tx, [group.id]);
      const after = new Map(rules.map((r) => [r.id, r]));
      for (const { ruleId, rule: asked } of cmd.rules) {
        const rule = ruleById(rules, ruleId);
        const [spec] = await expandPermissions(rule.isEgress, [permissionOfRuleRequest(asked)], (pair) => this.peerGroup(tx, tenant.id, group, pair));
        after.set(rule.id, { ...rule, ...spec });
      }
      const changed = cmd.rules.map((r) => after.get(r.ruleId)!);
      for (const c of changed) if ([...after.values()].some((o) => o.id !== c.id && sameRule(o, c))) throw duplicateRuleError(c);
      await this.repo.updateRules(tx, changed);
    });
  }

  /** A group by id, or by name in the default VPC (EC2's GroupName). */
  private async resolve(tx: Tx, tenantId: string, ref: GroupRefCommand): Promise<SecurityGroupEntity> {
    if (ref.groupId !== undefined) return this.networking.requireGroup(tx, tenantId, ref.groupId);
    if (ref.groupName === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter GroupId or GroupName');
    const defaultVpc = await this.networking.ensureDefaultVpc(tx, tenantId);
    const group = defaultVpc === undefined ? null : await this.repo.findGroupByName(tx, tenantId, defaultVpc, ref.groupName);
    if (!group) throw new ApiError('InvalidGroup.NotFound', `The security group '${ref.groupName}' does not exist in default VPC '${defaultVpc ?? 'none'}'`);
    return group;
  }

  private resolveForRules(tx: Tx, tenantId: string, cmd: SecurityGroupRulesCommand): Promise<SecurityGroupEntity> {
    if (cmd.egress && cmd.groupId === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter GroupId');
    return this.resolve(tx, tenantId, cmd);
  }

  /** A rule's peer group: the tenant's, in the same VPC. */
  private async peerGroup(tx: Tx, tenantId: string, group: SecurityGroupEntity, pair: { groupId?: string; groupName?: string }): Promise<string> {
    const peer = pair.groupId !== undefined
      ? await this.networking.requireGroup(tx, tenantId, pair.groupId)
      : await this.repo.findGroupByName(tx, tenantId, group.vpcId, pair.groupName!);
    if (!peer) throw new ApiError('InvalidGroup.NotFound', `The security group '${pair.groupName}' does not exist in VPC '${group.vpcId}'`);
    if (peer.vpcId !== group.vpcId) throw new ApiError('InvalidGroup.NotFound', `You have specified a group '${peer.id}' that is not in the VPC '${group.vpcId}'`);
    return peer.id;
  }
}

/** One of these rules by its id (malformed: InvalidSecurityGroupRuleId.Malformed; none: …NotFound). */
function ruleById<R extends { readonly id: string }>(rules: readonly R[], id: string): R {
  requireWellFormed(RULE_ID, id);
  const found = rules.find((r) => r.id === id);
  if (!found) throw notFoundError(RULE_ID, id);
  return found;
}
