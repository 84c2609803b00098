import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** A run's results (the scenario library's report, JSON): at most one per run, its key the run's id. */
@Entity('simulation_reports')
export class SimulationReportEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 32 }) runId!: string;
  /** The attempt of the run that produced it. */
  @Column({ type: 'integer' }) attempt!: number;
  @Column({ type: 'text' }) report!: string;
  @Column({ name: 'stored_at', type: 'bigint', transformer: msTransformer }) storedAt!: number;
}
