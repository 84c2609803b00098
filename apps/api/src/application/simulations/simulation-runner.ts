import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ProgressAck, RunProgressRow, SimulationsRepository } from '../../persistence/simulations.repository';
import { ExecuteCellCommand, ExecuteSimulationCommand } from './simulations.commands';
import { formatScenarioError, joinCellResults, Scenario, ScenarioProgress, ScenarioResult, splitIntoCells, validateScenario } from '@nimbus/simulation';
import { failureMessage, IN_THIS_THREAD, SCENARIO_EXECUTOR, ScenarioExecutor } from './scenario-executor';
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
    /** Where scenarios run: this thread (the API's in-process fallback) unless a worker provides threads. */
    @Optional() @Inject(SCENARIO_EXECUTOR) private readonly executor: ScenarioExecutor = IN_THIS_THREAD,
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

    const ran = await this.runKept(parsed.scenario, row.untilMs, cmd.stop, (p) => this.writes.run((tx) => this.runs.progress(tx, id, attempt, p, Date.now())), { simulationId: id, attempt });
    if (ran.outcome === 'failed') return this.failed(id, attempt, ran.error);
    if (ran.outcome !== 'ran') return ran.outcome;
    const result = ran.result;
    const state = result.cancelled ? 'cancelled' : 'completed';
    const stored = await this.writes.run((tx) =>
      this.runs.finish(tx, id, attempt, {
        state, report: JSON.stringify(result), digest: result.digest,
        progress: { simulatedMs: result.simulatedMs, untilMs: ran.untilMs, events: result.events },
      }, Date.now()),
    );
    if (!stored) return 'lost';
    this.logger.log({ simulationId: id, attempt, state, digest: result.digest }, 'simulation run stored');
    return state;
  }

  /**
   * Runs one cell (one zone) of a run split into cells (`simulation_runs.cells` > 1): the cell of
   * `splitIntoCells`, with the same bookkeeping as a whole run, its result stored in its cell's row
   * once. The run's join (`joinCells`) assembles the result when every cell is done.
   */
  async executeCell(cmd: ExecuteCellCommand): Promise<ExecutionOutcome> {
    const { simulationId: id, cell } = cmd;
    const row = await this.runs.findById(this.runs.reader, id);
    if (!row) return 'skipped';
    const parsed = validateScenario(JSON.parse(row.scenario));
    const runAttempt = await this.writes.run((tx) => this.runs.startCells(tx, id, cmd.worker, Date.now()));
    if (runAttempt === null) return 'skipped';
    if (!parsed.ok) return this.failed(id, runAttempt, `the stored scenario is no longer valid: ${parsed.errors.map(formatScenarioError).join('; ')}`);
    const cells = splitIntoCells(parsed.scenario);
    if (!cells || cell < 0 || cell >= cells.length || cells.length !== row.cells) return this.failed(id, runAttempt, `the run has no cell ${cell} (its scenario splits into ${cells?.length ?? 1})`);
    const attempt = await this.writes.run((tx) => this.runs.claimCell(tx, id, cell, cmd.worker, Date.now()));
    if (attempt === null) return 'skipped'; // done already (a retried job)
    this.logger.log({ simulationId: id, cell, attempt, worker: cmd.worker }, 'simulation cell started');
    const ran = await this.runKept(cells[cell], row.untilMs, cmd.stop, (p) =>
      this.writes.run((tx) => this.runs.cellProgress(tx, id, cell, attempt, runAttempt, p, Date.now())), { simulationId: id, cell, attempt },
    );
    if (ran.outcome === 'failed') return this.failed(id, runAttempt, `${ran.error} (in cell ${cell}, zone ${cells[cell].fleet.zones[0].name})`);
    if (ran.outcome !== 'ran') return ran.outcome;
    const result = ran.result;
    const stored = await this.writes.run((tx) =>
      this.runs.finishCell(tx, id, cell, attempt, runAttempt, { result: JSON.stringify(result), simulatedMs: result.simulatedMs, events: result.events }, Date.now()),
    );
    if (!stored) return 'lost';
    this.logger.log({ simulationId: id, cell, attempt, cancelled: result.cancelled }, 'simulation cell stored');
    return result.cancelled ? 'cancelled' : 'completed';
  }

  /**
   * The end of a run split into cells, once every cell's job has ended: the cells' results joined
   * into the run's (`joinCellResults`, equal to one run of the whole fleet), stored once. A run
   * asked to stop before every cell ran is cancelled with no results.
   */
  async joinCells(cmd: ExecuteSimulationCommand): Promise<ExecutionOutcome> {
    const id = cmd.simulationId;
    const row = await this.runs.findById(this.runs.reader, id);
    if (!row || row.state !== 'running') return 'skipped';
    const parsed = validateScenario(JSON.parse(row.scenario));
    if (!parsed.ok) return this.failed(id, row.attempt, 'the stored scenario is no longer valid');
    const cells = await this.runs.cellsOf(this.runs.reader, id);
    const done = cells.filter((c) => c.state === 'done' && c.result !== null);
    if (done.length < row.cells) {
      if (row.cancelRequestedAt !== null) {
        const cancelled = await this.writes.run((tx) => this.runs.cancelWithoutResults(tx, id, row.attempt, Date.now()));
        return cancelled ? 'cancelled' : 'lost';
      }
      // A cell's job ended without its result (it is being run again): BullMQ retries the join.
      throw new Error(`simulation ${id}: ${done.length} of ${row.cells} cells have results`);
    }
    const result = joinCellResults(parsed.scenario, done.map((c) => JSON.parse(c.result!) as ScenarioResult));
    const state = result.cancelled ? 'cancelled' : 'completed';
    const stored = await this.writes.run((tx) =>
      this.runs.finish(tx, id, row.attempt, {
        state, report: JSON.stringify(result), digest: result.digest,
        progress: { simulatedMs: result.simulatedMs, untilMs: row.untilMs, events: result.events },
      }, Date.now()),
    );
    if (!stored) return 'lost';
    this.logger.log({ simulationId: id, cells: row.cells, state, digest: result.digest }, 'simulation cells joined and stored');
    return state;
  }

  /**
   * Runs a scenario with the bookkeeping of a run: progress written every `flushEveryMs` (and a
   * heartbeat while data loads), a cancellation or a lost ownership noticed at the next write,
   * the process's stop honoured. `write` stores progress and says whether the run is still ours.
   */
  private async runKept(
    scenario: Scenario, untilMs: number, stop: AbortSignal | undefined, write: (p: RunProgressRow) => Promise<ProgressAck>,
    log: Record<string, unknown>,
  ): Promise<{ outcome: 'ran'; result: ScenarioResult; untilMs: number } | { outcome: 'lost' } | { outcome: 'stopped' } | { outcome: 'failed'; error: string }> {
    const abort = new AbortController();
    const onStop = () => abort.abort();
    stop?.addEventListener('abort', onStop);
    let latest: RunProgressRow = { simulatedMs: 0, untilMs, events: 0 };
    let flushedAt = 0;
    let flushing: Promise<void> | undefined;
    let lost = false;
    let cancelRequested = false;
    let bookkeepingError: unknown;
    const flush = (): Promise<void> =>
      (flushing ??= (async () => {
        try {
          const ack = await write(latest);
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
      result = await this.executor.run(scenario, {
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
      if (lost || stop?.aborted) return { outcome: lost ? 'lost' : 'stopped' };
      this.logger.warn({ ...log, err }, 'simulation run failed');
      return { outcome: 'failed', error: failureMessage(err) };
    } finally {
      clearInterval(heartbeat);
      stop?.removeEventListener('abort', onStop);
      await flushing;
    }
    if (bookkeepingError !== undefined) throw bookkeepingError;
    if (lost) return { outcome: 'lost' };
    // Stopped by this process's shutdown, not by the operator: the run is to be run again.
    if (result.cancelled && !cancelRequested && stop?.aborted) return { outcome: 'stopped' };
    return { outcome: 'ran', result, untilMs: latest.untilMs };
  }

  private async failed(id: string, attempt: number, message: string): Promise<ExecutionOutcome> {
    const stored = await this.writes.run((tx) => this.runs.fail(tx, id, attempt, message, Date.now()));
    return stored ? 'failed' : 'lost';
  }
}
