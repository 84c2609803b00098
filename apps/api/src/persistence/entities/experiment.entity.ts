import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** An experiment (issue 12): its document, state and, once its runs are done, its report (JSON). Times are wall-clock ms. */
@Entity('experiments')
@Index('ix_experiments_created', ['createdAt', 'id'])
export class ExperimentEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ name: 'built_in', type: 'varchar', length: 128, nullable: true }) builtIn!: string | null;
  /** The experiment document as run (JSON). */
  @Column({ type: 'text' }) document!: string;
  /** running, completed, failed. */
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ type: 'integer' }) runs!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: msTransformer }) finishedAt!: number | null;
  @Column({ type: 'text', nullable: true }) report!: string | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
}

/** One run of an experiment: a variant and a repetition, and the simulation run that computes it (new, or reused). */
@Entity('experiment_runs')
export class ExperimentRunEntity {
  @PrimaryColumn({ name: 'experiment_id', type: 'varchar', length: 32 }) experimentId!: string;
  @PrimaryColumn({ name: 'run_index', type: 'integer' }) runIndex!: number;
  @Column({ type: 'integer' }) variant!: number;
  @Column({ type: 'integer' }) repetition!: number;
  @Column({ name: 'simulation_id', type: 'varchar', length: 32 }) simulationId!: string;
  /** The run was computed before (same scenario, seed and code), not for this experiment. */
  @Column({ type: 'boolean' }) reused!: boolean;
}
