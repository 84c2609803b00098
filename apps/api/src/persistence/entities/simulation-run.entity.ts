import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * A load-simulation run (issue 11): its scenario, its state, where its worker has got to. Times are
 * wall-clock milliseconds (a run happens in the real world), except `simulatedMs` and `untilMs`,
 * which are simulated time from the scenario's start. `attempt` counts the claims of the run by a
 * worker: a worker writes progress and results only while the attempt is its own, so a run that a
 * second worker took over (stalled-job recovery) is stored once.
 */
@Entity('simulation_runs')
@Index('ix_simulation_runs_created', ['createdAt', 'id'])
@Index('ix_simulation_runs_state', ['state'])
@Index('ix_simulation_runs_cache_key', ['cacheKey'])
export class SimulationRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  /** queued, running, completed, failed, cancelled. */
  @Column({ type: 'varchar', length: 16 }) state!: string;
  /** The built-in scenario it came from, if any. */
  @Column({ name: 'built_in', type: 'varchar', length: 128, nullable: true }) builtIn!: string | null;
  /** The validated scenario (JSON), overrides applied. */
  @Column({ type: 'text' }) scenario!: string;
  @Column({ type: 'integer', default: 0 }) attempt!: number;
  @Column({ type: 'varchar', length: 128, nullable: true }) worker!: string | null;
  @Column({ name: 'simulated_ms', type: 'bigint', default: 0, transformer: msTransformer }) simulatedMs!: number;
  @Column({ name: 'until_ms', type: 'bigint', transformer: msTransformer }) untilMs!: number;
  @Column({ type: 'bigint', default: 0, transformer: msTransformer }) events!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: msTransformer }) startedAt!: number | null;
  /** The last sign of life of the worker running it. */
  @Column({ name: 'heartbeat_at', type: 'bigint', nullable: true, transformer: msTransformer }) heartbeatAt!: number | null;
  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: msTransformer }) finishedAt!: number | null;
  @Column({ name: 'cancel_requested_at', type: 'bigint', nullable: true, transformer: msTransformer }) cancelRequestedAt!: number | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  /** The report's digest (set with the report). */
  @Column({ type: 'varchar', length: 128, nullable: true }) digest!: string | null;
  /** How many cells (one per zone) it runs as on parallel workers; 1: it runs whole. */
  @Column({ type: 'integer', default: 1 }) cells!: number;
  /** SHA-256 (hex) of the scenario's canonical JSON and the simulation code's version: runs with the same key compute the same result. */
  @Column({ name: 'cache_key', type: 'varchar', length: 64, nullable: true }) cacheKey!: string | null;
}
