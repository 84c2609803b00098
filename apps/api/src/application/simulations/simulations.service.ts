import { Injectable, Logger } from '@nestjs/common';
import { ApiError, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { SimulationRunEntity } from '../../persistence/entities';
import { RunPageCursor, SimulationsRepository } from '../../persistence/simulations.repository';
import {
  applyScenarioOverrides, builtInScenario, builtInScenarioNames, datasetKey, datasetsNeeded, resolveScenario, resultToCsv, Scenario, SCENARIO_SCHEMA, ScenarioResult, SeriesName, splitIntoCells, TableName, validateScenario,
} from '@nimbus/simulation';
import { incorrectSimulationState, invalidScenario, simulationNotFound } from './simulation-errors';
import { SimulationQueue, SimulationWrites } from './simulation-writes';
import { scenarioCacheKey } from './cache-key';
import {
  CompareSimulationsCommand, ListSimulationsCommand, SimulationCsvCommand, SimulationIdCommand, SimulationSeriesCommand, SubmitSimulationCommand,
} from './simulations.commands';

export type SimulationState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export const FINAL_STATES: readonly SimulationState[] = ['completed', 'failed', 'cancelled'];

export interface SimulationProgress {
  /** Simulated time reached, from the scenario's start. */
  readonly simulatedMs: number;
  /** The simulated span of the run. */
  readonly untilMs: number;
  /** 0 to 1. */
  readonly fraction: number;
  readonly events: number;
  /** Wall time of the current attempt so far (or of the finished run). */
  readonly wallMs: number;
  /** Estimated wall time to the end; null when not running or nothing to go on yet. */
  readonly etaMs: number | null;
}

/** A run as the operator sees it. */
export interface SimulationView {
  readonly id: string;
  readonly state: SimulationState;
  readonly builtIn: string | null;
  readonly scenario: unknown;
  readonly attempt: number;
  readonly worker: string | null;
  readonly progress: SimulationProgress;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly cancelRequested: boolean;
  readonly error: string | null;
  readonly digest: string | null;
  /** How it runs: whole (1 cell), or as one cell per zone on parallel workers; the cells' own state when asked for one run. */
  readonly execution: { readonly cells: number; readonly cellStates?: readonly CellView[] };
}

/** One cell (zone) of a run split into cells. */
export interface CellView {
  readonly cell: number;
  readonly zone: string;
  /** pending (not started), running, done. */
  readonly state: 'pending' | 'running' | 'done';
  readonly attempt: number;
  readonly worker: string | null;
  readonly simulatedMs: number;
  readonly events: number;
}

export interface SimulationPage {
  readonly runs: SimulationView[];
  readonly nextToken?: string;
}

/** A finished run's report. */
export interface SimulationReport {
  readonly run: SimulationView;
  readonly result: ScenarioResult;
}

/** One series of a run, chart-ready: one x axis (bucket offsets), one dataset per group. */
export interface ChartSeries {
  readonly name: string;
  readonly unit: string;
  readonly bucketMs: number;
  readonly offsetsMs: number[];
  readonly datasets: { groupBy: string; group: string; values: number[] }[];
}

export interface HeadlineDelta {
  readonly a: number | null;
  readonly b: number | null;
  /** b − a, when both have the figure. */
  readonly delta: number | null;
  /** (b − a) / |a|, when both have it and a ≠ 0. */
  readonly relativeDelta: number | null;
}

export interface SimulationComparison {
  readonly a: SimulationReport;
  readonly b: SimulationReport;
  readonly headline: Record<string, HeadlineDelta>;
  /** The same series (name, groupBy, group) of both runs, side by side; null where a run lacks it. */
  readonly series: { name: string; unit: string; bucketMs: number; groupBy: string; group: string; a: number[] | null; b: number[] | null }[];
}

/** A built-in scenario: its document, and what it holds at a glance. */
export interface BuiltInScenario {
  readonly name: string;
  readonly description: string | null;
  readonly scenario: Scenario;
  readonly summary: {
    readonly durationHours: number;
    readonly bucketSeconds: number;
    readonly zones: string[];
    readonly hosts: number;
    readonly tenants: number;
    readonly workloads: number;
    /** What it reads (datasetsNeeded): `azure2019`, `planetlab/<day>`, `bitbrains/<path>`. */
    readonly datasets: string[];
  };
}

const DEFAULT_PAGE = 50;


function encodeToken(c: RunPageCursor): string {
  return Buffer.from(JSON.stringify({ c: c.createdAt, id: c.id }), 'utf8').toString('base64url');
}

function decodeToken(token: string): RunPageCursor {
  try {
    const p = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c?: unknown; id?: unknown };
    if (typeof p.c === 'number' && Number.isSafeInteger(p.c) && typeof p.id === 'string' && /^sim-[0-9a-f]{17}$/.test(p.id)) return { createdAt: p.c, id: p.id };
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The nextToken is not valid');
}

/** The simulated span a scenario declares (as the run computes it): the progress bar's end until the first progress. */
export function declaredSpanMs(s: Scenario): number {
  const r = resolveScenario(s);
  return r.endMs - r.startMs;
}

export function viewOf(r: SimulationRunEntity, now: number): SimulationView {
  const state = r.state as SimulationState;
  const fraction = r.untilMs > 0 ? Math.min(1, r.simulatedMs / r.untilMs) : state === 'completed' ? 1 : 0;
  const wallMs = r.startedAt === null || state === 'queued' ? 0 : Math.max(0, (r.finishedAt ?? now) - r.startedAt);
  const etaMs = state === 'running' && fraction > 0 ? Math.round((wallMs * (1 - fraction)) / fraction) : null;
  return {
    id: r.id, state, builtIn: r.builtIn, scenario: JSON.parse(r.scenario), attempt: r.attempt, worker: r.worker,
    progress: { simulatedMs: r.simulatedMs, untilMs: r.untilMs, fraction, events: r.events, wallMs, etaMs },
    createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt, cancelRequested: r.cancelRequestedAt !== null, error: r.error, digest: r.digest,
    execution: { cells: r.cells },
  };
}

/**
 * Load-simulation runs (issue 11): submit, read, list, cancel, delete, and read back the results.
 * Running a run is SimulationRunner's (called by a queue worker or the in-process fallback).
 */
@Injectable()
export class SimulationsService {
  private readonly logger = new Logger(SimulationsService.name);

  constructor(
    private readonly runs: SimulationsRepository,
    private readonly writes: SimulationWrites,
    private readonly queue: SimulationQueue,
  ) {}

  /** The built-in scenarios (docs/scenarios.md), in the library's order: each one's document and a summary of it. */
  builtIns(): BuiltInScenario[] {
    return builtInScenarioNames().map((name) => {
      const scenario = builtInScenario(name)!;
      const zones = scenario.fleet.zones;
      return {
        name, description: scenario.description ?? null, scenario,
        summary: {
          durationHours: scenario.durationHours, bucketSeconds: resolveScenario(scenario).bucketMs / 1000,
          zones: zones.map((z) => z.name), hosts: zones.reduce((n, z) => n + z.hosts.reduce((m, h) => m + h.count, 0), 0),
          tenants: scenario.tenants.length, workloads: scenario.tenants.reduce((n, t) => n + t.workloads.length, 0),
          datasets: datasetsNeeded(scenario).map(datasetKey),
        },
      };
    });
  }

  /** The scenario document's JSON Schema (draft-07), as the validator uses it. */
  scenarioSchema(): Record<string, unknown> {
    return SCENARIO_SCHEMA;
  }

  /** Validates the scenario, stores the run (queued) and queues it. */
  async submit(cmd: SubmitSimulationCommand): Promise<SimulationView> {
    const scenario = this.resolve(cmd);
    // A fleet whose zones do not interact runs as one cell per zone, on parallel workers (docs/simulations.md, "Cells").
    const cells = cmd.split === false ? 1 : (splitIntoCells(scenario)?.length ?? 1);
    const row = await this.writes.run((tx) =>
      this.runs.insert(tx, { id: resourceId('sim'), builtIn: cmd.builtIn ?? null, scenario: JSON.stringify(scenario), untilMs: declaredSpanMs(scenario), createdAt: Date.now(), cells, cacheKey: scenarioCacheKey(scenario) }),
    );
    try {
      await this.queue.enqueue({ id: row.id, cells: row.cells });
    } catch (err) {
      // Stored and queued in the database: the queue's reconciliation queues it once Redis answers.
      this.logger.warn({ simulationId: row.id, err }, 'simulation stored but not queued yet (queue unavailable)');
    }
    return viewOf(row, Date.now());
  }

  async get(q: SimulationIdCommand): Promise<SimulationView> {
    return viewOf(await this.require(q.simulationId), Date.now());
  }

  /** One run with its cells' state, when it runs as cells. */
  async getWithCells(q: SimulationIdCommand): Promise<SimulationView> {
    const row = await this.require(q.simulationId);
    const view = viewOf(row, Date.now());
    if (row.cells <= 1) return view;
    const zones = resolveScenario(JSON.parse(row.scenario) as Scenario).zones;
    const started = new Map((await this.runs.cellsOf(this.runs.reader, row.id)).map((c) => [c.cell, c]));
    const cellStates = zones.map((zone, cell): CellView => {
      const c = started.get(cell);
      return c
        ? { cell, zone, state: c.state === 'done' ? 'done' : 'running', attempt: c.attempt, worker: c.worker, simulatedMs: c.simulatedMs, events: c.events }
        : { cell, zone, state: 'pending', attempt: 0, worker: null, simulatedMs: 0, events: 0 };
    });
    return { ...view, execution: { cells: row.cells, cellStates } };
  }

  async list(q: ListSimulationsCommand): Promise<SimulationPage> {
    const limit = q.maxResults ?? DEFAULT_PAGE;
    const after = q.nextToken !== undefined ? decodeToken(q.nextToken) : undefined;
    const rows = await this.runs.page(this.runs.reader, limit + 1, after);
    const page = rows.slice(0, limit);
    const now = Date.now();
    const last = page.at(-1);
    return { runs: page.map((r) => viewOf(r, now)), ...(rows.length > limit && last ? { nextToken: encodeToken({ createdAt: last.createdAt, id: last.id }) } : {}) };
  }

  /**
   * A queued run is cancelled at once; a running one is asked to stop, and its worker stores its
   * partial results, marked cancelled (the answer shows `cancelRequested` until then).
   */
  async cancel(cmd: SimulationIdCommand): Promise<SimulationView> {
    const id = cmd.simulationId;
    const now = Date.now();
    const outcome = await this.writes.run(async (tx) => {
      const run = await this.runs.findById(tx, id);
      if (!run) throw simulationNotFound(id);
      if (run.state === 'queued') return (await this.runs.cancelQueued(tx, id, now)) ? 'withdraw' : 'none';
      if (run.state === 'running') return run.cancelRequestedAt === null ? ((await this.runs.requestCancel(tx, id, now)) ? 'asked' : 'none') : 'asked';
      throw incorrectSimulationState(id, run.state, 'only a queued or running simulation can be cancelled');
    });
    if (outcome === 'withdraw') await this.queue.withdraw(id).catch((err) => this.logger.warn({ simulationId: id, err }, 'could not take the cancelled run off the queue'));
    return this.get({ simulationId: id });
  }

  /** Deletes a run that is not running, with its results. */
  async delete(cmd: SimulationIdCommand): Promise<void> {
    const id = cmd.simulationId;
    const wasQueued = await this.writes.run(async (tx) => {
      const run = await this.runs.findById(tx, id);
      if (!run) throw simulationNotFound(id);
      if (run.state === 'running') throw incorrectSimulationState(id, run.state, 'cancel it before deleting it');
      if (!(await this.runs.delete(tx, id, ['queued', ...FINAL_STATES]))) throw incorrectSimulationState(id, 'running', 'cancel it before deleting it');
      return run.state === 'queued';
    });
    if (wasQueued) await this.queue.withdraw(id).catch((err) => this.logger.warn({ simulationId: id, err }, 'could not take the deleted run off the queue'));
  }

  async report(q: SimulationIdCommand): Promise<SimulationReport> {
    const run = viewOf(await this.require(q.simulationId), Date.now());
    const stored = await this.runs.report(this.runs.reader, run.id);
    if (stored === null) {
      const why = run.state === 'failed' ? `it failed (${run.error ?? 'no detail'}) and has no results` : 'it has no results yet';
      throw incorrectSimulationState(run.id, run.state, why);
    }
    return { run, result: JSON.parse(stored) as ScenarioResult };
  }

  /** The report, if the run has one (a finished run's answer carries it). */
  async reportIfAny(run: SimulationView): Promise<ScenarioResult | null> {
    if (run.state !== 'completed' && run.state !== 'cancelled') return null;
    const stored = await this.runs.report(this.runs.reader, run.id);
    return stored === null ? null : (JSON.parse(stored) as ScenarioResult);
  }

  async csv(q: SimulationCsvCommand): Promise<{ filename: string; csv: string }> {
    if ((q.series === undefined) === (q.table === undefined)) throw invalidParameter('Give exactly one of series or table');
    const { run, result } = await this.report(q);
    const name = (q.series ?? q.table)!;
    const known = new Set<string>(q.series !== undefined ? result.series.map((s) => s.name) : result.tables.map((t) => t.name));
    if (!known.has(name)) throw invalidParameter(`The report has no ${q.series !== undefined ? 'series' : 'table'} '${name}' (it has: ${[...known].join(', ') || 'none'})`);
    // A name the report has is one of the library's names.
    const what = q.series !== undefined ? { series: name as SeriesName } : { table: name as TableName };
    return { filename: `${run.id}-${name}.csv`, csv: resultToCsv(result, what) };
  }

  async series(q: SimulationSeriesCommand): Promise<ChartSeries> {
    const { result } = await this.report(q);
    const groups = result.series.filter((s) => s.name === q.name);
    if (groups.length === 0) throw notFoundSeries(q.name, result);
    const buckets = Math.max(...groups.map((g) => g.points.length));
    return {
      name: q.name, unit: groups[0].unit, bucketMs: groups[0].bucketMs,
      offsetsMs: Array.from({ length: buckets }, (_, i) => i * groups[0].bucketMs),
      datasets: groups.map((g) => ({ groupBy: g.groupBy, group: g.group, values: g.points })),
    };
  }

  async compare(q: CompareSimulationsCommand): Promise<SimulationComparison> {
    const [a, b] = await Promise.all([this.report({ simulationId: q.a }), this.report({ simulationId: q.b })]);
    const names = [...new Set([...Object.keys(a.result.headline), ...Object.keys(b.result.headline)])];
    const headline: Record<string, HeadlineDelta> = {};
    for (const n of names) {
      const va = a.result.headline[n] ?? null;
      const vb = b.result.headline[n] ?? null;
      const delta = va !== null && vb !== null ? vb - va : null;
      headline[n] = { a: va, b: vb, delta, relativeDelta: delta !== null && va !== 0 ? delta / Math.abs(va!) : null };
    }
    const key = (s: { name: string; groupBy: string; group: string }) => `${s.name}\u0000${s.groupBy}\u0000${s.group}`;
    const bByKey = new Map(b.result.series.map((s) => [key(s), s]));
    const aKeys = new Set(a.result.series.map(key));
    const series = [
      ...a.result.series.map((s) => ({ name: s.name, unit: s.unit, bucketMs: s.bucketMs, groupBy: s.groupBy, group: s.group, a: s.points, b: bByKey.get(key(s))?.points ?? null })),
      ...b.result.series.filter((s) => !aKeys.has(key(s))).map((s) => ({ name: s.name, unit: s.unit, bucketMs: s.bucketMs, groupBy: s.groupBy, group: s.group, a: null, b: s.points })),
    ];
    return { a, b, headline, series };
  }

  /**
   * The run as it changes, until it ends (server-sent events): polls the committed state, which
   * every worker writes, so it works the same with BullMQ workers on other machines and in-process.
   */
  async *watch(q: SimulationIdCommand, signal: AbortSignal, pollMs = 250): AsyncGenerator<SimulationView> {
    let last = '';
    while (!signal.aborted) {
      const row = await this.runs.findById(this.runs.reader, q.simulationId);
      if (!row) return;
      const view = viewOf(row, Date.now());
      const seen = JSON.stringify([view.state, view.progress.simulatedMs, view.progress.events, view.attempt, view.cancelRequested]);
      if (seen !== last) {
        last = seen;
        yield view;
      }
      if (FINAL_STATES.includes(view.state)) return;
      await new Promise<void>((resolve) => {
        // One listener at a time: each wait takes its own off again (a long stream would pile them up).
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  async require(id: string): Promise<SimulationRunEntity> {
    const run = await this.runs.findById(this.runs.reader, id);
    if (!run) throw simulationNotFound(id);
    return run;
  }

  /** The scenario of a submission, validated: a document, or a built-in one with its overrides. */
  private resolve(cmd: SubmitSimulationCommand): Scenario {
    if ((cmd.scenario === undefined) === (cmd.builtIn === undefined)) throw invalidParameter('Give exactly one of scenario or builtIn');
    if (cmd.overrides !== undefined && cmd.builtIn === undefined) throw invalidParameter('overrides apply to a builtIn scenario only');
    let doc: unknown = cmd.scenario;
    if (cmd.builtIn !== undefined) {
      const base = builtInScenario(cmd.builtIn);
      if (!base) throw invalidParameter(`builtIn '${cmd.builtIn}' is not a built-in scenario (built-in: ${builtInScenarioNames().join(', ')})`);
      doc = cmd.overrides === undefined ? base : applyScenarioOverrides(base, cmd.overrides);
    }
    const v = validateScenario(doc);
    if (!v.ok) throw invalidScenario(v.errors);
    return v.scenario;
  }
}

function notFoundSeries(name: string, r: ScenarioResult): ApiError {
  return new ApiError('InvalidSeries.NotFound', `The report has no series '${name}' (it has: ${[...new Set(r.series.map((s) => s.name))].join(', ') || 'none'})`);
}
