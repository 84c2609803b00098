import { Injectable } from '@nestjs/common';
import { HostEntity } from './entities';
import { Tx } from './tx';

/** The fleet's hosts as stored (the live fleet, in the engine, is the source the reads use). */
@Injectable()
export class HostsRepository {
  /** Stores new hosts, in state `available`. */
  async insertHosts(tx: Tx, hosts: readonly { id: string; hostType: string; availabilityZone: string }[], now: number): Promise<void> {
    const rows = hosts.map((h) => tx.create(HostEntity, { ...h, state: 'available', createdAt: now }));
    // Nothing to read back: TypeORM's read-back of defaults is one OR term per row, past SQLite's
    // expression depth (1,000) at the 1,000 hosts one call may add.
    await tx.createQueryBuilder().insert().into(HostEntity).values(rows).updateEntity(false).execute();
  }

  async deleteHost(tx: Tx, id: string): Promise<void> {
    await tx.delete(HostEntity, { id });
  }
}
