import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DB } from './data-source';
import { DhcpOptionsEntity, VpcEntity } from './entities';
import { Tx } from './tx';

/** DHCP option sets (entities/dhcp-options.entity.ts) and the VPCs associated with them, per tenant. */
@Injectable()
export class DhcpOptionsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  find(m: Tx, tenantId: string, id: string): Promise<DhcpOptionsEntity | null> {
    return m.findOneBy(DhcpOptionsEntity, { tenantId, id });
  }

  of(m: Tx, tenantId: string): Promise<DhcpOptionsEntity[]> {
    return m.find(DhcpOptionsEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  async insert(tx: Tx, row: DhcpOptionsEntity): Promise<void> {
    await tx.insert(DhcpOptionsEntity, { ...row });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.delete(DhcpOptionsEntity, { id });
  }

  /** Whether a VPC of the tenant is associated with the set. */
  async inUse(m: Tx, tenantId: string, id: string): Promise<boolean> {
    return (await m.countBy(VpcEntity, { tenantId, dhcpOptionsId: id })) > 0;
  }

  /** Associates the VPC with the set (null: none). */
  async associate(tx: Tx, vpcId: string, dhcpOptionsId: string | null): Promise<void> {
    await tx.update(VpcEntity, { id: vpcId }, { dhcpOptionsId });
  }
}
