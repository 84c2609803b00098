import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * A run split into cells (issue 11, "Beyond one machine"): one row per cell, which its worker
 * claims (`attempt`), reports progress on and stores its result in, once. `simulation_runs.cells`
 * is how many cells the run has (1: it runs whole).
 */
export class SimulationCells1764530000000 implements MigrationInterface {
  name = 'SimulationCells1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('simulation_runs', new TableColumn({ name: 'cells', type: 'integer', default: 1 }));
    await q.createTable(new Table({
      name: 'simulation_cells',
      columns: [
        { name: 'run_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'cell', type: 'integer', isPrimary: true },
        { name: 'attempt', type: 'integer', default: 0 },
        { name: 'worker', type: 'varchar', length: '128', isNullable: true },
        { name: 'state', type: 'varchar', length: '16' },
        { name: 'simulated_ms', type: 'bigint', default: 0 },
        { name: 'events', type: 'bigint', default: 0 },
        { name: 'heartbeat_at', type: 'bigint', isNullable: true },
        { name: 'result', type: 'text', isNullable: true },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('simulation_cells');
    await q.dropColumn('simulation_runs', 'cells');
  }
}
