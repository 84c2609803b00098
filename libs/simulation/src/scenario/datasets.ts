import { Scenario } from './scenario';

/**
 * The public datasets a scenario may use (data/README.md), and their parsers: text in, arrays out.
 * Reading files is the app's business (apps/api/src/datasets/datasets.ts); these are pure.
 */
export type DatasetRef =
  | { readonly kind: 'azure2019' }
  | { readonly kind: 'planetlab'; readonly day: string }
  /** A folder of Bitbrains per-VM CSV files (`<n>.csv` or `<n>.csv.gz`), relative to NIMBUS_DATA_DIR; the first `limit` files in name order. */
  | { readonly kind: 'bitbrains'; readonly path: string; readonly limit?: number };

/** A cumulative distribution as published: P(X ≤ x[i]) = p[i], x ascending, p non-decreasing in [0, 1]. */
export interface Cdf {
  readonly x: readonly number[];
  readonly p: readonly number[];
}

/** A discrete distribution: values and their probabilities (summing to 1). */
export interface Pmf<T = number> {
  readonly values: readonly T[];
  readonly probabilities: readonly number[];
}

/** Microsoft's Azure 2019 VM workload, as the distributions it publishes (azure2019-distributions/). */
export interface AzureDistributions {
  /** VM lifetime in hours (lifetime.txt); p ends below 1: the rest live longer than the last x. */
  readonly lifetimeHours: Cdf;
  /** Each VM's average CPU utilization, % (cpu.txt, column avg). */
  readonly cpuAveragePercent: Cdf;
  /** Each VM's P95 of its 5-minute maxima, % (cpu.txt, column p95). */
  readonly cpuP95Percent: Cdf;
  /** Virtual cores (cores.txt). */
  readonly cores: Pmf;
  /** Memory, GB (memory.txt). */
  readonly memoryGB: Pmf;
  /** VMs per deployment (deployment.txt); p ends below 1: the rest are larger than the last x. */
  readonly deploymentSize: Cdf;
  /** Workload category (category.txt). */
  readonly category: Pmf<string>;
}

/** One PlanetLab day: one VM per file, in file-name order, 288 CPU % samples every 300 s. */
export interface PlanetLabDay {
  readonly day: string;
  readonly vms: readonly { readonly name: string; readonly cpuPercent: readonly number[] }[];
}

export const PLANETLAB_INTERVAL_SECONDS = 300;
export const PLANETLAB_SAMPLES = 288;

/** One Bitbrains VM (GWA-T-12): what it was given and what it used, sample by sample. */
export interface BitbrainsVm {
  readonly name: string;
  readonly periodSeconds: number;
  readonly cores: number;
  readonly memoryProvisionedKB: number;
  readonly cpuPercent: readonly number[];
  readonly memoryUsageKB: readonly number[];
  readonly diskReadKBps: readonly number[];
  readonly diskWriteKBps: readonly number[];
  readonly networkInKBps: readonly number[];
  readonly networkOutKBps: readonly number[];
}

/** Everything a run needs from datasets, already loaded (see `datasetsNeeded`). */
export interface ScenarioData {
  readonly azure2019?: AzureDistributions;
  /** By day (`20110303`). */
  readonly planetlab?: Readonly<Record<string, PlanetLabDay>>;
  /** By path, as the scenario names it. */
  readonly bitbrains?: Readonly<Record<string, readonly BitbrainsVm[]>>;
}

export function datasetKey(ref: DatasetRef): string {
  return ref.kind === 'azure2019' ? 'azure2019' : ref.kind === 'planetlab' ? `planetlab/${ref.day}` : `bitbrains/${ref.path}`;
}

/** The datasets a scenario's workloads read (each once; a Bitbrains folder with the largest limit any workload needs). */
export function datasetsNeeded(s: Scenario): DatasetRef[] {
  const out = new Map<string, DatasetRef>();
  for (const t of s.tenants) {
    for (const w of t.workloads) {
      if (w.kind === 'synthetic') {
        const azure =
          w.lifetime.distribution === 'azure2019' || w.size.distribution === 'azure2019' || w.utilization.distribution === 'azure2019' || w.arrivals.deployments === 'azure2019' ||
          w.memory?.workingSet.distribution === 'azure2019';
        if (azure) out.set('azure2019', { kind: 'azure2019' });
      } else if (w.dataset.kind === 'planetlab') {
        const ref: DatasetRef = { kind: 'planetlab', day: w.dataset.day };
        out.set(datasetKey(ref), ref);
      } else {
        const key = datasetKey({ kind: 'bitbrains', path: w.dataset.path });
        const before = out.get(key) as Extract<DatasetRef, { kind: 'bitbrains' }> | undefined;
        const unlimited = w.limit === undefined || (before !== undefined && before.limit === undefined);
        out.set(key, unlimited ? { kind: 'bitbrains', path: w.dataset.path } : { kind: 'bitbrains', path: w.dataset.path, limit: Math.max(before?.limit ?? 0, w.limit!) });
      }
    }
  }
  return [...out.keys()].sort().map((k) => out.get(k)!);
}

// ---- parsers ----

export class DatasetFormatError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DatasetFormatError';
  }
}

/** Rows of a tab-separated file with a header line; cells trimmed. */
function rows(file: string, text: string, columns: number): string[][] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length < 2) throw new DatasetFormatError(file, 'expected a header and at least one row');
  return lines.slice(1).map((line, i) => {
    const cells = line.split('\t').map((c) => c.trim());
    if (cells.length !== columns) throw new DatasetFormatError(file, `line ${i + 2}: expected ${columns} columns, got ${cells.length}`);
    return cells;
  });
}

