import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { MS_PER_HOUR } from '@nimbus/hypervisor';
import { parseAzureDistributions } from '@nimbus/simulation';
import { ArrivalProcess, quantile, RandomStream, streamSeed } from './random';
import { ExactBuckets, LevelIntegral } from './results/exact';
import { mergePatch } from './merge-patch';

const azure = parseAzureDistributions(JSON.parse(gunzipSync(readFileSync(join(__dirname, '../../../../data/azure2019-distributions.json.gz'))).toString()).files);
const N = 40_000;
/** Four standard errors of a proportion p estimated from N draws. */
const tolerance = (p: number) => 4 * Math.sqrt((p * (1 - p)) / N);
const share = (xs: readonly number[], test: (x: number) => boolean) => xs.filter(test).length / xs.length;

describe('quantiles of the published Azure 2019 CDFs', () => {
  it('interpolate between the published points, by hand', () => {
    const life = azure.lifetimeHours;
    expect(quantile(life, 0.209)).toBeCloseTo(0.1, 12); // 20.9 % live ≤ 0.1 h
    expect(quantile(life, 0.1)).toBeCloseTo((0.1 * 0.1) / 0.209, 12); // from (0 h, 0) to (0.1 h, 20.9 %)
    expect(quantile(life, 0.5)).toBeCloseTo(0.4 + ((0.5 - 0.484) / (0.518 - 0.484)) * 0.1, 12); // between 0.4 h (48.4 %) and 0.5 h (51.8 %)
    expect(quantile(life, 0.636)).toBeCloseTo(1, 12); // 63.6 % ≤ 1 h
    expect(quantile(life, 0.95)).toBe(Infinity); // 8.2 % live beyond the 100 h the file covers
    expect(quantile(azure.cpuAveragePercent, 0.05)).toBe(0); // 8.7 % of VMs average 0 %
    expect(quantile(azure.cpuAveragePercent, 0.58223)).toBeCloseTo(10, 9);
    expect(quantile(azure.deploymentSize, 0.4, 'step')).toBe(1); // 47.0 % are single VMs
    expect(quantile(azure.deploymentSize, 0.5, 'step')).toBe(2);
  });

  it('seeded draws match the published shares', () => {
    const random = new RandomStream(streamSeed(42, 'test'));
    const lifetimes = Array.from({ length: N }, () => quantile(azure.lifetimeHours, random.uniform()));
    for (const [hours, p] of [[0.1, 0.209], [1, 0.636], [24, 0.891], [100, 0.918]] as const) expect(Math.abs(share(lifetimes, (x) => x <= hours) - p)).toBeLessThan(tolerance(p));
    const cores = Array.from({ length: N }, () => random.pick(azure.cores));
    expect(Math.abs(share(cores, (c) => c <= 2) - 0.582)).toBeLessThan(tolerance(0.582));
    expect(Math.abs(share(cores, (c) => c === 8) - 0.12)).toBeLessThan(tolerance(0.12));
    const cpu = Array.from({ length: N }, () => quantile(azure.cpuAveragePercent, random.uniform()));
    expect(Math.abs(share(cpu, (x) => x <= 10) - 0.58223)).toBeLessThan(tolerance(0.58223));
    expect(Math.abs(share(cpu, (x) => x <= 50) - 0.93514)).toBeLessThan(tolerance(0.93514));
  });

  it('are monotone in the probability (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        for (const c of [azure.lifetimeHours, azure.cpuAveragePercent, azure.cpuP95Percent]) expect(quantile(c, lo)).toBeLessThanOrEqual(quantile(c, hi));
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('arrivals', () => {
  const start = Date.UTC(2026, 0, 5);
  const count = (spec: ConstructorParameters<typeof ArrivalProcess>[0], hours: number, seed = 1) => {
    const p = new ArrivalProcess(spec, start, new RandomStream(seed));
    const times: number[] = [];
    for (let t = p.next(start, start + hours * MS_PER_HOUR); t !== Infinity; t = p.next(t, start + hours * MS_PER_HOUR)) times.push(t);
    return times;
  };

  it('are Poisson at the mean rate', () => {
    const n = count({ ratePerHour: 60 }, 500).length;
    expect(Math.abs(n - 30_000)).toBeLessThan(4 * Math.sqrt(30_000));
  });

  it('follow the diurnal modulation: (1 + a) / (1 − a) more at the peak hour than at the trough', () => {
    const times = count({ ratePerHour: 100, diurnal: { amplitude: 0.5, peakHourUtc: 12 } }, 24 * 200);
    const hourOf = (t: number) => Math.floor((t % 86_400_000) / MS_PER_HOUR);
    const peak = times.filter((t) => hourOf(t) === 12 || hourOf(t) === 11).length;
    const trough = times.filter((t) => hourOf(t) === 0 || hourOf(t) === 23).length;
    expect(peak / trough).toBeGreaterThan(2.7); // ≈ 2.9 for hour-wide windows around cos's extremes
    expect(peak / trough).toBeLessThan(3.2);
    expect(Math.abs(times.length - 100 * 24 * 200)).toBeLessThan(4 * Math.sqrt(100 * 24 * 200));
  });

  it('multiply the rate inside a burst, and are the same for the same seed', () => {
    const spec = { ratePerHour: 50, bursts: [{ atHours: 10, durationHours: 2, multiplier: 5 }] };
    const times = count(spec, 24);
    const inBurst = times.filter((t) => t >= start + 10 * MS_PER_HOUR && t < start + 12 * MS_PER_HOUR).length;
    expect(inBurst).toBeGreaterThan(350); // 500 expected
    expect(inBurst).toBeLessThan(650);
    expect(count(spec, 24)).toEqual(times);
    expect(count(spec, 24, 2)).not.toEqual(times);
  });
});

describe('exact per-bucket sums', () => {
  it('do not depend on the order of their terms (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), { minLength: 1, maxLength: 60 }), fc.integer(), (terms, shuffleSeed) => {
        const a = new ExactBuckets(1);
        for (const t of terms) a.add(0, t);
        const shuffled = [...terms];
        const r = new RandomStream(shuffleSeed);
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(r.uniform() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const b = new ExactBuckets(1);
        for (const t of shuffled) b.add(0, t);
        expect(b.value(0)).toBe(a.value(0));
        expect(a.value(0)).toBe(Number(terms.reduce((s, t) => s + BigInt(t), 0n)));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('integrate a level over buckets exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: -5, max: 5 })), { maxLength: 30 }), (steps) => {
        const l = new LevelIntegral(0, 1000, 10);
        let t = 0;
        let expected = 0;
        let level = 0;
        for (const [dt, delta] of steps) {
          const next = Math.min(10_000, t + (dt % 997));
          expected += level * (next - t);
          t = next;
          l.change(t, delta);
          level += delta;
        }
        expected += level * (10_000 - t);
        l.integrateTo(10_000);
        let total = 0;
        for (let i = 0; i < 10; i++) total += l.buckets.value(i);
        expect(total).toBe(expected);
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    expect(mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({ a: 'z', c: { d: 'e' } });
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(mergePatch({ a: 'b' }, ['c'])).toEqual(['c']);
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('is idempotent and leaves its inputs alone (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (target, patch) => {
        const before = JSON.stringify([target, patch]);
        const once = mergePatch(target, patch);
        expect(mergePatch(once, patch)).toEqual(once);
        expect(JSON.stringify([target, patch])).toBe(before);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
