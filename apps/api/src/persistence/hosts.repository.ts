import { Injectable } from '@nestjs/common';
import { HostEntity } from './entities';
import { Tx } from './tx';

/** The fleet's hosts as stored (the live fleet, in the engine, is the source the reads use). */
@Injectable()
export class HostsRepository {
  /** Stores new hosts, in state `available`. */
  async insertHosts(tx: Tx, hosts: readonly { id: string; hostType: string; availabilityZone: string }[], now: number): Promise<void> {
    const rows = hosts.map((h) => tx.create(HostEntity, { ...h, state: 'available', createdAt: now }));
    await tx.insert(HostEntity, rows);
  }

  async deleteHost(tx: Tx, id: string): Promise<void> {
    await tx.delete(HostEntity, { id });
  }
}
