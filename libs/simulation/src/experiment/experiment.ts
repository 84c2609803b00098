import Ajv from 'ajv';
import { applyScenarioOverrides, builtInScenario, builtInScenarioNames } from '../scenario/builtin';
import { ScenarioResult } from '../scenario/results/result';
import { Scenario } from '../scenario/scenario';
import { formatScenarioError, validateScenario } from '../scenario/scenario.validate';

/**
 * Experiments (docs/experiments/README.md): a named, versioned set of scenario variants — a base
 * scenario, one or two variables each set at a JSON Pointer of the scenario to each of its
 * values, a seed and repetitions. Each variant × repetition is one scenario run; the report gives
 * each variant's headline figures (mean, and a 95 % confidence interval over the repetitions).
 */
export interface ExperimentVariable {
  /** A short name for the variable (a column of the report). */
  readonly name: string;
  /** Where in the scenario it is set: a JSON Pointer (RFC 6901), e.g. `/policies/placement/weigher`. Missing objects on the way are created. */
  readonly path: string;
  /** The values it takes, in order (JSON values). */
  readonly values: readonly unknown[];
  /** Labels for the values in the report (default: the values as JSON). */
  readonly labels?: readonly string[];
}

export interface Experiment {
  readonly version: 1;
  readonly name: string;
  readonly title?: string;
  /** The question the experiment answers. */
  readonly question?: string;
  /** The base scenario: a document, or a built-in one with overrides (a JSON Merge Patch). */
  readonly base: { readonly scenario: unknown } | { readonly builtIn: string; readonly overrides?: unknown };
  /** One or two variables; the variants are every combination of their values. */
  readonly variables: readonly ExperimentVariable[];
  /** The first repetition's seed; repetition r runs with seed + r. Default: the base scenario's. */
  readonly seed?: number;
  /** Runs per variant, each with its own seed (default 1). */
  readonly repetitions?: number;
  /** The headline figures the report leads with (default: every headline figure of the results). */
  readonly headline?: readonly string[];
  /** The figure the answer turns on, if one does: a headline figure or a derived one (e.g. the consolidation ratio). */
  readonly answer?: string;
  /** Figures across variants: ratios of one variant's figure to another's, crossover and threshold points. */
  readonly derived?: readonly DerivedSpec[];
}

/**
 * A figure computed across variants, from the variants' means (docs/experiments/README.md, "Derived figures"):
 * - `ratio`: the figure of the numerator variant ÷ that of the denominator variant. Selectors map a
 *   variable's name to one of its labels. With two variables, one named in neither selector is
 *   iterated: one value per its label.
 * - `crossover`: `x` is a variable whose values are numbers. For each pair of values of the other
 *   variable (the series), each x where their curves of the figure cross, by linear interpolation
 *   between adjacent x; none: null.
 * - `threshold`: `x` as above. For each value of the other variable (or once, with one variable),
 *   the first x at which the figure's curve reaches `level`, by linear interpolation; none: null.
 */
export type DerivedSpec =
  | { readonly name: string; readonly kind: 'ratio'; readonly figure: string; readonly numerator: Readonly<Record<string, string>>; readonly denominator: Readonly<Record<string, string>>; readonly description?: string }
  | { readonly name: string; readonly kind: 'crossover'; readonly figure: string; readonly x: string; readonly description?: string }
  | { readonly name: string; readonly kind: 'threshold'; readonly figure: string; readonly x: string; readonly level: number; readonly description?: string };

