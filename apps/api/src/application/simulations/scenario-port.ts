/**
 * TEMPORARY: the scenario library's contract (issue 11, item 1), until branch `scenarios` is merged.
 *
 * The job machinery (this folder, jobs/, apps/worker, the REST routes) is written against the names
 * below and nothing else. At merge this file becomes two re-exports:
 *
 *   export { validateScenario, formatScenarioError, builtInScenarioNames, builtInScenario, applyScenarioOverrides,
 *            runScenario, splitIntoCells, joinCellResults, resultToCsv } from '@nimbus/simulation';
 *   export type { Scenario, ScenarioError, ScenarioProgress, RunScenarioOptions, ScenarioResult } from '@nimbus/simulation';
 *   export { loadScenarioData } from '../../datasets/datasets';
 *
 * Until then a tiny deterministic stand-in proves the machinery: a fleet of zones × host types ×
 * counts, VMs with a seeded random-walk CPU demand, run with libs/simulation's `runWorld` one slice at
 * a time (yielding to the event loop between slices, where progress is reported and the signal
 * checked). `pacing.wallMsPerSlice` is a stand-in-only knob that slows a run down so that the tests
 * can cancel it or kill its worker mid-run.
 */
import { createHash } from 'node:crypto';
import { findHostType, findImage, findInstanceType, MS_PER_HOUR } from '@nimbus/hypervisor';
import { launch, runWorld, setWorkload, World } from '@nimbus/simulation';

export interface ScenarioError {
  readonly path: string;
  readonly message: string;
}

export interface Scenario {
  readonly version: 1;
  readonly name?: string;
  readonly seed: number;
  readonly durationMs: number;
  /** Simulated time per slice, and the series' bucket. */
  readonly bucketMs: number;
  readonly fleet: { readonly zones: readonly { readonly name: string; readonly hosts: readonly { readonly hostType: string; readonly count: number }[] }[] };
  readonly workload: { readonly vmsPerZone: number; readonly instanceType: string; readonly meanCores: number };
  readonly pacing?: { readonly wallMsPerSlice: number };
}

export interface ScenarioProgress {
  readonly simulatedMs: number;
  readonly untilMs: number;
  readonly events: number;
}

export interface RunScenarioOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ScenarioProgress) => void | Promise<void>;
}

export interface ScenarioResult {
  readonly version: 1;
  readonly cancelled: boolean;
  readonly simulatedMs: number;
  readonly events: number;
  readonly digest: string;
  readonly headline: Record<string, number>;
  readonly series: { name: string; unit: string; bucketMs: number; groupBy: string; group: string; points: number[] }[];
  readonly tables: { name: string; columns: string[]; rows: (string | number)[][] }[];
}

/** What a scenario reads from datasets (traces, distributions); the stand-in reads none. */
export type ScenarioData = Record<string, never>;