function number(file: string, cell: string, line: number): number {
  const x = Number(cell);
  if (cell === '' || !Number.isFinite(x)) throw new DatasetFormatError(file, `line ${line}: '${cell}' is not a number`);
  return x;
}

/** A cumulative-% column as a CDF (fractions); x must ascend, p must not fall. */
function cdf(file: string, xs: number[], percents: number[]): Cdf {
  for (let i = 1; i < xs.length; i++) {
    if (!(xs[i] > xs[i - 1])) throw new DatasetFormatError(file, `line ${i + 2}: values must ascend`);
    if (percents[i] < percents[i - 1]) throw new DatasetFormatError(file, `line ${i + 2}: a cumulative percentage must not fall`);
  }
  if (percents.some((p) => p < 0 || p > 100)) throw new DatasetFormatError(file, 'cumulative percentages must be within 0..100');
  return { x: xs, p: percents.map((p) => p / 100) };
}

/** A %-per-value column as a distribution (normalized: the published percentages are rounded). */
function pmf<T>(file: string, values: T[], percents: number[]): Pmf<T> {
  const total = percents.reduce((a, b) => a + b, 0);
  if (!(total > 0) || percents.some((p) => p < 0)) throw new DatasetFormatError(file, 'percentages must be ≥ 0 and not all 0');
  return { values, probabilities: percents.map((p) => p / total) };
}

/** The Azure 2019 distribution files, by file name (`lifetime.txt`, `cpu.txt`, …), parsed. */
export function parseAzureDistributions(files: Readonly<Record<string, string>>): AzureDistributions {
  const need = (name: string): string => {
    const text = files[name];
    if (text === undefined) throw new DatasetFormatError(name, 'missing from the Azure 2019 distributions');
    return text;
  };
  const two = (name: string) => {
    const r = rows(name, need(name), 2);
    return { x: r.map((c, i) => number(name, c[0], i + 2)), y: r.map((c, i) => number(name, c[1], i + 2)) };
  };
  const lifetime = two('lifetime.txt');
  const cpuRows = rows('cpu.txt', need('cpu.txt'), 3);
  const cpuX = cpuRows.map((c, i) => number('cpu.txt', c[0], i + 2));
  const cores = two('cores.txt');
  const memory = two('memory.txt');
  const deployment = two('deployment.txt');
  const category = rows('category.txt', need('category.txt'), 2);
  return {
    lifetimeHours: cdf('lifetime.txt', lifetime.x, lifetime.y),
    cpuAveragePercent: cdf('cpu.txt', cpuX, cpuRows.map((c, i) => number('cpu.txt', c[1], i + 2))),
    cpuP95Percent: cdf('cpu.txt', cpuX, cpuRows.map((c, i) => number('cpu.txt', c[2], i + 2))),
    cores: pmf('cores.txt', cores.x, cores.y),
    memoryGB: pmf('memory.txt', memory.x, memory.y),
    deploymentSize: cdf('deployment.txt', deployment.x, deployment.y),
    category: pmf('category.txt', category.map((c) => c[0]), category.map((c, i) => number('category.txt', c[1], i + 2))),
  };
}

/** One PlanetLab file: whitespace-separated integer CPU percentages (0..100). */
export function parsePlanetLabFile(name: string, text: string): number[] {
  const cells = text.split(/\s+/).filter((c) => c.length > 0);
  if (cells.length === 0) throw new DatasetFormatError(name, 'no samples');
  return cells.map((c, i) => {
    const x = Number(c);
    if (!Number.isInteger(x) || x < 0 || x > 100) throw new DatasetFormatError(name, `sample ${i + 1}: '${c}' is not an integer percentage`);
    return x;
  });
}

/** A PlanetLab day from its files' texts (file name → text); VMs in file-name order (code-unit order, not the platform's listing). */
export function parsePlanetLabDay(day: string, files: Readonly<Record<string, string>>): PlanetLabDay {
  const names = Object.keys(files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new DatasetFormatError(`planetlab/${day}`, 'no files');
  return { day, vms: names.map((name) => ({ name, cpuPercent: parsePlanetLabFile(name, files[name]) })) };
}

/**
 * One Bitbrains GWA-T-12 file: `;`-separated (with a tab after each `;`), a header line, then per
 * sample: timestamp (Unix seconds, though the header says ms), CPU cores, CPU capacity (MHz), CPU
 * usage (MHz), CPU usage (%), memory provisioned (KB), memory usage (KB), disk read and write
 * (KB/s), network received and transmitted (KB/s).
 */
export function parseBitbrainsCsv(name: string, text: string): BitbrainsVm {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length < 2) throw new DatasetFormatError(name, 'expected a header and at least one sample');
  const cols = lines.slice(1).map((line, i) => {
    const cells = line.split(';').map((c) => c.trim());
    if (cells.length !== 11) throw new DatasetFormatError(name, `line ${i + 2}: expected 11 columns, got ${cells.length}`);
    return cells.map((c) => number(name, c, i + 2));
  });
  const col = (k: number) => cols.map((c) => c[k]);
  const t = col(0);
  const period = t.length > 1 ? t[1] - t[0] : 300;
  if (!(period > 0)) throw new DatasetFormatError(name, 'timestamps must ascend');
  return {
    name,
    periodSeconds: period,
    cores: Math.max(...col(1)),
    memoryProvisionedKB: Math.max(...col(5)),
    cpuPercent: col(4).map((p) => Math.min(100, Math.max(0, p))),
    memoryUsageKB: col(6),
    diskReadKBps: col(7),
    diskWriteKBps: col(8),
    networkInKBps: col(9),
    networkOutKBps: col(10),
  };
}