export const EXPERIMENT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'base', 'variables'],
  properties: {
    version: { const: 1 },
    name: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
    title: { type: 'string', maxLength: 256 },
    question: { type: 'string', maxLength: 4096 },
    base: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['scenario'], properties: { scenario: { type: 'object' } } },
        { type: 'object', additionalProperties: false, required: ['builtIn'], properties: { builtIn: { type: 'string', minLength: 1 }, overrides: { type: 'object' } } },
      ],
    },
    variables: {
      type: 'array', minItems: 1, maxItems: 2,
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'path', 'values'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64 },
          path: { type: 'string', pattern: '^(/[^/]+)+$' },
          values: { type: 'array', minItems: 1, maxItems: 20 },
          labels: { type: 'array', items: { type: 'string', maxLength: 64 } },
        },
      },
    },
    seed: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    repetitions: { type: 'integer', minimum: 1, maximum: 30 },
    headline: { type: 'array', items: { type: 'string' }, maxItems: 32 },
    answer: { type: 'string' },
    derived: {
      type: 'array', maxItems: 16,
      items: {
        type: 'object', required: ['name', 'kind', 'figure'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64 },
          kind: { enum: ['ratio', 'crossover', 'threshold'] },
          figure: { type: 'string', minLength: 1 },
          description: { type: 'string', maxLength: 1024 },
          numerator: { type: 'object', additionalProperties: { type: 'string' } },
          denominator: { type: 'object', additionalProperties: { type: 'string' } },
          x: { type: 'string', minLength: 1 },
          level: { type: 'number' },
        },
        oneOf: [
          { additionalProperties: false, required: ['numerator', 'denominator'], properties: { name: {}, kind: { const: 'ratio' }, figure: {}, description: {}, numerator: {}, denominator: {} } },
          { additionalProperties: false, required: ['x'], properties: { name: {}, kind: { const: 'crossover' }, figure: {}, description: {}, x: {} } },
          { additionalProperties: false, required: ['x', 'level'], properties: { name: {}, kind: { const: 'threshold' }, figure: {}, description: {}, x: {}, level: {} } },
        ],
      },
    },
  },
} as const;

/** Runs an experiment may ask for at most (variants × repetitions). */
export const MAX_EXPERIMENT_RUNS = 200;

export interface ExperimentError {
  /** JSON Pointer of the bad field in the experiment document. */
  readonly path: string;
  readonly message: string;
}

/** One run of the experiment: a variant (one value of each variable) and a repetition. */
export interface ExperimentRunSpec {
  readonly variant: number;
  readonly repetition: number;
  /** The variable values of the variant, by variable name (labels). */
  readonly values: Readonly<Record<string, string>>;
  readonly scenario: Scenario;
}

export type ExperimentExpansion = { ok: true; experiment: Experiment; runs: ExperimentRunSpec[]; variants: Readonly<Record<string, string>>[] } | { ok: false; errors: ExperimentError[] };

const ajv = new Ajv({ allErrors: true, strict: false });
const validateDoc = ajv.compile(EXPERIMENT_SCHEMA);

