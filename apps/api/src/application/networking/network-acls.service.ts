import { Injectable } from '@nestjs/common';
import { idempotentMismatch, invalidParameter } from '../common/api-errors';
import { createdId, resourceId } from '../common/ids';
import { NetworkAclEntity, TenantEntity } from '../../persistence/entities';
import { NetworkAclsRepository } from '../../persistence/network-acls.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { ACL_ASSOCIATION_ID, dependencyViolation, describe, DescribeQuery, NETWORK_ACL_ID, notFoundError, Page, requireWellFormed } from './describe-query';
import {
  aclView, entryAlreadyExists, entryNotFound, entryRow, NetworkAclEntryInput, NetworkAclView, newAclRows, requireRoomForEntry, requireRuleNumber,
} from './network-acls';
import { NetworkingService } from './networking.service';

/**
 * Network ACLs (EC2's CreateNetworkAcl … ReplaceNetworkAclAssociation; docs/ec2-networking.md,
 * "Network ACLs"). A VPC's default ACL is made and deleted with it, and each subnet is associated
 * with it when made (NetworkingService). Configuration only: the simulation's traffic is not
 * filtered by them. Every change is an engine command; another tenant's ACL is not found, as a
 * missing one.
 */
@Injectable()
export class NetworkAclsService {
  constructor(
    private readonly repo: NetworkAclsRepository,
    private readonly networking: NetworkingService,
    private readonly engine: EngineService,
  ) {}

