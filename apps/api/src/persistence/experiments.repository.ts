import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { READ_DB } from './data-source';
import { ExperimentEntity, ExperimentRunEntity } from './entities';
import { RunPageCursor } from './simulations.repository';
import { Tx } from './tx';

/** Experiments and the simulation runs each one is made of. The report is stored once (a conditional update from `running`). */
@Injectable()
export class ExperimentsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  async insert(tx: Tx, x: Pick<ExperimentEntity, 'id' | 'name' | 'builtIn' | 'document' | 'runs' | 'createdAt'>, links: readonly Omit<ExperimentRunEntity, 'experimentId'>[]): Promise<ExperimentEntity> {
    const row = tx.create(ExperimentEntity, { ...x, state: 'running', finishedAt: null, report: null, error: null });
    await tx.insert(ExperimentEntity, row);
    for (let i = 0; i < links.length; i += 100) await tx.insert(ExperimentRunEntity, links.slice(i, i + 100).map((l) => ({ ...l, experimentId: x.id })));
    return row;
  }

  findById(m: Tx, id: string): Promise<ExperimentEntity | null> {
    return m.findOneBy(ExperimentEntity, { id });
  }

  /** Newest first, keyset on (createdAt, id). */
  page(m: Tx, limit: number, after?: RunPageCursor): Promise<ExperimentEntity[]> {
    const q = m.createQueryBuilder(ExperimentEntity, 'x').orderBy('x.createdAt', 'DESC').addOrderBy('x.id', 'DESC').limit(limit);
    if (after) q.where(new Brackets((b) => b.where('x.createdAt < :c', { c: after.createdAt }).orWhere('x.createdAt = :c AND x.id < :id', { c: after.createdAt, id: after.id })));
    return q.getMany();
  }

  /** Its runs in the order of the experiment's expansion. */
  runsOf(m: Tx, id: string): Promise<ExperimentRunEntity[]> {
    return m.find(ExperimentRunEntity, { where: { experimentId: id }, order: { runIndex: 'ASC' } });
  }

  /** Ends a running experiment, once: completed with its report, or failed with why. */
  async end(tx: Tx, id: string, end: { state: 'completed'; report: string } | { state: 'failed'; error: string }, now: number): Promise<boolean> {
    const r = await tx.createQueryBuilder().update(ExperimentEntity)
      .set({ state: end.state, finishedAt: now, report: end.state === 'completed' ? end.report : null, error: end.state === 'failed' ? end.error : null })
      .where('id = :id AND state = :state', { id, state: 'running' })
      .execute();
    return r.affected === 1;
  }
}
