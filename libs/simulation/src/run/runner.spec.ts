import { MS_PER_HOUR } from '@nimbus/hypervisor';
import { runWorld, runWorldAsync, World } from '@nimbus/simulation';

const START = Date.UTC(2026, 0, 1);
const world = () => World.create({ startMs: START, hosts: [{ hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 1 }] });

describe('runWorld and runWorldAsync', () => {
  it('run to the end in slices with or without a progress callback, and agree', async () => {
    const a = world();
    const plain = runWorld(a, { until: START + 3 * MS_PER_HOUR });
    expect(plain).toMatchObject({ completed: true, reachedMs: START + 3 * MS_PER_HOUR, slices: 3 });
    const b = world();
    expect(await runWorldAsync(b, { until: START + 3 * MS_PER_HOUR })).toEqual(plain);
    const c = world();
    const seen: number[] = [];
    expect(await runWorldAsync(c, { until: START + 3 * MS_PER_HOUR, onProgress: async (p) => void seen.push(p.simulatedTime) })).toEqual(plain);
    expect(seen).toEqual([1, 2, 3].map((h) => START + h * MS_PER_HOUR));
    for (const w of [a, b, c]) w.dispose();
  });

  it('stop between slices when the signal is aborted', async () => {
    const w = world();
    const signal = { aborted: false };
    const out = await runWorldAsync(w, { until: START + 5 * MS_PER_HOUR, signal, onProgress: (p) => void (signal.aborted = p.slices === 2) });
    expect(out).toMatchObject({ completed: false, reachedMs: START + 2 * MS_PER_HOUR, slices: 2 });
    w.dispose();
  });
});
