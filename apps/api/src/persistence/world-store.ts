import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RebalancerConfig, SchedulerConfig } from '@nimbus/scheduler';
import { Changes, World, WorldState } from '@nimbus/simulation';
import { DataSource, QueryRunner } from 'typeorm';
import { writeChanges, WrittenStates } from './change-writer';
import { SettingEntity } from './entities';
import { insertRows } from './fast-sql';
import { pipelined, pipelineOf } from './pipeline';
import { Tx } from './tx';
import { UsageWriter } from './usage-writer';
import { loadWorldState } from './world-loader';

/** The savepoint each command of a group runs in (PostgreSQL; see WorldStore.savepoint). */
const COMMAND_SAVEPOINT = 'nimbus_command';

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

  /**
   * One statement (INSERT … ON CONFLICT DO UPDATE), not save's SELECT then UPDATE, and a plain one
   * (fast-sql's insertRows), not TypeORM's upsert, which builds its query anew at every call: the
   * clock is written at every commit.
   */
  async saveSetting(tx: Tx, key: string, value: unknown): Promise<void> {
    await insertRows(tx, SettingEntity, [{ key, value: JSON.stringify(value) }], { upsert: true });
  }

  load(nowMs: number, scheduler: SchedulerConfig, rebalancer: RebalancerConfig, rebalancerStateKey: string): Promise<WorldState> {
    return loadWorldState(this.db, nowMs, scheduler, rebalancer, rebalancerStateKey);
  }

  /**
   * A transaction of the write path. `pipelined` (PostgreSQL only): its statements are sent without
   * waiting where nobody reads their answers, and all are checked before the COMMIT (pipeline.ts),
   * which throws PipelineFailed if the group cannot commit as sent.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options: { pipelined?: boolean } = {}): Promise<T> {
    if (!options.pipelined || !this.pipelines) return this.db.transaction(fn);
    return this.db.transaction((tx) => pipelined(tx, () => fn(tx)));
  }

  /** Whether the write path's transactions can be pipelined: on PostgreSQL, where each statement is a round trip. */
  get pipelines(): boolean {
    return this.db.options.type === 'postgres';
  }

  /**
   * Runs `fn` in a savepoint of `tx`: if it throws, what it wrote rolls back and the transaction
   * goes on. The write path runs each command of a group in one.
   *
   * On PostgreSQL each statement is a round trip to the server, and a group's commands run one
   * after the other, so the savepoint costs one round trip per command instead of TypeORM's two
   * (SAVEPOINT, then RELEASE): a command's savepoint is released when the next one's is set, in one
   * simple query of two statements, and the last one by the COMMIT. Rolling back to a savepoint
   * keeps it, so a failed command's is released the same way. The savepoint is sent without
   * waiting for its answer: the connection pipelines (data-source.ts), so it travels with the
   * command's first statements, which the server runs after it, in order. Its answer is awaited
   * before the command counts as done, and before a rollback to it. In a pipelined transaction
   * (pipeline.ts) there is no savepoint: a command that fails after it wrote fails the pipeline,
   * and the group runs again with savepoints. On SQLite (in-process, no round trip) TypeORM's own
   * savepoints serve.
   */
  async savepoint<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const runner = tx.queryRunner;
    if (!runner || this.db.options.type !== 'postgres') return tx.transaction(fn);
    const pipeline = pipelineOf(tx);
    if (pipeline) {
      pipeline.commandStarts();
      try {
        const r = await fn(tx);
        pipeline.commandSucceeded();
        return r;
      } catch (err) {
        pipeline.commandFailed(err);
        throw err;
      }
    }
    const set = runner.query(this.withSavepoint.has(runner) ? `RELEASE SAVEPOINT ${COMMAND_SAVEPOINT}; SAVEPOINT ${COMMAND_SAVEPOINT}` : `SAVEPOINT ${COMMAND_SAVEPOINT}`);
    set.catch(() => undefined);
    this.withSavepoint.add(runner);
    try {
      const r = await fn(tx);
      await set;
      return r;
    } catch (err) {
      await set.catch(() => undefined);
      // If this fails too (the connection is gone), the transaction cannot commit: the group fails.
      await runner.query(`ROLLBACK TO SAVEPOINT ${COMMAND_SAVEPOINT}`).catch(() => undefined);
      throw err;
    }
  }

  /** The transactions (one query runner each) in which a command's savepoint is set. */
  private readonly withSavepoint = new WeakSet<QueryRunner>();

  writeChanges(tx: Tx, world: World, taken: Changes, usage: UsageWriter, rebuiltAt: number): Promise<WrittenStates> {
    return writeChanges(tx, world, taken, usage, rebuiltAt);
  }
}
