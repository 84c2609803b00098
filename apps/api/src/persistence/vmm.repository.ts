import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DB } from './data-source';
import { InstanceEntity } from './entities';
import { selectOwned } from './fast-sql';
import { StoredWorkload } from './stored-runtime';
import { Tx } from './tx';

/** The instance rows as the VMM's API reads them, and the workload each stores (`instances.workload`). */
@Injectable()
export class VmmRepository {
  constructor(@InjectDataSource(READ_DB) private readonly read: DataSource) {}

  /** The tenant's instance, whatever its state: in the command's transaction, or the committed state. */
  findOwned(tenantId: string, id: string, tx?: Tx): Promise<InstanceEntity | null> {
    return selectOwned(tx ?? this.read.manager, InstanceEntity, id, tenantId);
  }

  /** An instance by id, whoever's it is. */
  findById(tx: Tx, id: string): Promise<InstanceEntity | null> {
    return tx.findOneBy(InstanceEntity, { id });
  }

  async saveWorkload(tx: Tx, instanceId: string, stored: StoredWorkload): Promise<void> {
    await tx.update(InstanceEntity, { id: instanceId }, { workload: JSON.stringify(stored) });
  }
}

/** What an instance row's `workload` column holds, parsed (undefined: none set yet). */
export function storedWorkloadOf(row: InstanceEntity): StoredWorkload | undefined {
  return row.workload ? (JSON.parse(row.workload) as StoredWorkload) : undefined;
}
