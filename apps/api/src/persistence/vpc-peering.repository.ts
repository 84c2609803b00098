import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { READ_DB } from './data-source';
import { TenantEntity, VpcPeeringConnectionEntity, VpcPeeringTagEntity } from './entities';
import { Tx } from './tx';

/**
 * VPC peering connections and their per-account tags (entities/vpc-peering.entity.ts). A tenant
 * finds a connection only as its requester or its accepter.
 */
@Injectable()
export class VpcPeeringRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  /** The tenant whose EC2 account id this is (PeerOwnerId), if any. */
  tenantOfAccount(m: Tx, accountId: string): Promise<TenantEntity | null> {
    return m.findOneBy(TenantEntity, { accountId });
  }

  async find(m: Tx, tenantId: string, id: string): Promise<VpcPeeringConnectionEntity | null> {
    const c = await m.findOneBy(VpcPeeringConnectionEntity, { id });
    return c && (c.requesterTenantId === tenantId || c.accepterTenantId === tenantId) ? c : null;
  }

  /** The tenant's connections, either side, by id. */
  async of(m: Tx, tenantId: string): Promise<VpcPeeringConnectionEntity[]> {
    return m.find(VpcPeeringConnectionEntity, { where: [{ requesterTenantId: tenantId }, { accepterTenantId: tenantId }], order: { id: 'ASC' } });
  }

  byIds(m: Tx, ids: readonly string[]): Promise<VpcPeeringConnectionEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.find(VpcPeeringConnectionEntity, { where: { id: In([...ids]) } });
  }

  /** The connections a VPC is either side of. */
  ofVpc(m: Tx, vpcId: string): Promise<VpcPeeringConnectionEntity[]> {
    return m.find(VpcPeeringConnectionEntity, { where: [{ requesterVpcId: vpcId }, { accepterVpcId: vpcId }] });
  }

  async insert(tx: Tx, row: VpcPeeringConnectionEntity): Promise<void> {
    await tx.insert(VpcPeeringConnectionEntity, { ...row });
  }

  async update(tx: Tx, id: string, change: Partial<VpcPeeringConnectionEntity>): Promise<void> {
    await tx.update(VpcPeeringConnectionEntity, { id }, change);
  }

  // ---- tags, per tenant ----

  /** The tenant's tags on each connection, keys in order. */
  async tagsOf(m: Tx, tenantId: string, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const rows = await m.find(VpcPeeringTagEntity, { where: { tenantId, resourceId: In([...ids]) }, order: { key: 'ASC' } });
    for (const t of rows) out.set(t.resourceId, { ...(out.get(t.resourceId) ?? {}), [t.key]: t.value });
    return out;
  }

  tagsOfTenant(m: Tx, tenantId: string): Promise<VpcPeeringTagEntity[]> {
    return m.find(VpcPeeringTagEntity, { where: { tenantId }, order: { resourceId: 'ASC', key: 'ASC' } });
  }

  async saveTags(tx: Tx, tenantId: string, resourceId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const rows = Object.entries(tags).map(([key, value]) => ({ resourceId, tenantId, key, value }));
    if (rows.length > 0) await tx.save(VpcPeeringTagEntity, rows);
  }

  async deleteTag(tx: Tx, tenantId: string, resourceId: string, key: string): Promise<void> {
    await tx.delete(VpcPeeringTagEntity, { resourceId, tenantId, key });
  }
}
