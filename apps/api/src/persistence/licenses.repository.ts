import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Not } from 'typeorm';
import { READ_DB } from './data-source';
import { InstanceEntity, LicenseConfigurationEntity } from './entities';
import { selectOwned } from './fast-sql';
import { Tx } from './tx';

/** An instance as its license configuration counts it. */
export interface LicensedInstanceRow {
  readonly id: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly dedicatedHostId: string | null;
}

/** License configurations (AWS License Manager) and the instances that consume from them. */
@Injectable()
export class LicensesRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  async insert(tx: Tx, row: LicenseConfigurationEntity): Promise<void> {
    await tx.insert(LicenseConfigurationEntity, { ...row });
  }

  /** Every tenant's configurations, by tenant and id. */
  all(): Promise<LicenseConfigurationEntity[]> {
    return this.db.getRepository(LicenseConfigurationEntity).find({ order: { tenantId: 'ASC', id: 'ASC' } });
  }

  /** A tenant's configurations, by id. */
  listOf(tenantId: string): Promise<LicenseConfigurationEntity[]> {
    return this.db.getRepository(LicenseConfigurationEntity).find({ where: { tenantId }, order: { id: 'ASC' } });
  }

  /** The tenant's configuration, in the transaction or (without one) in the committed state. */
  async findOwned(tenantId: string, id: string, tx: Tx = this.db.manager): Promise<LicenseConfigurationEntity | undefined> {
    return (await selectOwned(tx, LicenseConfigurationEntity, id, tenantId)) ?? undefined;
  }

  /** The instances not terminated that consume from it, by id. */
  async consumers(configId: string, tx: Tx = this.db.manager): Promise<LicensedInstanceRow[]> {
    const rows = await tx.find(InstanceEntity, { where: { licenseConfigurationId: configId, state: Not('terminated') }, order: { id: 'ASC' } });
    return rows.map((r) => ({ id: r.id, imageId: r.imageId, instanceType: r.instanceType, dedicatedHostId: r.dedicatedHostId }));
  }

  /** Every instance that ever named the configuration, with when it was launched and (terminated) when it ended. */
  async everConsumers(configId: string): Promise<(LicensedInstanceRow & { launchTimeMs: number; endedMs: number | null })[]> {
    const rows = await this.db.manager.find(InstanceEntity, { where: { licenseConfigurationId: configId }, order: { id: 'ASC' } });
    return rows.map((r) => ({
      id: r.id, imageId: r.imageId, instanceType: r.instanceType, dedicatedHostId: r.dedicatedHostId,
      launchTimeMs: Number(r.launchTime), endedMs: r.state === 'terminated' ? Number(r.stateSince) : null,
    }));
  }

  /** Any tenant's configuration (operators). */
  async findAny(id: string): Promise<LicenseConfigurationEntity | undefined> {
    return (await this.db.manager.findOneBy(LicenseConfigurationEntity, { id })) ?? undefined;
  }

  countConsumers(tx: Tx, configId: string): Promise<number> {
    return tx.countBy(InstanceEntity, { licenseConfigurationId: configId, state: Not('terminated') });
  }

  /** Deletes it, after unlinking the (terminated) instances that name it. */
  async delete(tx: Tx, configId: string): Promise<void> {
    await tx.update(InstanceEntity, { licenseConfigurationId: configId }, { licenseConfigurationId: null });
    await tx.delete(LicenseConfigurationEntity, { id: configId });
  }
}