/** Validates an experiment document and expands it into its runs (every scenario validated), or says what is wrong, by path. */
export function expandExperiment(doc: unknown): ExperimentExpansion {
  if (!validateDoc(doc)) {
    return { ok: false, errors: (validateDoc.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'is not valid' })) };
  }
  const x = doc as unknown as Experiment;
  const errors: ExperimentError[] = [];
  let base: unknown;
  if ('builtIn' in x.base) {
    const b = builtInScenario(x.base.builtIn);
    if (!b) return { ok: false, errors: [{ path: '/base/builtIn', message: `is not a built-in scenario (built-in: ${builtInScenarioNames().join(', ')})` }] };
    base = x.base.overrides === undefined ? b : applyScenarioOverrides(b, x.base.overrides);
  } else base = x.base.scenario;
  x.variables.forEach((v, i) => {
    if (v.labels !== undefined && v.labels.length !== v.values.length) errors.push({ path: `/variables/${i}/labels`, message: 'must have one label per value' });
  });
  if (new Set(x.variables.map((v) => v.name)).size !== x.variables.length) errors.push({ path: '/variables', message: 'variable names must differ' });
  (x.derived ?? []).forEach((d, i) => errors.push(...derivedErrors(x, d, `/derived/${i}`)));
  if (x.derived && new Set(x.derived.map((d) => d.name)).size !== x.derived.length) errors.push({ path: '/derived', message: 'derived figure names must differ' });
  const repetitions = x.repetitions ?? 1;
  const variantCount = x.variables.reduce((n, v) => n * v.values.length, 1);
  if (variantCount * repetitions > MAX_EXPERIMENT_RUNS) errors.push({ path: '/repetitions', message: `variants × repetitions is ${variantCount * repetitions}, more than ${MAX_EXPERIMENT_RUNS}` });
  if (errors.length > 0) return { ok: false, errors };

  const baseSeed = x.seed ?? (base as { seed?: number }).seed ?? 1;
  const combos = cartesian(x.variables.map((v) => v.values.map((_, i) => i)));
  const variants = combos.map((combo) => Object.fromEntries(x.variables.map((v, k) => [v.name, labelOf(v, combo[k])])));
  const runs: ExperimentRunSpec[] = [];
  combos.forEach((combo, variant) => {
    let doc: unknown = base;
    x.variables.forEach((v, k) => (doc = setPointer(doc, v.path, v.values[combo[k]])));
    for (let r = 0; r < repetitions; r++) {
      const withSeed = { ...(doc as object), seed: baseSeed + r };
      const checked = validateScenario(withSeed);
      if (!checked.ok) {
        for (const e of checked.errors) errors.push({ path: `/variants/${variant}${e.path === '/' ? '' : e.path}`, message: `${formatScenarioError(e)} (variant ${JSON.stringify(variants[variant])})` });
        return;
      }
      runs.push({ variant, repetition: r, values: variants[variant], scenario: checked.scenario });
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, experiment: x, runs, variants };
}

/** What is wrong with a derived figure's references to the experiment's variables, by path. */
function derivedErrors(x: Experiment, d: DerivedSpec, path: string): ExperimentError[] {
  const errors: ExperimentError[] = [];
  const variable = (name: string) => x.variables.find((v) => v.name === name);
  if (d.kind === 'ratio') {
    for (const side of ['numerator', 'denominator'] as const) {
      for (const [name, label] of Object.entries(d[side])) {
        const v = variable(name);
        if (!v) errors.push({ path: `${path}/${side}/${name}`, message: `is not a variable (variables: ${x.variables.map((vv) => vv.name).join(', ')})` });
        else if (!v.values.some((_, i) => labelOf(v, i) === label)) errors.push({ path: `${path}/${side}/${name}`, message: `'${label}' is not one of the variable's labels` });
      }
    }
    const free = x.variables.filter((v) => !(v.name in d.numerator) && !(v.name in d.denominator));
    if (free.length > 1 || (free.length === 1 && x.variables.length === 1)) errors.push({ path, message: 'the selectors must name every variable but at most one (of two)' });
  } else {
    const v = variable(d.x);
    if (!v) errors.push({ path: `${path}/x`, message: `is not a variable (variables: ${x.variables.map((vv) => vv.name).join(', ')})` });
    else if (!v.values.every((value) => typeof value === 'number' && Number.isFinite(value))) errors.push({ path: `${path}/x`, message: "the variable's values must be numbers" });
  }
  return errors;
}

function labelOf(v: ExperimentVariable, i: number): string {
  return v.labels?.[i] ?? (typeof v.values[i] === 'string' ? (v.values[i] as string) : JSON.stringify(v.values[i]));
}

function cartesian(lists: number[][]): number[][] {
  return lists.reduce<number[][]>((acc, list) => acc.flatMap((a) => list.map((x) => [...a, x])), [[]]);
}

/** `doc` with the value at a JSON Pointer set (objects created on the way; arrays indexed by number). Neither input is changed. */
export function setPointer(doc: unknown, pointer: string, value: unknown): unknown {
  const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const set = (node: unknown, i: number): unknown => {
    if (i === keys.length) return JSON.parse(JSON.stringify(value));
    const key = keys[i];
    if (Array.isArray(node)) {
      const idx = Number(key);
      const copy = [...node];
      copy[idx] = set(node[idx], i + 1);
      return copy;
    }
    const obj = typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : {};
    return { ...obj, [key]: set(obj[key], i + 1) };
  };
  return set(doc, 0);
}

// ---- the report ----

/** Two-sided 95 % quantiles of Student's t for 1…30 degrees of freedom (the published table). */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export interface FigureSummary {
  readonly mean: number;
  /** Sample standard deviation (n − 1); null with one repetition. */
  readonly stdDev: number | null;
  /** The 95 % confidence interval of the mean (Student's t); null with one repetition. */
  readonly ci95: readonly [number, number] | null;
  readonly n: number;
}

export function summarize(values: readonly number[]): FigureSummary {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, stdDev: null, ci95: null, n };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (T_975[Math.min(n - 1, T_975.length) - 1] * sd) / Math.sqrt(n);
  return { mean, stdDev: sd, ci95: [mean - half, mean + half], n };
}

