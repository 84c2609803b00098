import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });

/**
 * Load-simulation runs and their reports (issue 11). A report's key is its run's id, so a run's
 * results are stored at most once (insert-or-ignore), in the transaction that moves the run to its
 * final state, and only by the worker whose attempt the run still is.
 */
export class Simulations1764400000000 implements MigrationInterface {
  name = 'Simulations1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'simulation_runs',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'state', type: 'varchar', length: '16' },
        { name: 'built_in', type: 'varchar', length: '128', isNullable: true },
        { name: 'scenario', type: 'text' },
        { name: 'attempt', type: 'integer', default: 0 },
        { name: 'worker', type: 'varchar', length: '128', isNullable: true },
        { name: 'simulated_ms', type: 'bigint', default: 0 },
        ms('until_ms'),
        { name: 'events', type: 'bigint', default: 0 },
        ms('created_at'), ms('started_at', true), ms('heartbeat_at', true), ms('finished_at', true), ms('cancel_requested_at', true),
        { name: 'error', type: 'text', isNullable: true },
        { name: 'digest', type: 'varchar', length: '128', isNullable: true },
      ],
      indices: [
        new TableIndex({ name: 'ix_simulation_runs_created', columnNames: ['created_at', 'id'] }),
        new TableIndex({ name: 'ix_simulation_runs_state', columnNames: ['state'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'simulation_reports',
      columns: [
        { name: 'run_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'attempt', type: 'integer' },
        { name: 'report', type: 'text' },
        ms('stored_at'),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('simulation_reports');
    await q.dropTable('simulation_runs');
  }
}
