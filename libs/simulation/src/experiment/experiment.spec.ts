import { ScenarioResult } from '../scenario/results/result';
import { builtInExperiment, builtInExperimentNames } from './builtin';
import { expandExperiment, experimentReport, experimentReportCsv, setPointer, summarize } from './experiment';

const scenario = {
  version: 1, name: 'x', seed: 5, durationHours: 2,
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }] }] },
  tenants: [{ id: 't', workloads: [{ kind: 'synthetic', zone: 'us-east-1a', arrivals: { ratePerHour: 1 }, lifetime: { distribution: 'forever' }, size: { distribution: 'fixed', instanceType: 'm5.large' }, utilization: { distribution: 'fixed', percent: 10 } }] }],
};

const result = (headline: Record<string, number>, digest = 'd'): ScenarioResult =>
  ({ version: 1, scenario: 'x', seed: 1, cancelled: false, startMs: 0, simulatedMs: 0, events: 0, bucketMs: 3_600_000, digest, headline, series: [], tables: [] });

describe('experiments', () => {
  it('summarize: the mean, the sample standard deviation and the 95 % interval of the mean with Student\'s t (hand-worked)', () => {
    // 10, 12, 14: mean 12, s = 2, t(0.975, 2) = 4.303, half-width 4.303 × 2 / √3 = 4.96868…
    const s = summarize([10, 12, 14]);
    expect(s.mean).toBe(12);
    expect(s.stdDev).toBeCloseTo(2, 12);
    expect(s.ci95![0]).toBeCloseTo(12 - 4.968676, 5);
    expect(s.ci95![1]).toBeCloseTo(12 + 4.968676, 5);
    // One repetition: no interval.
    expect(summarize([7])).toEqual({ mean: 7, stdDev: null, ci95: null, n: 1 });
    // 2 values: t(0.975, 1) = 12.706; 1 and 3: s = √2, half = 12.706 × √2 / √2 = 12.706.
    expect(summarize([1, 3]).ci95).toEqual([2 - 12.706, 2 + 12.706]);
  });

  it('setPointer sets a value at a JSON Pointer, creating objects on the way, changing neither input', () => {
    const doc = { a: { b: 1 }, list: [{ x: 1 }, { x: 2 }] };
    expect(setPointer(doc, '/a/c/d', 5)).toEqual({ a: { b: 1, c: { d: 5 } }, list: [{ x: 1 }, { x: 2 }] });
    expect(setPointer(doc, '/list/1/x', 9)).toEqual({ a: { b: 1 }, list: [{ x: 1 }, { x: 9 }] });
    expect(setPointer(doc, '/a~1b', true)).toEqual({ a: { b: 1 }, 'a/b': true, list: [{ x: 1 }, { x: 2 }] });
    expect(doc).toEqual({ a: { b: 1 }, list: [{ x: 1 }, { x: 2 }] });
  });

  it('expands every combination of the variables\' values × the repetitions, each repetition its own seed', () => {
    const x = expandExperiment({
      version: 1, name: 'w', base: { scenario }, seed: 100, repetitions: 2,
      variables: [
        { name: 'weigher', path: '/policies/placement/weigher', values: ['pack', 'spread', 'balance'] },
        { name: 'ram', path: '/policies/placement/ramAllocationRatio', values: [1, 1.5] },
      ],
    });
    if (!x.ok) throw new Error(JSON.stringify(x.errors));
    expect(x.runs).toHaveLength(12);
    expect(x.variants).toEqual([
      { weigher: 'pack', ram: '1' }, { weigher: 'pack', ram: '1.5' }, { weigher: 'spread', ram: '1' },
      { weigher: 'spread', ram: '1.5' }, { weigher: 'balance', ram: '1' }, { weigher: 'balance', ram: '1.5' },
    ]);
    expect(x.runs.map((r) => [r.variant, r.repetition, r.scenario.seed])).toEqual([
      [0, 0, 100], [0, 1, 101], [1, 0, 100], [1, 1, 101], [2, 0, 100], [2, 1, 101], [3, 0, 100], [3, 1, 101], [4, 0, 100], [4, 1, 101], [5, 0, 100], [5, 1, 101],
    ]);
    expect(x.runs[3].scenario.policies?.placement).toEqual({ weigher: 'pack', ramAllocationRatio: 1.5 });
    // Without a seed the base scenario's is the first.
    const y = expandExperiment({ version: 1, name: 'w', base: { scenario }, variables: [{ name: 'w', path: '/policies/placement/weigher', values: ['pack'] }] });
    expect(y.ok && y.runs.map((r) => r.scenario.seed)).toEqual([5]);
  });

  it('names the path of what is wrong: the document, a label count, and a variant whose scenario is invalid', () => {
    const bad = expandExperiment({ version: 1, name: 'w', base: { scenario }, variables: [], extra: 1 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['/variables', '/']));
    const labels = expandExperiment({ version: 1, name: 'w', base: { scenario }, variables: [{ name: 'w', path: '/seed', values: [1, 2], labels: ['a'] }] });
    expect(!labels.ok && labels.errors).toEqual([{ path: '/variables/0/labels', message: 'must have one label per value' }]);
    const invalid = expandExperiment({ version: 1, name: 'w', base: { scenario }, variables: [{ name: 'w', path: '/policies/placement/weigher', values: ['pack', 'sideways'] }] });
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.errors[0].path).toBe('/variants/1/policies/placement/weigher');
    const unknown = expandExperiment({ version: 1, name: 'w', base: { builtIn: 'nope' }, variables: [{ name: 'w', path: '/seed', values: [1] }] });
    expect(!unknown.ok && unknown.errors[0].path).toBe('/base/builtIn');
    const tooMany = expandExperiment({ version: 1, name: 'w', base: { scenario }, repetitions: 30, variables: [{ name: 'w', path: '/seed', values: [1, 2, 3, 4, 5, 6, 7] }] });
    expect(!tooMany.ok && tooMany.errors[0].path).toBe('/repetitions');
  });

  it('the report: per variant, each figure\'s mean and interval over its repetitions; chart series; CSV (hand-worked figures)', () => {
    const x = expandExperiment({ version: 1, name: 'w', base: { scenario }, repetitions: 3, headline: ['energyKWh'], variables: [{ name: 'weigher', path: '/policies/placement/weigher', values: ['pack', 'spread'] }] });
    if (!x.ok) throw new Error('invalid');
    const energies = [10, 12, 14, 20, 20, 20];
    const r = experimentReport(x.experiment, x.runs, x.variants, energies.map((e, i) => result({ energyKWh: e, other: 1 }, `d${i}`)));
    expect(r.variants[0].figures.energyKWh.mean).toBe(12);
    expect(r.variants[0].figures.energyKWh.ci95![1]).toBeCloseTo(16.968676, 5);
    expect(r.variants[1].figures.energyKWh).toEqual({ mean: 20, stdDev: 0, ci95: [20, 20], n: 3 });
    expect(r.variants[1].digests).toEqual(['d3', 'd4', 'd5']);
    expect(r.series).toEqual([{ figure: 'energyKWh', labels: ['pack', 'spread'], means: [12, 20], ci95: [r.variants[0].figures.energyKWh.ci95, [20, 20]] }]);
    const csv = experimentReportCsv(r).trim().split('\n');
    expect(csv[0]).toBe('weigher,energyKWh_mean,energyKWh_ci95_low,energyKWh_ci95_high');
    expect(csv[2]).toBe('spread,20,20,20');
    expect(Number(csv[1].split(',')[2])).toBeCloseTo(12 - 4.968676, 5);
  });

  it('derived figures: ratios between variants, crossovers of two series and thresholds, from the means (hand-worked)', () => {
    const doc = {
      version: 1, name: 'd', base: { scenario }, headline: ['cost'],
      variables: [
        { name: 'model', path: '/policies/placement/weigher', values: ['pack', 'spread'], labels: ['byol', 'included'] },
        { name: 'u', path: '/policies/placement/cpuAllocationRatio', values: [1, 2, 4] },
      ],
      derived: [
        { name: 'r', kind: 'ratio', figure: 'cost', numerator: { model: 'included' }, denominator: { model: 'byol' } },
        { name: 'c', kind: 'crossover', figure: 'cost', x: 'u' },
        { name: 't', kind: 'threshold', figure: 'cost', x: 'u', level: 15 },
      ],
    };
    const x = expandExperiment(doc);
    if (!x.ok) throw new Error(JSON.stringify(x.errors));
    // Variants in order: byol·1, byol·2, byol·4, included·1, included·2, included·4.
    // byol costs 20 whatever u; included costs 5 × u: 5, 10, 20.
    const costs = [20, 20, 20, 5, 10, 20];
    const r = experimentReport(x.experiment, x.runs, x.variants, costs.map((c) => result({ cost: c })));
    const [ratio, crossover, threshold] = r.derived;
    // included ÷ byol at u = 1, 2, 4: 5/20, 10/20, 20/20.
    expect(ratio.values).toEqual([{ label: '1', value: 0.25 }, { label: '2', value: 0.5 }, { label: '4', value: 1 }]);
    // byol − included: 15, 10, 0 → they meet at u = 4 exactly.
    expect(crossover.values).toEqual([{ label: 'byol × included', value: 4 }]);
    // cost reaches 15: byol never (20 throughout); included between u = 2 (10) and 4 (20): 2 + 2 × 5/10 = 3.
    expect(threshold.values).toEqual([{ label: 'byol', value: null }, { label: 'included', value: 3 }]);
    // A crossing between points: byol 20 and included 5, 10, 30 → differences 15, 10, −10: 2 + 2 × 10/20 = 3.
    const r2 = experimentReport(x.experiment, x.runs, x.variants, [20, 20, 20, 5, 10, 30].map((c) => result({ cost: c })));
    expect(r2.derived[1].values).toEqual([{ label: 'byol × included', value: 3 }]);
  });

  it('derived figures must name the experiment\'s variables and labels, and a crossover\'s x must be numeric', () => {
    const base = { version: 1, name: 'd', base: { scenario }, variables: [{ name: 'w', path: '/policies/placement/weigher', values: ['pack', 'spread'] }] };
    const bad = (derived: unknown) => {
      const x = expandExperiment({ ...base, derived: [derived] });
      return x.ok ? [] : x.errors.map((e) => e.path);
    };
    expect(bad({ name: 'r', kind: 'ratio', figure: 'f', numerator: { w: 'pack' }, denominator: { w: 'sideways' } })).toEqual(['/derived/0/denominator/w']);
    expect(bad({ name: 'r', kind: 'ratio', figure: 'f', numerator: { nope: 'pack' }, denominator: { w: 'pack' } })).toEqual(['/derived/0/numerator/nope']);
    expect(bad({ name: 'c', kind: 'crossover', figure: 'f', x: 'w' })).toEqual(['/derived/0/x']);
    expect(bad({ name: 't', kind: 'threshold', figure: 'f', x: 'w' }).length).toBeGreaterThan(0); // no level
    expect(bad({ name: 'r', kind: 'ratio', figure: 'f', numerator: { w: 'pack' }, denominator: { w: 'spread' } })).toEqual([]);
  });

  it('every built-in experiment expands into valid scenarios', () => {
    for (const name of builtInExperimentNames()) {
      const x = expandExperiment(builtInExperiment(name));
      expect(x.ok ? x.runs.length : x.errors).toBeGreaterThan(0);
    }
  });
});