export interface ExperimentReport {
  readonly name: string;
  readonly title: string | null;
  readonly question: string | null;
  readonly variables: readonly { readonly name: string; readonly path: string; readonly labels: readonly string[] }[];
  readonly repetitions: number;
  readonly figures: readonly string[];
  readonly answer: string | null;
  /** One row per variant: its variable values and each figure's summary over the repetitions. */
  readonly variants: readonly { readonly variant: number; readonly values: Readonly<Record<string, string>>; readonly figures: Readonly<Record<string, FigureSummary>>; readonly digests: readonly string[] }[];
  /** Chart-ready: per figure, the variants' means (x: the variant labels), with their intervals. */
  readonly series: readonly { readonly figure: string; readonly labels: readonly string[]; readonly means: readonly number[]; readonly ci95: readonly (readonly [number, number] | null)[] }[];
  /** The derived figures, from the variants' means: a value per label (the iterated variable's, or the pair of series). */
  readonly derived: readonly DerivedFigure[];
}

export interface DerivedFigure {
  readonly name: string;
  readonly kind: DerivedSpec['kind'];
  readonly figure: string;
  readonly description: string | null;
  /** For a ratio, one per label of the iterated variable (`''` when none); for a crossover, one per crossing of a pair of series (`a × b`, null when they do not cross); for a threshold, one per series (`''` with one variable). */
  readonly values: readonly { readonly label: string; readonly value: number | null }[];
}

/** The report of an expanded experiment from its runs' results (`results[i]` is `runs[i]`'s). */
export function experimentReport(x: Experiment, runs: readonly ExperimentRunSpec[], variants: readonly Readonly<Record<string, string>>[], results: readonly ScenarioResult[]): ExperimentReport {
  if (results.length !== runs.length) throw new RangeError(`${results.length} results for ${runs.length} runs`);
  const figures = x.headline ?? Object.keys(results[0]?.headline ?? {});
  const rows = variants.map((values, variant) => {
    const mine = runs.map((r, i) => [r, results[i]] as const).filter(([r]) => r.variant === variant);
    const figs: Record<string, FigureSummary> = {};
    for (const f of figures) figs[f] = summarize(mine.map(([, res]) => res.headline[f] ?? NaN));
    return { variant, values, figures: figs, digests: mine.map(([, res]) => res.digest) };
  });
  const label = (v: Readonly<Record<string, string>>) => x.variables.map((vv) => v[vv.name]).join(' · ');
  return {
    name: x.name, title: x.title ?? null, question: x.question ?? null,
    variables: x.variables.map((v) => ({ name: v.name, path: v.path, labels: v.values.map((_, i) => labelOf(v, i)) })),
    repetitions: x.repetitions ?? 1, figures, answer: x.answer ?? null,
    variants: rows,
    series: figures.map((f) => ({ figure: f, labels: rows.map((r) => label(r.values)), means: rows.map((r) => r.figures[f].mean), ci95: rows.map((r) => r.figures[f].ci95) })),
    derived: (x.derived ?? []).map((d) => derive(x, d, rows.map((r) => ({ values: r.values, mean: summarize(runs.map((run, i) => [run, results[i]] as const).filter(([run]) => run.variant === r.variant).map(([, res]) => res.headline[d.figure] ?? NaN)).mean })))),
  };
}

