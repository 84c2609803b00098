import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, In } from 'typeorm';
import { READ_DB } from './data-source';
import { SimulationCellEntity, SimulationReportEntity, SimulationRunEntity } from './entities';
import { Tx } from './tx';

/** Where a run's worker has got to. */
export interface RunProgressRow {
  readonly simulatedMs: number;
  readonly untilMs: number;
  readonly events: number;
}

/** What a progress write tells the worker: whether the run is still its own, and whether it was asked to stop. */
export interface ProgressAck {
  readonly owned: boolean;
  readonly cancelRequested: boolean;
}

export interface RunPageCursor {
  readonly createdAt: number;
  readonly id: string;
}

/**
 * Load-simulation runs and their reports. Every write that a worker makes is conditional on the run
 * still being its attempt (`id`, `attempt`, `state = 'running'`), so a worker that lost its run (its
 * lock expired and another worker claimed it) changes nothing; the report is inserted once, in the
 * transaction of that conditional update.
 */
@Injectable()
export class SimulationsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  /** The committed state, for reads outside a write: it never waits behind the write path. */
  get reader(): Tx {
    return this.db.manager;
  }

  /** How many runs are in each state (committed state). */
  async countByState(): Promise<Record<string, number>> {
    const rows: { state: string; n: string | number }[] = await this.db.getRepository(SimulationRunEntity).createQueryBuilder('r').select('r.state', 'state').addSelect('COUNT(*)', 'n').groupBy('r.state').getRawMany();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async insert(tx: Tx, run: Pick<SimulationRunEntity, 'id' | 'builtIn' | 'scenario' | 'untilMs' | 'createdAt' | 'cells'> & { cacheKey?: string }): Promise<SimulationRunEntity> {
    const row = tx.create(SimulationRunEntity, {
      ...run, cacheKey: run.cacheKey ?? null, state: 'queued', attempt: 0, worker: null, simulatedMs: 0, events: 0, startedAt: null, heartbeatAt: null, finishedAt: null,
      cancelRequestedAt: null, error: null, digest: null,
    });
    // A copy is inserted: on PostgreSQL, TypeORM writes the columns' defaults back into the object it
    // inserts as the driver returns them (a bigint as a string, past the transformer).
    await tx.insert(SimulationRunEntity, { ...row });
    return row;
  }

  /** A run that computes (or has computed) the result of this cache key: completed first, then one under way; none if only failed or cancelled ones. */
  async findReusable(m: Tx, cacheKey: string): Promise<SimulationRunEntity | null> {
    const rows = await m.find(SimulationRunEntity, { where: { cacheKey, state: In(['completed', 'running', 'queued']) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.find((r) => r.state === 'completed') ?? rows.find((r) => r.cancelRequestedAt === null) ?? null;
  }

  findByIds(m: Tx, ids: readonly string[]): Promise<SimulationRunEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : m.find(SimulationRunEntity, { where: { id: In([...new Set(ids)]) } });
  }

  findById(m: Tx, id: string): Promise<SimulationRunEntity | null> {
    return m.findOneBy(SimulationRunEntity, { id });
  }

  /** Newest first, keyset on (createdAt, id). */
  page(m: Tx, limit: number, after?: RunPageCursor): Promise<SimulationRunEntity[]> {
    const q = m.createQueryBuilder(SimulationRunEntity, 'r').orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC').limit(limit);
    if (after)
      q.where(new Brackets((b) => b.where('r.createdAt < :c', { c: after.createdAt }).orWhere('r.createdAt = :c AND r.id < :id', { c: after.createdAt, id: after.id })));
    return q.getMany();
  }

  /** Runs in these states, oldest first. */
  inStates(m: Tx, states: readonly string[]): Promise<SimulationRunEntity[]> {
    return m.find(SimulationRunEntity, { where: { state: In([...states]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * A worker takes the run: a queued run, or a running one whose worker is gone (restarted from
   * scratch, its progress reset). Returns the new attempt, or null when the run is not to be run
   * (finished, cancelled, asked to stop, deleted).
   */
  async claim(tx: Tx, id: string, worker: string, now: number): Promise<number | null> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ state: 'running', attempt: () => 'attempt + 1', worker, startedAt: now, heartbeatAt: now, simulatedMs: 0, events: 0 })
      .where('id = :id AND state IN (:...states) AND cancel_requested_at IS NULL', { id, states: ['queued', 'running'] })
      .execute();
    if (r.affected !== 1) return null;
    const row = await tx.findOneByOrFail(SimulationRunEntity, { id });
    return row.attempt;
  }

  async progress(tx: Tx, id: string, attempt: number, p: RunProgressRow, now: number): Promise<ProgressAck> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ simulatedMs: p.simulatedMs, untilMs: p.untilMs, events: p.events, heartbeatAt: now })
      .where('id = :id AND attempt = :attempt AND state = :state', { id, attempt, state: 'running' })
      .execute();
    if (r.affected !== 1) return { owned: false, cancelRequested: false };
    const row = await tx.findOneBy(SimulationRunEntity, { id });
    return { owned: true, cancelRequested: row?.cancelRequestedAt != null };
  }

  /**
   * Moves the run to its final state and stores its report, once: only while the run is still this
   * attempt's, and the report only if none is stored. Returns whether this call stored it.
   */
  async finish(
    tx: Tx, id: string, attempt: number, end: { state: 'completed' | 'cancelled'; report: string; digest: string; progress: RunProgressRow }, now: number,
  ): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ state: end.state, finishedAt: now, heartbeatAt: now, digest: end.digest, simulatedMs: end.progress.simulatedMs, untilMs: end.progress.untilMs, events: end.progress.events })
      .where('id = :id AND attempt = :attempt AND state = :state', { id, attempt, state: 'running' })
      .execute();
    if (r.affected !== 1) return false;
    // The run was this attempt's until now, so no report is stored; the key makes sure of it.
    await tx.createQueryBuilder().insert().into(SimulationReportEntity).values({ runId: id, attempt, report: end.report, storedAt: now }).orIgnore().execute();
    return true;
  }

  async fail(tx: Tx, id: string, attempt: number, error: string, now: number): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ state: 'failed', finishedAt: now, heartbeatAt: now, error })
      .where('id = :id AND attempt = :attempt AND state = :state', { id, attempt, state: 'running' })
      .execute();
    return r.affected === 1;
  }

  /** A queued run is cancelled at once. */
  async cancelQueued(tx: Tx, id: string, now: number): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ state: 'cancelled', cancelRequestedAt: now, finishedAt: now })
      .where('id = :id AND state = :state', { id, state: 'queued' })
      .execute();
    return r.affected === 1;
  }

  /** A running run is asked to stop: its worker sees it at its next progress write. */
  async requestCancel(tx: Tx, id: string, now: number): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ cancelRequestedAt: now })
      .where('id = :id AND state = :state AND cancel_requested_at IS NULL', { id, state: 'running' })
      .execute();
    return r.affected === 1;
  }

  /** A run that was asked to stop and whose worker is gone: cancelled, with no results. */
  async cancelAbandoned(tx: Tx, id: string, now: number): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ state: 'cancelled', finishedAt: now })
      .where('id = :id AND state = :state AND cancel_requested_at IS NOT NULL', { id, state: 'running' })
      .execute();
    return r.affected === 1;
  }

  /** Deletes the run and its report, if the run is in one of `states`. */
  async delete(tx: Tx, id: string, states: readonly string[]): Promise<boolean> {
    const r = await tx.createQueryBuilder().delete().from(SimulationRunEntity).where('id = :id AND state IN (:...states)', { id, states: [...states] }).execute();
    if (r.affected !== 1) return false;
    await tx.delete(SimulationReportEntity, { runId: id });
    await tx.delete(SimulationCellEntity, { runId: id });
    return true;
  }

  async report(m: Tx, id: string): Promise<string | null> {
    const row = await m.findOneBy(SimulationReportEntity, { runId: id });
    return row?.report ?? null;
  }

  /** How many reports the run has (0 or 1: the key allows no more). */
  reportCount(m: Tx, id: string): Promise<number> {
    return m.countBy(SimulationReportEntity, { runId: id });
  }

  // ---- runs split into cells (one per zone, on parallel workers) ----

  /**
   * A run split into cells starts with its first cell: queued → running, a new attempt. Returns the
   * run's attempt (also for the later cells of a running run), or null when it is not to run
   * (finished, deleted, or asked to stop).
   */
  async startCells(tx: Tx, id: string, worker: string, now: number): Promise<number | null> {
    await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ state: 'running', attempt: () => 'attempt + 1', worker, startedAt: now, heartbeatAt: now, simulatedMs: 0, events: 0 })
      .where('id = :id AND state = :state AND cancel_requested_at IS NULL', { id, state: 'queued' })
      .execute();
    const row = await tx.findOneBy(SimulationRunEntity, { id });
    return row && row.state === 'running' && row.cancelRequestedAt === null ? row.attempt : null;
  }

  /** A worker takes a cell (again, from scratch, if its worker is gone). Null when the cell is done. */
  async claimCell(tx: Tx, id: string, cell: number, worker: string, now: number): Promise<number | null> {
    await tx.createQueryBuilder().insert().into(SimulationCellEntity)
      .values({ runId: id, cell, attempt: 0, worker: null, state: 'running', simulatedMs: 0, events: 0, heartbeatAt: now, result: null })
      .orIgnore().execute();
    const r = await tx.createQueryBuilder().update(SimulationCellEntity)
      .set({ attempt: () => 'attempt + 1', worker, state: 'running', simulatedMs: 0, events: 0, heartbeatAt: now })
      .where('run_id = :id AND cell = :cell AND state = :state', { id, cell, state: 'running' })
      .execute();
    if (r.affected !== 1) return null;
    return (await tx.findOneByOrFail(SimulationCellEntity, { runId: id, cell })).attempt;
  }

  /**
   * A cell's progress, while the cell is this attempt's and the run still running as `runAttempt`;
   * the run's progress is its cells': the mean of their simulated time (0 for a cell not started)
   * and the sum of their events.
   */
  async cellProgress(tx: Tx, id: string, cell: number, attempt: number, runAttempt: number, p: Omit<RunProgressRow, 'untilMs'>, now: number): Promise<ProgressAck> {
    const r = await tx.createQueryBuilder().update(SimulationCellEntity)
      .set({ simulatedMs: p.simulatedMs, events: p.events, heartbeatAt: now })
      .where('run_id = :id AND cell = :cell AND attempt = :attempt AND state = :state', { id, cell, attempt, state: 'running' })
      .execute();
    if (r.affected !== 1) return { owned: false, cancelRequested: false };
    return this.rollUpCells(tx, id, runAttempt, now);
  }

  /** Stores a cell's result, once, while the cell is this attempt's. */
  async finishCell(tx: Tx, id: string, cell: number, attempt: number, runAttempt: number, end: { result: string; simulatedMs: number; events: number }, now: number): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(SimulationCellEntity)
      .set({ state: 'done', result: end.result, simulatedMs: end.simulatedMs, events: end.events, heartbeatAt: now })
      .where('run_id = :id AND cell = :cell AND attempt = :attempt AND state = :state', { id, cell, attempt, state: 'running' })
      .execute();
    if (r.affected !== 1) return false;
    await this.rollUpCells(tx, id, runAttempt, now);
    return true;
  }

  /** The run's cells that have started, in cell order. */
  cellsOf(m: Tx, id: string): Promise<SimulationCellEntity[]> {
    return m.find(SimulationCellEntity, { where: { runId: id }, order: { cell: 'ASC' } });
  }

  /** A run asked to stop before every cell had run: cancelled, with no results (a part of the fleet is no answer). */
  async cancelWithoutResults(tx: Tx, id: string, attempt: number, now: number): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(SimulationRunEntity)
      .set({ state: 'cancelled', finishedAt: now, heartbeatAt: now })
      .where('id = :id AND attempt = :attempt AND state = :state', { id, attempt, state: 'running' })
      .execute();
    return r.affected === 1;
  }

  private async rollUpCells(tx: Tx, id: string, runAttempt: number, now: number): Promise<ProgressAck> {
    const run = await tx.findOneBy(SimulationRunEntity, { id });
    if (!run || run.state !== 'running' || run.attempt !== runAttempt) return { owned: false, cancelRequested: false };
    const cells = await tx.find(SimulationCellEntity, { where: { runId: id }, select: { cell: true, simulatedMs: true, events: true } });
    // The mean of the cells' simulated time (a cell not started counts 0): the run's fraction is then the share of its work done.
    const simulatedMs = Math.floor(cells.reduce((n, c) => n + c.simulatedMs, 0) / Math.max(1, run.cells));
    const events = cells.reduce((n, c) => n + c.events, 0);
    await tx.createQueryBuilder().update(SimulationRunEntity).set({ simulatedMs, events, heartbeatAt: now }).where('id = :id AND attempt = :attempt', { id, attempt: runAttempt }).execute();
    return { owned: true, cancelRequested: run.cancelRequestedAt !== null };
  }
}
