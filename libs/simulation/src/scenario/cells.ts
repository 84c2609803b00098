import { assembleResult, partialOfCell } from './results/assemble';
import { ScenarioResult } from './results/result';
import { Scenario } from './scenario';
import { resolveScenario } from './scenario.defaults';

/**
 * Why a scenario's zones interact (and so cannot run as separate cells), or null if they do not.
 * Zones interact when a request may land in any zone, when a tenant's vCPU quota spans zones,
 * or when a fleet-wide policy couples them: consolidation evacuates one host at a time fleet-wide,
 * and live migrations (hot-spot relief, maintenance drains) share one fleet-wide concurrency limit.
 */
export function zonesInteract(s: Scenario): string | null {
  if (s.fleet.zones.length === 1) return null;
  for (const t of s.tenants) {
    const zones = new Set(t.workloads.map((w) => w.zone));
    if (zones.has(undefined)) return `a workload of tenant '${t.id}' names no zone: the scheduler may place it in any`;
    if (t.vcpuQuota !== undefined && zones.size > 1) return `tenant '${t.id}' has a vCPU quota and workloads in ${zones.size} zones`;
    // licensing-models experiment (issue 12): a cell holds a tenant's Dedicated Hosts only with its workloads there
    for (const d of t.dedicatedHosts ?? []) if (!zones.has(d.zone)) return `tenant '${t.id}' has Dedicated Hosts in ${d.zone}, where it runs no workload`;
  }
  const r = s.policies?.rebalancer;
  if (r?.consolidation?.enabled) return 'consolidation is on (one evacuation at a time, fleet-wide)';
  if (r?.hotSpot?.enabled) return 'hot-spot relief is on (live migrations share a fleet-wide limit)';
  if ((s.faults?.drains ?? []).length > 0) return 'maintenance drains (live migrations share a fleet-wide limit)';
  if ((s.faults?.failures ?? []).some((f) => f.zone === undefined)) return 'a scheduled failure names no zone: its hosts are drawn from the whole fleet';
  return null;
}

/**
 * One scenario per zone when the zones do not interact (see `zonesInteract`), else null. Each
 * cell keeps the seed, the policies and the workloads of its zone under their original names (so
 * their random streams are the ones of the whole run), and keeps every output (the join needs
 * them; the whole scenario's `outputs` apply to the joined result).
 */
export function splitIntoCells(s: Scenario): Scenario[] | null {
  if (zonesInteract(s) !== null) return null;
  const resolved = resolveScenario(s);
  // What is on sale is the whole fleet's (by default it follows the fleet's host types): each cell sells the same.
  const catalog = s.instanceTypes?.catalog ?? [...resolved.instanceTypes.keys()].filter((n) => !(s.instanceTypes?.custom ?? []).some((c) => c.name === n));
  return resolved.zones.map((zone): Scenario => {
    const tenants = s.tenants
      .map((t) => ({
        ...t,
        workloads: t.workloads.map((w, j) => ({ ...w, name: w.name ?? `w${j}` })).filter((w) => (w.zone ?? zone) === zone),
        ...(t.dedicatedHosts ? { dedicatedHosts: t.dedicatedHosts.filter((d) => d.zone === zone) } : {}),
      }))
      .filter((t) => t.workloads.length > 0);
    const { outputs, ...rest } = s;
    // Every output is kept, and per-instance metrics are recorded if the whole run records them.
    const keep = outputs?.instanceMetrics ? { outputs: { instanceMetrics: true } } : {};
    return { ...rest, ...keep, instanceTypes: { ...s.instanceTypes, catalog }, fleet: { zones: s.fleet.zones.filter((z) => z.name === zone) }, tenants };
  });
}

/** The result of the whole scenario from its cells' results (in any order): equal to one run of the whole fleet. */
export function joinCellResults(s: Scenario, cells: readonly ScenarioResult[]): ScenarioResult {
  const r = resolveScenario(s);
  if (cells.length === 0) throw new RangeError('no cell results to join');
  return assembleResult(
    {
      scenario: s.name, seed: s.seed, startMs: r.startMs, bucketMs: r.bucketMs, buckets: r.buckets, cancelled: cells.some((c) => c.cancelled),
      simulatedMs: Math.min(...cells.map((c) => c.simulatedMs)), outputs: s.outputs, hostMonthlyUsd: s.policies?.hostCost?.monthlyUsd,
    },
    cells.map(partialOfCell),
  );
}
