import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RebalancerConfig, SchedulerConfig } from '@nimbus/scheduler';
import { Changes, World, WorldState } from '@nimbus/simulation';
import { DataSource } from 'typeorm';
import { writeChanges, WrittenStates } from './change-writer';
import { SettingEntity } from './entities';
import { Tx } from './tx';
import { UsageWriter } from './usage-writer';
import { loadWorldState } from './world-loader';

/**
 * The live world's store (the write connection): settings, the world's saved state, and the
 * transactions of the write path, in which a change set is written.
 */
@Injectable()
export class WorldStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async setting<T>(key: string): Promise<T | undefined> {
    const row = await this.db.getRepository(SettingEntity).findOneBy({ key });
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** One statement (INSERT … ON CONFLICT DO UPDATE), not save's SELECT then UPDATE: the clock is written at every commit. */
  async saveSetting(tx: Tx, key: string, value: unknown): Promise<void> {
    await tx.upsert(SettingEntity, { key, value: JSON.stringify(value) }, ['key']);
  }

  load(nowMs: number, scheduler: SchedulerConfig, rebalancer: RebalancerConfig, rebalancerStateKey: string): Promise<WorldState> {
    return loadWorldState(this.db, nowMs, scheduler, rebalancer, rebalancerStateKey);
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /** Runs `fn` in a savepoint of `tx`: if it throws, what it wrote rolls back and the transaction goes on. */
  savepoint<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return tx.transaction(fn);
  }

  writeChanges(tx: Tx, world: World, taken: Changes, usage: UsageWriter, rebuiltAt: number): Promise<WrittenStates> {
    return writeChanges(tx, world, taken, usage, rebuiltAt);
  }
}
