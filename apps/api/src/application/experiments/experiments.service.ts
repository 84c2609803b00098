import { Injectable, Logger } from '@nestjs/common';
import {
  applyExperimentOverrides, builtInExperiment, builtInExperimentNames, Experiment, ExperimentError, ExperimentReport, experimentReportCsv, EXPERIMENT_SCHEMA, expandExperiment, splitIntoCells,
} from '@nimbus/simulation';
import { ApiError, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { ExperimentEntity } from '../../persistence/entities';
import { ExperimentsRepository } from '../../persistence/experiments.repository';
import { SimulationsRepository } from '../../persistence/simulations.repository';
import { scenarioCacheKey } from '../simulations/cache-key';
import { SimulationQueue, SimulationWrites } from '../simulations/simulation-writes';
import { declaredSpanMs } from '../simulations/simulations.service';
import { ExperimentFinisher } from './experiment-finisher';

export interface SubmitExperimentCommand {
  readonly experiment?: unknown;
  readonly builtIn?: string;
  /** With builtIn: a JSON Merge Patch applied to the built-in experiment. */
  readonly overrides?: unknown;
}

export interface ExperimentRunView {
  readonly variant: number;
  readonly repetition: number;
  readonly values: Readonly<Record<string, string>>;
  readonly simulationId: string;
  readonly state: string;
  /** Computed before, for the same scenario, seed and code: not run again. */
  readonly reused: boolean;
}

export interface ExperimentView {
  readonly id: string;
  readonly name: string;
  readonly builtIn: string | null;
  readonly state: 'running' | 'completed' | 'failed';
  readonly experiment: Experiment;
  readonly progress: { readonly runs: number; readonly finished: number; readonly reused: number; readonly fraction: number };
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly error: string | null;
  readonly runs?: readonly ExperimentRunView[];
  readonly report?: ExperimentReport;
}

const MAX_LISTED_ERRORS = 50;
const FINAL = ['completed', 'failed', 'cancelled'];

export const experimentNotFound = (id: string) => new ApiError('InvalidExperimentID.NotFound', `The experiment ID '${id}' does not exist`);
export const invalidExperiment = (errors: readonly ExperimentError[]) =>
  new ApiError('InvalidExperiment', `The experiment is not valid: ${errors.slice(0, MAX_LISTED_ERRORS).map((e) => `${e.path}: ${e.message}`).join('; ')}${errors.length > MAX_LISTED_ERRORS ? `; and ${errors.length - MAX_LISTED_ERRORS} more` : ''}`);

/**
 * Experiments (issue 12): submit one (built-in or posted), read its progress and then its report.
 * Each run is a simulation run: one already computed for the same scenario, seed and code
 * (`scenarioCacheKey`) is reused, the others are queued as one flow whose parent stores the report.
 */
@Injectable()
export class ExperimentsService {
  private readonly logger = new Logger(ExperimentsService.name);

  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly runs: SimulationsRepository,
    private readonly writes: SimulationWrites,
    private readonly queue: SimulationQueue,
    private readonly finisher: ExperimentFinisher,
  ) {}

  builtIns(): { name: string; experiment: Experiment; runs: number }[] {
    return builtInExperimentNames().map((name) => {
      const experiment = builtInExperiment(name)!;
      return { name, experiment, runs: experiment.variables.reduce((n, v) => n * v.values.length, 1) * (experiment.repetitions ?? 1) };
    });
  }

  schema(): Record<string, unknown> {
    return EXPERIMENT_SCHEMA as unknown as Record<string, unknown>;
  }

  async submit(cmd: SubmitExperimentCommand): Promise<ExperimentView> {
    if ((cmd.experiment === undefined) === (cmd.builtIn === undefined)) throw invalidParameter('Give exactly one of experiment or builtIn');
    if (cmd.overrides !== undefined && cmd.builtIn === undefined) throw invalidParameter('overrides apply to a builtIn experiment only');
    let doc = cmd.experiment;
    if (cmd.builtIn !== undefined) {
      const base = builtInExperiment(cmd.builtIn);
      if (!base) throw invalidParameter(`builtIn '${cmd.builtIn}' is not a built-in experiment (built-in: ${builtInExperimentNames().join(', ')})`);
      doc = cmd.overrides === undefined ? base : applyExperimentOverrides(base, cmd.overrides);
    }
    const x = expandExperiment(doc);
    if (!x.ok) throw invalidExperiment(x.errors);
    const id = resourceId('exp');
    const now = Date.now();
    const fresh: { id: string; cells: number }[] = [];
    const row = await this.writes.run(async (tx) => {
      const byKey = new Map<string, { id: string; reused: boolean }>();
      const links = [];
      for (const [runIndex, spec] of x.runs.entries()) {
        const key = scenarioCacheKey(spec.scenario);
        let run = byKey.get(key);
        if (!run) {
          const existing = await this.runs.findReusable(tx, key);
          if (existing) run = { id: existing.id, reused: true };
          else {
            const cells = splitIntoCells(spec.scenario)?.length ?? 1;
            const inserted = await this.runs.insert(tx, {
              id: resourceId('sim'), builtIn: null, scenario: JSON.stringify(spec.scenario), untilMs: declaredSpanMs(spec.scenario), createdAt: now, cells, cacheKey: key,
            });
            fresh.push({ id: inserted.id, cells });
            run = { id: inserted.id, reused: false };
          }
          byKey.set(key, run);
        }
        links.push({ runIndex, variant: spec.variant, repetition: spec.repetition, simulationId: run.id, reused: run.reused });
      }
      return this.experiments.insert(tx, { id, name: x.experiment.name, builtIn: cmd.builtIn ?? null, document: JSON.stringify(x.experiment), runs: x.runs.length, createdAt: now }, links);
    });
    try {
      await this.queue.enqueueExperiment(id, fresh);
    } catch (err) {
      // Stored: the runs are queued in the database, and reconciliation queues them once Redis answers.
      this.logger.warn({ experimentId: id, err }, 'experiment stored but its runs not queued yet (queue unavailable)');
    }
    return this.view(row, true);
  }

  async get(experimentId: string): Promise<ExperimentView> {
    let row = await this.require(experimentId);
    // In-process, or a flow whose parent job was lost: the report is made at the first read after the last run.
    if (row.state === 'running' && (await this.finisher.finish(experimentId)) !== 'waiting') row = await this.require(experimentId);
    return this.view(row, true);
  }

  async list(q: { maxResults?: number; nextToken?: string }): Promise<{ experiments: ExperimentView[]; nextToken?: string }> {
    const limit = q.maxResults ?? 50;
    const after = q.nextToken !== undefined ? decodeToken(q.nextToken) : undefined;
    const rows = await this.experiments.page(this.experiments.reader, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const views = [];
    for (const r of page) views.push(await this.view(r, false));
    return { experiments: views, ...(rows.length > limit && last ? { nextToken: Buffer.from(JSON.stringify({ c: last.createdAt, id: last.id })).toString('base64url') } : {}) };
  }

  async csv(experimentId: string): Promise<{ filename: string; csv: string }> {
    const v = await this.get(experimentId);
    if (!v.report) throw new ApiError('IncorrectExperimentState', `The experiment '${v.id}' is ${v.state}: ${v.state === 'failed' ? `it failed (${v.error ?? 'no detail'}) and has no report` : 'it has no report yet'}`);
    return { filename: `${v.id}-${v.name}.csv`, csv: experimentReportCsv(v.report) };
  }

  private async require(id: string): Promise<ExperimentEntity> {
    const row = /^exp-[0-9a-f]{17}$/.test(id) ? await this.experiments.findById(this.experiments.reader, id) : null;
    if (!row) throw experimentNotFound(id);
    return row;
  }

  private async view(row: ExperimentEntity, detail: boolean): Promise<ExperimentView> {
    const m = this.experiments.reader;
    const links = await this.experiments.runsOf(m, row.id);
    const states = new Map((await this.runs.findByIds(m, links.map((l) => l.simulationId))).map((r) => [r.id, r.state]));
    const experiment = JSON.parse(row.document) as Experiment;
    const expanded = detail ? expandExperiment(experiment) : undefined;
    const finished = links.filter((l) => FINAL.includes(states.get(l.simulationId) ?? 'deleted') || !states.has(l.simulationId)).length;
    return {
      id: row.id, name: row.name, builtIn: row.builtIn, state: row.state as ExperimentView['state'], experiment,
      progress: { runs: row.runs, finished, reused: links.filter((l) => l.reused).length, fraction: row.runs > 0 ? finished / row.runs : 1 },
      createdAt: row.createdAt, finishedAt: row.finishedAt, error: row.error,
      ...(detail
        ? {
          runs: links.map((l) => ({
            variant: l.variant, repetition: l.repetition, values: expanded?.ok ? expanded.variants[l.variant] : {}, simulationId: l.simulationId,
            state: states.get(l.simulationId) ?? 'deleted', reused: l.reused,
          })),
        }
        : {}),
      ...(row.report !== null ? { report: JSON.parse(row.report) as ExperimentReport } : {}),
    };
  }
}

function decodeToken(token: string): { createdAt: number; id: string } {
  try {
    const p = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c?: unknown; id?: unknown };
    if (typeof p.c === 'number' && Number.isSafeInteger(p.c) && typeof p.id === 'string' && /^exp-[0-9a-f]{17}$/.test(p.id)) return { createdAt: p.c, id: p.id };
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The nextToken is not valid');
}
