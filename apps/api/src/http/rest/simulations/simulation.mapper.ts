import { ScenarioResult } from '@nimbus/simulation';
import { BuiltInScenario, ChartSeries, SimulationComparison, SimulationPage, SimulationReport, SimulationView } from '../../../application/simulations/simulations.service';
import { ListSimulationsQueryDto } from './simulation.dto';
import { ListSimulationsCommand } from '../../../application/simulations/simulations.commands';

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
const seconds = (ms: number) => ms / 1000;

export function mapSimulation(v: SimulationView, report?: ScenarioResult | null) {
  return {
    simulationId: v.id,
    state: v.state,
    progress: {
      simulatedTime: seconds(v.progress.simulatedMs), simulatedDuration: seconds(v.progress.untilMs), fraction: v.progress.fraction, events: v.progress.events,
      wallSeconds: seconds(v.progress.wallMs), etaSeconds: v.progress.etaMs === null ? null : seconds(v.progress.etaMs),
    },
    ...(v.builtIn !== null ? { builtIn: v.builtIn } : {}),
    scenario: v.scenario,
    attempt: v.attempt,
    ...(v.worker !== null ? { worker: v.worker } : {}),
    cancelRequested: v.cancelRequested,
    createdAt: iso(v.createdAt),
    ...(v.startedAt !== null ? { startedAt: iso(v.startedAt) } : {}),
    ...(v.finishedAt !== null ? { finishedAt: iso(v.finishedAt) } : {}),
    ...(v.error !== null ? { error: v.error } : {}),
    ...(v.digest !== null ? { digest: v.digest } : {}),
    execution: {
      cells: v.execution.cells,
      ...(v.execution.cellStates
        ? { cellStates: v.execution.cellStates.map((c) => ({ cell: c.cell, zone: c.zone, state: c.state, attempt: c.attempt, ...(c.worker !== null ? { worker: c.worker } : {}), simulatedTime: seconds(c.simulatedMs), events: c.events })) }
        : {}),
    },
    ...(report ? { report } : {}),
  };
}

export function mapSimulationPage(p: SimulationPage) {
  return { simulations: p.runs.map((r) => mapSimulation(r)), ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
}

export function toListSimulationsCommand(q: ListSimulationsQueryDto): ListSimulationsCommand {
  return { maxResults: q.maxResults, nextToken: q.nextToken };
}

/** The report: the run's id and state, and the scenario library's result as it stored it. */
export function mapReport(r: SimulationReport) {
  return { simulationId: r.run.id, state: r.run.state, ...r.result };
}

export function mapChartSeries(simulationId: string, s: ChartSeries) {
  return { simulationId, ...s };
}

export function mapComparison(c: SimulationComparison) {
  const side = (r: SimulationReport) => ({ simulationId: r.run.id, state: r.run.state, cancelled: r.result.cancelled, simulatedMs: r.result.simulatedMs, digest: r.result.digest });
  return { a: side(c.a), b: side(c.b), headline: c.headline, series: c.series };
}

export function mapBuiltInScenarios(list: BuiltInScenario[]) {
  return { scenarios: list.map((b) => ({ name: b.name, ...(b.description !== null ? { description: b.description } : {}), summary: b.summary, scenario: b.scenario })) };
}