/** A derived figure from each variant's mean of its figure. */
export function derive(x: Experiment, d: DerivedSpec, means: readonly { readonly values: Readonly<Record<string, string>>; readonly mean: number }[]): DerivedFigure {
  const head = { name: d.name, kind: d.kind, figure: d.figure, description: d.description ?? null };
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const meanWhere = (sel: Readonly<Record<string, string>>) => means.find((m) => Object.entries(sel).every(([k, v]) => m.values[k] === v))?.mean ?? NaN;
  if (d.kind === 'ratio') {
    const free = x.variables.find((v) => !(v.name in d.numerator) && !(v.name in d.denominator));
    const labels = free ? free.values.map((_, i) => labelOf(free, i)) : [''];
    return {
      ...head,
      values: labels.map((label) => {
        const extra = free ? { [free.name]: label } : {};
        const den = meanWhere({ ...d.denominator, ...extra });
        return { label, value: den === 0 ? null : finite(meanWhere({ ...d.numerator, ...extra }) / den) };
      }),
    };
  }
  const xv = x.variables.find((v) => v.name === d.x)!;
  const other = x.variables.find((v) => v.name !== d.x);
  const seriesLabels = other ? other.values.map((_, i) => labelOf(other, i)) : [''];
  const order = xv.values.map((value, i) => ({ x: value as number, label: labelOf(xv, i) })).sort((a, b) => a.x - b.x);
  const curve = (s: string) => order.map((p) => ({ x: p.x, y: meanWhere({ [xv.name]: p.label, ...(other ? { [other.name]: s } : {}) }) }));
  if (d.kind === 'threshold') {
    return { ...head, values: seriesLabels.map((s) => ({ label: s, value: firstCrossing(curve(s).map((p) => ({ x: p.x, y: p.y - d.level }))) })) };
  }
  const values: { label: string; value: number | null }[] = [];
  for (let i = 0; i < seriesLabels.length; i++) {
    for (let j = i + 1; j < seriesLabels.length; j++) {
      const a = curve(seriesLabels[i]);
      const b = curve(seriesLabels[j]);
      const crossings = allCrossings(a.map((p, k) => ({ x: p.x, y: p.y - b[k].y })));
      const label = `${seriesLabels[i]} × ${seriesLabels[j]}`;
      if (crossings.length === 0) values.push({ label, value: null });
      else for (const c of crossings) values.push({ label, value: c });
    }
  }
  return { ...head, values };
}

/** The x values where a piecewise-linear curve (points in x order) reaches 0: a point at 0, or a sign change between neighbours (interpolated); a run of zeros counts once, at its start. */
function allCrossings(points: readonly { x: number; y: number }[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < points.length; k++) {
    const p = points[k];
    if (!Number.isFinite(p.y)) continue;
    if (p.y === 0) {
      if (k === 0 || points[k - 1].y !== 0) out.push(p.x);
      continue;
    }
    const q = points[k + 1];
    if (q && Number.isFinite(q.y) && q.y !== 0 && Math.sign(q.y) !== Math.sign(p.y)) out.push(p.x + ((q.x - p.x) * p.y) / (p.y - q.y));
  }
  return out;
}

function firstCrossing(points: readonly { x: number; y: number }[]): number | null {
  return allCrossings(points)[0] ?? null;
}

/** The report's table as CSV: one row per variant, its variable values, then each figure's mean and 95 % interval. */
export function experimentReportCsv(r: ExperimentReport): string {
  const cell = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const head = [...r.variables.map((v) => v.name), ...r.figures.flatMap((f) => [`${f}_mean`, `${f}_ci95_low`, `${f}_ci95_high`])];
  const lines = r.variants.map((row) => [
    ...r.variables.map((v) => cell(row.values[v.name])),
    ...r.figures.flatMap((f) => [cell(row.figures[f].mean), cell(row.figures[f].ci95?.[0] ?? null), cell(row.figures[f].ci95?.[1] ?? null)]),
  ].join(','));
  return [head.map(cell).join(','), ...lines].join('\n') + '\n';
}
