import { BucketSummary } from '@nimbus/hypervisor';
import { MetricsRepository, SeriesWindows } from '../../persistence/metrics.repository';
import { MetricSeries, readMetricsMany, SERIES_PER_READ } from './metrics-query';

const MINUTE = 60_000;
/** The window: the first minute, one point of a minute. */
const w = { fromMs: 0, toMs: MINUTE, periodMs: MINUTE };
/** Series `i` has one bucket, the whole first minute at the value i. */
const bucketOf = (i: number): BucketSummary => ({ start: 0, coveredMs: MINUTE, count: 1, mean: [i], max: [i], end: [i], slope: [0], final: true });
const idOf = (i: number) => `h-${String(i).padStart(5, '0')}`;

/** A repository whose window reads answer from `bucketOf`, logging each read; `fail`: the part whose read fails. */
function fakeRepository(log: string[], fail?: number) {
  let reads = 0;
  const sut = {
    windowMany: jest.fn(async (_kind: string, ids: readonly string[]): Promise<SeriesWindows> => {
      const part = reads++;
      log.push(`read ${ids[0]}..${ids[ids.length - 1]}`);
      if (part === fail) throw new Error(`read ${part} failed`);
      return { buckets: (id) => [bucketOf(Number(id.slice(2)))], carry: () => undefined };
    }),
  };
  return sut as typeof sut & MetricsRepository;
}

describe('readMetricsMany', () => {
  const count = 2 * SERIES_PER_READ + 1;
  const ids = Array.from({ length: count }, (_, i) => idOf(i));
  const none = () => ({ open: undefined, pending: [] });

  it('reads the series a part at a time and hands each over in order, asking for the next part before making this one\'s series', async () => {
    const log: string[] = [];
    const repo = fakeRepository(log);
    const seen: [string, MetricSeries][] = [];
    await readMetricsMany(repo, 'host', ids, w, none, (id, s) => {
      if (id === ids[0] || id === ids[SERIES_PER_READ] || id === ids[count - 1]) log.push(`series ${id}`);
      seen.push([id, s]);
    });
    expect(log).toEqual([
      `read ${idOf(0)}..${idOf(SERIES_PER_READ - 1)}`,
      `read ${idOf(SERIES_PER_READ)}..${idOf(2 * SERIES_PER_READ - 1)}`,
      `series ${idOf(0)}`,
      `read ${idOf(2 * SERIES_PER_READ)}..${idOf(2 * SERIES_PER_READ)}`,
      `series ${idOf(SERIES_PER_READ)}`,
      `series ${idOf(count - 1)}`,
    ]);
    expect(seen.map(([id]) => id)).toEqual(ids);
    // Series i: one point, the first minute covered at the value i.
    expect(seen[7][1].points).toEqual([{ time: 0, coveredMs: MINUTE, count: 1, mean: [7], max: [7], end: [7] }]);
    expect(seen[count - 1][1].points[0].mean).toEqual([count - 1]);
  });

  it('fails with the failure of a part read ahead, after the parts before it, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const handed: string[] = [];
      // The second part's read fails while the first part's series are being made.
      await expect(readMetricsMany(fakeRepository([], 1), 'host', ids, w, none, (id) => handed.push(id))).rejects.toThrow('read 1 failed');
      expect(handed).toEqual(ids.slice(0, SERIES_PER_READ));
      // A failure of `each` leaves the part read ahead with nobody to await it.
      const boom = new Error('each failed');
      await expect(readMetricsMany(fakeRepository([], 1), 'host', ids, w, none, () => {
        throw boom;
      })).rejects.toBe(boom);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
