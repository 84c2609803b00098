import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { READ_DB } from './data-source';
import { NetworkAclAssociationEntity, NetworkAclEntity, NetworkAclEntryEntity } from './entities';
import { Tx } from './tx';

/** A network ACL as it is made: its row and entries. */
export interface NetworkAclRows {
  readonly acl: NetworkAclEntity;
  readonly entries: readonly NetworkAclEntryEntity[];
}

/**
 * Network ACLs, their entries and subnet associations (entities/networking.entity.ts). Every lookup
 * of a tenant's resource takes the tenant id, so another tenant's row is never found.
 */
@Injectable()
export class NetworkAclsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  // ---- ACLs ----

  async insertAcl(tx: Tx, rows: NetworkAclRows): Promise<void> {
    await tx.insert(NetworkAclEntity, { ...rows.acl });
    for (const e of rows.entries) await tx.insert(NetworkAclEntryEntity, { ...e });
  }

  findAcl(m: Tx, tenantId: string, id: string): Promise<NetworkAclEntity | null> {
    return m.findOneBy(NetworkAclEntity, { tenantId, id });
  }

  aclsOf(m: Tx, tenantId: string): Promise<NetworkAclEntity[]> {
    return m.find(NetworkAclEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  aclsOfVpc(m: Tx, vpcId: string): Promise<NetworkAclEntity[]> {
    return m.find(NetworkAclEntity, { where: { vpcId }, order: { id: 'ASC' } });
  }

  async defaultAclOfVpc(m: Tx, vpcId: string): Promise<NetworkAclEntity | null> {
    return m.findOneBy(NetworkAclEntity, { vpcId, isDefault: true });
  }

  /** An ACL with its entries (its associations must be gone). */
  async deleteAcl(tx: Tx, id: string): Promise<void> {
    await tx.delete(NetworkAclEntryEntity, { networkAclId: id });
    await tx.delete(NetworkAclEntity, { id });
  }

  // ---- entries ----

  entriesOf(m: Tx, aclIds: readonly string[]): Promise<NetworkAclEntryEntity[]> {
    if (aclIds.length === 0) return Promise.resolve([]);
    return m.find(NetworkAclEntryEntity, { where: { networkAclId: In([...aclIds]) }, order: { networkAclId: 'ASC', egress: 'DESC', ruleNumber: 'ASC' } });
  }

  findEntry(m: Tx, networkAclId: string, egress: boolean, ruleNumber: number): Promise<NetworkAclEntryEntity | null> {
    return m.findOneBy(NetworkAclEntryEntity, { networkAclId, egress, ruleNumber });
  }

  countEntries(m: Tx, networkAclId: string, egress: boolean): Promise<number> {
    return m.countBy(NetworkAclEntryEntity, { networkAclId, egress });
  }

  async insertEntry(tx: Tx, row: NetworkAclEntryEntity): Promise<void> {
    await tx.insert(NetworkAclEntryEntity, { ...row });
  }

  async replaceEntry(tx: Tx, row: NetworkAclEntryEntity): Promise<void> {
    const { networkAclId, egress, ruleNumber, ...rest } = row;
    await tx.update(NetworkAclEntryEntity, { networkAclId, egress, ruleNumber }, rest);
  }

  async deleteEntry(tx: Tx, networkAclId: string, egress: boolean, ruleNumber: number): Promise<void> {
    await tx.delete(NetworkAclEntryEntity, { networkAclId, egress, ruleNumber });
  }

  // ---- associations ----

  associationsOf(m: Tx, aclIds: readonly string[]): Promise<NetworkAclAssociationEntity[]> {
    if (aclIds.length === 0) return Promise.resolve([]);
    return m.find(NetworkAclAssociationEntity, { where: { networkAclId: In([...aclIds]) }, order: { subnetId: 'ASC' } });
  }

  findAssociation(m: Tx, tenantId: string, id: string): Promise<NetworkAclAssociationEntity | null> {
    return m.findOneBy(NetworkAclAssociationEntity, { tenantId, id });
  }

  async insertAssociations(tx: Tx, rows: readonly NetworkAclAssociationEntity[]): Promise<void> {
    for (const r of rows) await tx.insert(NetworkAclAssociationEntity, { ...r });
  }

  /** Re-points an association: the old row goes, the new one (a new id) takes the subnet. */
  async replaceAssociation(tx: Tx, oldId: string, row: NetworkAclAssociationEntity): Promise<void> {
    await tx.delete(NetworkAclAssociationEntity, { id: oldId });
    await tx.insert(NetworkAclAssociationEntity, { ...row });
  }

  async deleteAssociationOfSubnet(tx: Tx, subnetId: string): Promise<void> {
    await tx.delete(NetworkAclAssociationEntity, { subnetId });
  }
}
