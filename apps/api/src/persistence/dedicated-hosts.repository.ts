import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import { READ_DB } from './data-source';
import { DedicatedHostEntity, InstanceEntity } from './entities';
import { Tx } from './tx';

/** An instance on a Dedicated Host, as DescribeHosts lists it. */
export interface HostedInstance {
  readonly instanceId: string;
  readonly instanceType: string;
}

/** Fleet hosts allocated to tenants (EC2 Dedicated Hosts) and the instances on them. */
@Injectable()
export class DedicatedHostsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  async insert(tx: Tx, rows: readonly DedicatedHostEntity[]): Promise<void> {
    await tx.insert(DedicatedHostEntity, rows.map((r) => ({ ...r })));
  }

  /** A tenant's hosts, by id. */
  listOf(tenantId: string): Promise<DedicatedHostEntity[]> {
    return this.db.getRepository(DedicatedHostEntity).find({ where: { tenantId }, order: { hostId: 'ASC' } });
  }

  /** The host if allocated to this tenant, in the transaction or (without one) in the committed state. */
  async findOwned(tenantId: string, hostId: string, tx: Tx = this.db.manager): Promise<DedicatedHostEntity | undefined> {
    return (await tx.findOneBy(DedicatedHostEntity, { hostId, tenantId })) ?? undefined;
  }

  /** Per host, its instances that are not terminated, by id. */
  async instancesOn(hostIds: readonly string[], tx: Tx = this.db.manager): Promise<Map<string, HostedInstance[]>> {
    const out = new Map<string, HostedInstance[]>();
    if (hostIds.length === 0) return out;
    const rows = await tx.find(InstanceEntity, { where: { dedicatedHostId: In([...hostIds]), state: Not('terminated') }, order: { id: 'ASC' } });
    for (const r of rows) out.set(r.dedicatedHostId!, [...(out.get(r.dedicatedHostId!) ?? []), { instanceId: r.id, instanceType: r.instanceType }]);
    return out;
  }

  async setTags(tx: Tx, hostId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.update(DedicatedHostEntity, { hostId }, { tags: JSON.stringify(tags) });
  }

  async delete(tx: Tx, hostId: string): Promise<void> {
    await tx.delete(DedicatedHostEntity, { hostId });
  }
}
