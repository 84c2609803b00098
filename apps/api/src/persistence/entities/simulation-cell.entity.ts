import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * One cell (one zone) of a run split into cells. Its worker writes progress and its result only
 * while `attempt` is its own, as for a whole run; the result (the cell's ScenarioResult, JSON) is
 * stored once, with state `done`, and the run's join reads every cell's.
 */
@Entity('simulation_cells')
export class SimulationCellEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 32 }) runId!: string;
  @PrimaryColumn({ type: 'integer' }) cell!: number;
  @Column({ type: 'integer', default: 0 }) attempt!: number;
  @Column({ type: 'varchar', length: 128, nullable: true }) worker!: string | null;
  /** running, done. */
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ name: 'simulated_ms', type: 'bigint', default: 0, transformer: msTransformer }) simulatedMs!: number;
  @Column({ type: 'bigint', default: 0, transformer: msTransformer }) events!: number;
  @Column({ name: 'heartbeat_at', type: 'bigint', nullable: true, transformer: msTransformer }) heartbeatAt!: number | null;
  @Column({ type: 'text', nullable: true }) result!: string | null;
}