  /**
   * CreateNetworkAcl: an ACL of the VPC denying all traffic (only the catch-all rules), associated
   * with nothing. A client token names the ACL, so a retry answers the ACL it made; the same token
   * for another VPC is IdempotentParameterMismatch.
   */
  createNetworkAcl(tenant: TenantEntity, cmd: { readonly vpcId: string; readonly clientToken?: string; readonly tags?: Readonly<Record<string, unknown>> }): Promise<NetworkAclView> {
    const tags = this.networking.validTags(cmd.tags);
    return this.engine.command(async (tx, e) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const vpc = await this.networking.requireVpc(tx, tenant.id, cmd.vpcId);
      const id = createdId('acl', 'CreateNetworkAcl', tenant.id, cmd.clientToken);
      if (cmd.clientToken !== undefined) {
        const previous = await this.repo.findAcl(tx, tenant.id, id);
        if (previous) {
          if (previous.vpcId !== vpc.id) throw idempotentMismatch(cmd.clientToken);
          return (await this.views(tx, [previous]))[0];
        }
      }
      await this.repo.insertAcl(tx, newAclRows(id, vpc, e.now));
      await this.networking.saveTags(tx, tenant.id, id, tags);
      return (await this.views(tx, [(await this.repo.findAcl(tx, tenant.id, id))!]))[0];
    });
  }

  async describeNetworkAcls(tenant: TenantEntity, q: DescribeQuery<NetworkAclView>): Promise<Page<NetworkAclView>> {
    await this.networking.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    return describe(await this.views(m, await this.repo.aclsOf(m, tenant.id)), (v) => v.networkAclId, NETWORK_ACL_ID, q);
  }

  /** DeleteNetworkAcl: never the default ACL (it goes with its VPC), nor one a subnet is associated with (DependencyViolation). */
  deleteNetworkAcl(tenant: TenantEntity, networkAclId: string): Promise<void> {
    return this.engine.command(async (tx) => {
      const acl = await this.requireAcl(tx, tenant.id, networkAclId);
      if (acl.isDefault) throw invalidParameter(`cannot delete default network ACL ${acl.id}`);
      if ((await this.repo.associationsOf(tx, [acl.id])).length > 0) throw dependencyViolation('networkAcl', acl.id);
      await this.networking.deleteTags(tx, acl.id);
      await this.repo.deleteAcl(tx, acl.id);
    });
  }

  /** CreateNetworkAclEntry: a rule number once per direction (NetworkAclEntryAlreadyExists), 20 rules a direction. */
  createEntry(tenant: TenantEntity, cmd: { readonly networkAclId: string; readonly entry: NetworkAclEntryInput }): Promise<void> {
    const row = entryRow(cmd.entry);
    return this.engine.command(async (tx) => {
      const acl = await this.requireAcl(tx, tenant.id, cmd.networkAclId);
      if (await this.repo.findEntry(tx, acl.id, row.egress, row.ruleNumber)) throw entryAlreadyExists(row.ruleNumber);
      requireRoomForEntry(await this.repo.countEntries(tx, acl.id, row.egress));
      await this.repo.insertEntry(tx, { ...row, networkAclId: acl.id, tenantId: tenant.id });
    });
  }

  /** ReplaceNetworkAclEntry: an existing entry of that number and direction, replaced whole. */
  replaceEntry(tenant: TenantEntity, cmd: { readonly networkAclId: string; readonly entry: NetworkAclEntryInput }): Promise<void> {
    const row = entryRow(cmd.entry);
    return this.engine.command(async (tx) => {
      const acl = await this.requireAcl(tx, tenant.id, cmd.networkAclId);
      if (!(await this.repo.findEntry(tx, acl.id, row.egress, row.ruleNumber))) throw entryNotFound(acl.id, row.egress, row.ruleNumber);
      await this.repo.replaceEntry(tx, { ...row, networkAclId: acl.id, tenantId: tenant.id });
    });
  }

  /** DeleteNetworkAclEntry: an existing entry of that number and direction (never the catch-all rule). */
  deleteEntry(tenant: TenantEntity, cmd: { readonly networkAclId: string; readonly egress: boolean; readonly ruleNumber: number }): Promise<void> {
    const ruleNumber = requireRuleNumber(cmd.ruleNumber);
    return this.engine.command(async (tx) => {
      const acl = await this.requireAcl(tx, tenant.id, cmd.networkAclId);
      if (!(await this.repo.findEntry(tx, acl.id, cmd.egress, ruleNumber))) throw entryNotFound(acl.id, cmd.egress, ruleNumber);
      await this.repo.deleteEntry(tx, acl.id, cmd.egress, ruleNumber);
    });
  }

  /**
   * ReplaceNetworkAclAssociation: the subnet of the association is associated with the ACL instead
   * (an ACL of the subnet's VPC), under a new association id, which is the answer.
   */
  replaceAssociation(tenant: TenantEntity, cmd: { readonly associationId: string; readonly networkAclId: string }): Promise<string> {
    return this.engine.command(async (tx) => {
      requireWellFormed(ACL_ASSOCIATION_ID, cmd.associationId);
      const association = await this.repo.findAssociation(tx, tenant.id, cmd.associationId);
      if (!association) throw notFoundError(ACL_ASSOCIATION_ID, cmd.associationId);
      const acl = await this.requireAcl(tx, tenant.id, cmd.networkAclId);
      const subnet = await this.networking.requireSubnet(tx, tenant.id, association.subnetId);
      if (subnet.vpcId !== acl.vpcId) throw invalidParameter(`Network ACL ${acl.id} and subnet ${subnet.id} belong to different networks`);
      const id = resourceId('aclassoc');
      await this.repo.replaceAssociation(tx, association.id, { id, tenantId: tenant.id, networkAclId: acl.id, subnetId: subnet.id });
      return id;
    });
  }

  private async requireAcl(m: Tx, tenantId: string, id: string): Promise<NetworkAclEntity> {
    requireWellFormed(NETWORK_ACL_ID, id);
    const acl = await this.repo.findAcl(m, tenantId, id);
    if (!acl) throw notFoundError(NETWORK_ACL_ID, id);
    return acl;
  }

  private async views(m: Tx, acls: readonly NetworkAclEntity[]): Promise<NetworkAclView[]> {
    const ids = acls.map((a) => a.id);
    const [entries, associations, tags] = [await this.repo.entriesOf(m, ids), await this.repo.associationsOf(m, ids), await this.networking.tagsOf(m, ids)];
    return acls.map((acl) => aclView(acl, entries.filter((e) => e.networkAclId === acl.id), associations.filter((a) => a.networkAclId === acl.id), tags.get(acl.id) ?? {}));
  }
}
