import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DB } from './data-source';
import { FleetEntity } from './entities';
import { Tx } from './tx';

/** EC2 Fleets (entities/fleet.entity.ts), each its tenant's only. */
@Injectable()
export class FleetsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  find(m: Tx, tenantId: string, id: string): Promise<FleetEntity | null> {
    return m.findOneBy(FleetEntity, { id, tenantId });
  }

  byClientToken(m: Tx, tenantId: string, clientToken: string): Promise<FleetEntity | null> {
    return m.findOneBy(FleetEntity, { tenantId, clientToken });
  }

  of(m: Tx, tenantId: string): Promise<FleetEntity[]> {
    return m.find(FleetEntity, { where: { tenantId } });
  }

  async insert(tx: Tx, row: FleetEntity): Promise<void> {
    await tx.insert(FleetEntity, row);
  }

  async setState(tx: Tx, tenantId: string, id: string, state: string): Promise<void> {
    await tx.update(FleetEntity, { id, tenantId }, { state });
  }
}
