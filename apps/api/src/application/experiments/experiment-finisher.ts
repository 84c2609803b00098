import { Injectable, Logger } from '@nestjs/common';
import { expandExperiment, experimentReport, ScenarioResult } from '@nimbus/simulation';
import { ExperimentsRepository } from '../../persistence/experiments.repository';
import { SimulationsRepository } from '../../persistence/simulations.repository';
import { SimulationWrites } from '../simulations/simulation-writes';

export type FinishOutcome = 'completed' | 'failed' | 'waiting' | 'skipped';

/**
 * Ends an experiment once every one of its runs is final: its report (experimentReport over the
 * runs' stored results) stored once, or `failed` naming the runs that did not complete. The one
 * rule that BullMQ's `finish-experiment` job and a read of the experiment (in-process, or a
 * finished flow whose parent job was lost) both call.
 */
@Injectable()
export class ExperimentFinisher {
  private readonly logger = new Logger(ExperimentFinisher.name);

  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly runs: SimulationsRepository,
    private readonly writes: SimulationWrites,
  ) {}

  async finish(experimentId: string): Promise<FinishOutcome> {
    const m = this.experiments.reader;
    const x = await this.experiments.findById(m, experimentId);
    if (!x || x.state !== 'running') return 'skipped';
    const links = await this.experiments.runsOf(m, experimentId);
    const rows = new Map((await this.runs.findByIds(m, links.map((l) => l.simulationId))).map((r) => [r.id, r]));
    const missing = links.filter((l) => !rows.has(l.simulationId)).map((l) => l.simulationId);
    const fail = (error: string) => this.end(experimentId, { state: 'failed', error });
    if (missing.length > 0) return fail(`runs were deleted: ${[...new Set(missing)].join(', ')}`);
    if (links.some((l) => ['queued', 'running'].includes(rows.get(l.simulationId)!.state))) return 'waiting';
    const bad = [...new Set(links.map((l) => rows.get(l.simulationId)!).filter((r) => r.state !== 'completed'))];
    if (bad.length > 0) return fail(`runs did not complete: ${bad.map((r) => `${r.id} (${r.state}${r.error ? `: ${r.error}` : ''})`).join('; ')}`);
    const expanded = expandExperiment(JSON.parse(x.document));
    if (!expanded.ok || expanded.runs.length !== links.length) return fail('the stored experiment no longer expands into its runs (the model or its validation changed)');
    const results: ScenarioResult[] = [];
    for (const l of links) {
      const stored = await this.runs.report(m, l.simulationId);
      if (stored === null) return fail(`run ${l.simulationId} has no stored results`);
      results.push(JSON.parse(stored) as ScenarioResult);
    }
    const report = experimentReport(expanded.experiment, expanded.runs, expanded.variants, results);
    return this.end(experimentId, { state: 'completed', report: JSON.stringify(report) });
  }

  private async end(id: string, end: { state: 'completed'; report: string } | { state: 'failed'; error: string }): Promise<FinishOutcome> {
    const stored = await this.writes.run((tx) => this.experiments.end(tx, id, end, Date.now()));
    if (stored) this.logger.log({ experimentId: id, state: end.state }, 'experiment ended');
    return stored ? end.state : 'skipped';
  }
}
