import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Experiments (issue 12): an experiment and its runs (each a simulation run, new or reused), and
 * the runs' cache key (the scenario's canonical JSON and the simulation code's version, hashed),
 * so that a run already computed for the same scenario, seed and code is reused, not recomputed.
 */
export class Experiments1764540000000 implements MigrationInterface {
  name = 'Experiments1764540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('simulation_runs', new TableColumn({ name: 'cache_key', type: 'varchar', length: '64', isNullable: true }));
    await q.createIndex('simulation_runs', new TableIndex({ name: 'ix_simulation_runs_cache_key', columnNames: ['cache_key'] }));
    await q.createTable(new Table({
      name: 'experiments',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'name', type: 'varchar', length: '128' },
        { name: 'built_in', type: 'varchar', length: '128', isNullable: true },
        { name: 'document', type: 'text' },
        { name: 'state', type: 'varchar', length: '16' },
        { name: 'runs', type: 'integer' },
        { name: 'created_at', type: 'bigint' },
        { name: 'finished_at', type: 'bigint', isNullable: true },
        { name: 'report', type: 'text', isNullable: true },
        { name: 'error', type: 'text', isNullable: true },
      ],
      indices: [new TableIndex({ name: 'ix_experiments_created', columnNames: ['created_at', 'id'] })],
    }));
    await q.createTable(new Table({
      name: 'experiment_runs',
      columns: [
        { name: 'experiment_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'run_index', type: 'integer', isPrimary: true },
        { name: 'variant', type: 'integer' },
        { name: 'repetition', type: 'integer' },
        { name: 'simulation_id', type: 'varchar', length: '32' },
        { name: 'reused', type: 'boolean' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('experiment_runs');
    await q.dropTable('experiments');
    await q.dropIndex('simulation_runs', 'ix_simulation_runs_cache_key');
    await q.dropColumn('simulation_runs', 'cache_key');
  }
}
