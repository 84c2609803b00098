import { Injectable, Logger } from '@nestjs/common';
import { RunProgressRow, SimulationsRepository } from '../../persistence/simulations.repository';
import { ExecuteSimulationCommand } from './simulations.commands';
import { formatScenarioError, runScenario, ScenarioDataMissing, ScenarioProgress, ScenarioResult, validateScenario } from '@nimbus/simulation';
import { DatasetNotFound, loadScenarioData } from '../../datasets/datasets';
import { SimulationWrites } from './simulation-writes';

/**
 * What became of one execution: `completed` or `cancelled` (results stored, by this call), `failed`
 * (the scenario failed; stored), `skipped` (nothing to run: finished, cancelled or deleted),
 * `lost` (another worker took the run over; nothing stored), `stopped` (this process is shutting
 * down; the run is left to be run again, nothing stored).
 */
export type ExecutionOutcome = 'completed' | 'cancelled' | 'failed' | 'skipped' | 'lost' | 'stopped';

export interface RunnerOptions {
  /** How often progress (and the heartbeat) is written, and a cancellation noticed (wall ms). */
  readonly flushEveryMs: number;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = { flushEveryMs: 250 };
export const RUNNER_OPTIONS = Symbol('RUNNER_OPTIONS');

/**
 * Runs a stored run: the one rule that BullMQ's workers and the in-process fallback both call.
 *
 * The worker claims the run (a new attempt: a run whose worker died is restarted from scratch),
 * runs the scenario with an AbortSignal, writes progress as it goes, and finally stores the
 * results, in one transaction and only if the run is still this attempt's: so however many
 * workers started it, its results are stored once. A cancellation is seen at the next progress
 * write; the scenario stops at its next slice and its partial results are stored, marked cancelled.
 */
@Injectable()
export class SimulationRunner {
  private readonly logger = new Logger(SimulationRunner.name);
  private options: RunnerOptions = DEFAULT_RUNNER_OPTIONS;

  constructor(
    private readonly runs: SimulationsRepository,
    private readonly writes: SimulationWrites,
  ) {}

  configure(options: Partial<RunnerOptions>): void {
    this.options = { ...this.options, ...options };
  }

  async execute(cmd: ExecuteSimulationCommand): Promise<ExecutionOutcome> {
    const id = cmd.simulationId;
    const attempt = await this.writes.run((tx) => this.runs.claim(tx, id, cmd.worker, Date.now()));
    if (attempt === null) {
      // Asked to stop while its worker was gone: nothing to resume, nothing to keep.
      const abandoned = await this.writes.run((tx) => this.runs.cancelAbandoned(tx, id, Date.now()));
      return abandoned ? 'cancelled' : 'skipped';
    }
    const row = await this.runs.findById(this.runs.reader, id);
    if (!row) return 'skipped';
    this.logger.log({ simulationId: id, attempt, worker: cmd.worker }, 'simulation run started');
    const parsed = validateScenario(JSON.parse(row.scenario));
    if (!parsed.ok) return this.failed(id, attempt, `the stored scenario is no longer valid: ${parsed.errors.map(formatScenarioError).join('; ')}`);

    // Datasets (docs/scenarios.md, "Data") are loaded below, inside the run: one that is missing
    // fails the run, naming it (DatasetNotFound, ScenarioDataMissing), as any error of the scenario.
    const abort = new AbortController();
    const onStop = () => abort.abort();
    cmd.stop?.addEventListener('abort', onStop);
    let latest: RunProgressRow = { simulatedMs: 0, untilMs: row.untilMs, events: 0 };
    let flushedAt = 0;
    let flushing: Promise<void> | undefined;
    let lost = false;
    let cancelRequested = false;
    let bookkeepingError: unknown;
    const flush = (): Promise<void> =>
      (flushing ??= (async () => {
        try {
          const ack = await this.writes.run((tx) => this.runs.progress(tx, id, attempt, latest, Date.now()));
          flushedAt = Date.now();
          if (!ack.owned) lost = true;
          if (ack.cancelRequested) cancelRequested = true;
        } catch (err) {
          bookkeepingError ??= err;
        } finally {
          flushing = undefined;
        }
        if (lost || cancelRequested || bookkeepingError !== undefined) abort.abort();
      })());
    // A heartbeat while the scenario is busy elsewhere than its slices (loading data).
    const heartbeat = setInterval(() => void flush(), Math.max(this.options.flushEveryMs, 1000));
    let result: ScenarioResult;
    try {
      const data = await loadScenarioData(parsed.scenario);
      result = await runScenario(parsed.scenario, data, {
        signal: abort.signal,
        onProgress: async (p: ScenarioProgress) => {
          latest = { simulatedMs: p.simulatedMs, untilMs: p.untilMs, events: p.events };
          if (Date.now() - flushedAt >= this.options.flushEveryMs) await flush();
          // runScenario runs its slices back to back: let the event loop turn between them (BullMQ
          // renews its job lock, the in-process API answers requests, the heartbeat fires).
          await new Promise<void>((resolve) => setImmediate(resolve));
        },
      });
    } catch (err) {
      // A write of the bookkeeping failed (the database, not the scenario): the queue retries the run.
      if (bookkeepingError !== undefined) throw bookkeepingError;
      if (lost || cmd.stop?.aborted) return lost ? 'lost' : 'stopped';
      this.logger.warn({ simulationId: id, attempt, err }, 'simulation run failed');
      return this.failed(id, attempt, failureMessage(err));
    } finally {
      clearInterval(heartbeat);
      cmd.stop?.removeEventListener('abort', onStop);
      await flushing;
    }
    if (bookkeepingError !== undefined) throw bookkeepingError;
    if (lost) return 'lost';
    if (result.cancelled && !cancelRequested) {
      // Stopped by this process's shutdown, not by the operator: the run is to be run again.
      if (cmd.stop?.aborted) return 'stopped';
    }
    const state = result.cancelled ? 'cancelled' : 'completed';
    const stored = await this.writes.run((tx) =>
      this.runs.finish(tx, id, attempt, {
        state, report: JSON.stringify(result), digest: result.digest,
        progress: { simulatedMs: result.simulatedMs, untilMs: latest.untilMs, events: result.events },
      }, Date.now()),
    );
    if (!stored) return 'lost';
    this.logger.log({ simulationId: id, attempt, state, digest: result.digest }, 'simulation run stored');
    return state;
  }

  private async failed(id: string, attempt: number, message: string): Promise<ExecutionOutcome> {
    const stored = await this.writes.run((tx) => this.runs.fail(tx, id, attempt, message, Date.now()));
    return stored ? 'failed' : 'lost';
  }
}

/** Why a run failed, for its `error`: a missing dataset says which and where it was looked for. */
function failureMessage(err: unknown): string {
  if (err instanceof DatasetNotFound || err instanceof ScenarioDataMissing) return `a dataset the scenario needs is missing: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