export function loadScenarioData(_s: Scenario): Promise<ScenarioData> {
  return Promise.resolve({});
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateScenario(doc: unknown): { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] } {
  const errors: ScenarioError[] = [];
  const bad = (path: string, message: string) => errors.push({ path, message });
  const int = (v: unknown, path: string, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) bad(path, 'must be an integer');
    else if (v < min) bad(path, `must be ≥ ${min}`);
  };
  const num = (v: unknown, path: string, min: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(path, 'must be a number');
    else if (v < min) bad(path, `must be ≥ ${min}`);
  };
  if (!isObject(doc)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  if (doc.version !== 1) bad('/version', 'must be 1');
  int(doc.seed, '/seed', 0);
  int(doc.durationMs, '/durationMs', 1);
  int(doc.bucketMs, '/bucketMs', 1000);
  if (typeof doc.durationMs === 'number' && typeof doc.bucketMs === 'number' && doc.durationMs / doc.bucketMs > 100_000) bad('/bucketMs', 'must give at most 100000 buckets');
  if (doc.name !== undefined && typeof doc.name !== 'string') bad('/name', 'must be a string');
  const fleet = doc.fleet;
  if (!isObject(fleet) || !Array.isArray(fleet.zones) || fleet.zones.length === 0) bad('/fleet/zones', 'must be a non-empty array');
  else
    fleet.zones.forEach((z: unknown, i: number) => {
      const zp = `/fleet/zones/${i}`;
      if (!isObject(z)) return bad(zp, 'must be an object');
      if (typeof z.name !== 'string' || z.name === '') bad(`${zp}/name`, 'must be a non-empty string');
      if (!Array.isArray(z.hosts) || z.hosts.length === 0) return bad(`${zp}/hosts`, 'must be a non-empty array');
      z.hosts.forEach((h: unknown, j: number) => {
        const hp = `${zp}/hosts/${j}`;
        if (!isObject(h)) return bad(hp, 'must be an object');
        if (typeof h.hostType !== 'string' || !findHostType(h.hostType)) bad(`${hp}/hostType`, 'must be a host type of the catalog');
        int(h.count, `${hp}/count`, 1);
      });
    });
  const w = doc.workload;
  if (!isObject(w)) bad('/workload', 'must be an object');
  else {
    int(w.vmsPerZone, '/workload/vmsPerZone', 0);
    if (typeof w.instanceType !== 'string' || !findInstanceType(w.instanceType)) bad('/workload/instanceType', 'must be an instance type of the catalog');
    num(w.meanCores, '/workload/meanCores', 0);
  }
  if (doc.pacing !== undefined) {
    if (!isObject(doc.pacing)) bad('/pacing', 'must be an object');
    else int(doc.pacing.wallMsPerSlice, '/pacing/wallMsPerSlice', 0);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, scenario: doc as unknown as Scenario };
}

export function formatScenarioError(e: ScenarioError): string {
  return `${e.path || '/'}: ${e.message}`;
}

const BUILT_IN: Readonly<Record<string, Scenario>> = {
  'two-zones-day': {
    version: 1, name: 'two-zones-day', seed: 1, durationMs: 24 * MS_PER_HOUR, bucketMs: MS_PER_HOUR,
    fleet: { zones: [{ name: 'us-east-1a', hosts: [{ hostType: 'm5-host', count: 4 }] }, { name: 'us-east-1b', hosts: [{ hostType: 'm5-host', count: 4 }] }] },
    workload: { vmsPerZone: 20, instanceType: 'm5.large', meanCores: 1 },
  },
};

export function builtInScenarioNames(): string[] {
  return Object.keys(BUILT_IN);
}

export function builtInScenario(name: string): Scenario | undefined {
  return Object.prototype.hasOwnProperty.call(BUILT_IN, name) ? structuredClone(BUILT_IN[name]) : undefined;
}

/** JSON Merge Patch (RFC 7396); the caller validates the result. */
export function applyScenarioOverrides(base: Scenario, overrides: unknown): unknown {
  const merge = (target: unknown, patch: unknown): unknown => {
    if (!isObject(patch)) return patch;
    const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = merge(out[k], v);
    }
    return out;
  };
  return merge(base, overrides);
}

const START_MS = Date.UTC(2026, 0, 1);
const LINUX = 'ami-0a1e0c00000000a23';

export async function runScenario(s: Scenario, _data: ScenarioData, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const world = World.create(
    { startMs: START_MS, hosts: s.fleet.zones.flatMap((z) => z.hosts.map((h) => ({ hostType: h.hostType, availabilityZone: z.name, count: h.count }))) },
    { usage: false, journal: false, metrics: false },
  );
  try {
    const type = findInstanceType(s.workload.instanceType)!;
    const image = findImage(LINUX)!;
    let n = 0;
    let refused = 0;
    for (const z of s.fleet.zones) {
      for (let i = 0; i < s.workload.vmsPerZone; i++) {
        const tenantId = `tenant-${i % 3}`;
        try {
          const r = launch(world, { tenantId, instanceType: type, image, minCount: 1, maxCount: 1, availabilityZone: z.name, newVmId: () => `i-${String(++n).padStart(17, '0')}` });
          for (const vm of r.vms) setWorkload(world, tenantId, vm.vmId, { cpu: { model: 'random-walk', meanCores: s.workload.meanCores, volatility: 0.5, seed: s.seed * 7919 + n, stepSeconds: 300 } });
        } catch {
          refused++;
        }
      }
    }
    const untilMs = START_MS + s.durationMs;
    const zones = s.fleet.zones.map((z) => z.name);
    const energy = new Map(zones.map((z) => [z, [] as number[]]));
    const running = new Map(zones.map((z) => [z, [] as number[]]));
    let events = 0;
    let cancelled = false;
    while (world.now < untilMs) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      events += runWorld(world, { until: Math.min(untilMs, world.now + s.bucketMs), sliceMs: s.bucketMs }).events;
      const byZone = new Map(zones.map((z) => [z, { kWh: 0, vms: 0 }]));
      for (const h of world.fleet.hosts()) byZone.get(h.availabilityZone)!.kWh += world.dataPlane.hostView(h.id).energyKWh;
      for (const vm of world.fleet.allVms()) {
        const z = vm.hostId ? world.fleet.host(vm.hostId)?.availabilityZone : undefined;
        if (z && vm.state === 'running') byZone.get(z)!.vms++;
      }
      for (const [z, v] of byZone) {
        energy.get(z)!.push(Number(v.kWh.toFixed(6)));
        running.get(z)!.push(v.vms);
      }
      await options.onProgress?.({ simulatedMs: world.now - START_MS, untilMs: s.durationMs, events });
      await new Promise((r) => (s.pacing?.wallMsPerSlice ? setTimeout(r, s.pacing.wallMsPerSlice) : setImmediate(r)));
    }
    const totalKWh = zones.reduce((sum, z) => sum + (energy.get(z)!.at(-1) ?? 0), 0);
    const body = {
      version: 1 as const,
      cancelled,
      simulatedMs: world.now - START_MS,
      events,
      headline: { launched: n - refused, refused, energyKWh: Number(totalKWh.toFixed(6)), events },
      series: [
        ...zones.map((z) => ({ name: 'energyKWh', unit: 'kWh', bucketMs: s.bucketMs, groupBy: 'zone', group: z, points: energy.get(z)! })),
        ...zones.map((z) => ({ name: 'runningVms', unit: 'count', bucketMs: s.bucketMs, groupBy: 'zone', group: z, points: running.get(z)! })),
      ],
      tables: [{ name: 'zones', columns: ['zone', 'hosts', 'energyKWh'], rows: s.fleet.zones.map((z) => [z.name, z.hosts.reduce((c, h) => c + h.count, 0), energy.get(z.name)!.at(-1) ?? 0]) }],
    };
    return { ...body, digest: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
  } finally {
    world.dispose();
  }
}

/** The stand-in never splits a scenario into cells (issue 11, item 6, is the library's). */
export function splitIntoCells(_s: Scenario): Scenario[] | null {
  return null;
}

export function joinCellResults(_s: Scenario, cells: ScenarioResult[]): ScenarioResult {
  if (cells.length !== 1) throw new Error('the stand-in scenario library does not join cells');
  return cells[0];
}

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvLine = (fields: (string | number)[]) => fields.map(csvField).join(',') + '\r\n';

/** One series (its groups as columns, one row per bucket) or one table, as RFC 4180 CSV. */
export function resultToCsv(r: ScenarioResult, what: { series?: string; table?: string }): string {
  if (what.table !== undefined) {
    const t = r.tables.find((x) => x.name === what.table);
    if (!t) throw new RangeError(`no table '${what.table}'`);
    return csvLine(t.columns) + t.rows.map(csvLine).join('');
  }
  const groups = r.series.filter((x) => x.name === what.series);
  if (groups.length === 0) throw new RangeError(`no series '${what.series}'`);
  const rows = Math.max(...groups.map((g) => g.points.length));
  let out = csvLine(['offsetMs', ...groups.map((g) => `${g.groupBy}=${g.group}`)]);
  for (let i = 0; i < rows; i++) out += csvLine([i * groups[0].bucketMs, ...groups.map((g) => g.points[i] ?? '')]);
  return out;
}
