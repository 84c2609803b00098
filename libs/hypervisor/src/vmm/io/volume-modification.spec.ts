import { resolveVolume } from './ebs-volume';
import { modificationSchedule, modificationStatus, modifiedSpec } from './volume-modification';

const H = 3_600_000;

describe('Elastic Volumes: ModifyVolume rules (docs/model.md §3.3)', () => {
  const gp2 = resolveVolume({ type: 'gp2', sizeGiB: 100 });

  it('keeps what the request leaves out when the type stays, and takes the new type\'s defaults when it changes', () => {
    // gp2 100 → 200 GiB: baseline 3 IOPS/GiB = 600, throughput for 200 GiB (≤ 170 GiB: 128; above: 250 MiB/s).
    expect(modifiedSpec(gp2, { sizeGiB: 200 }, [], 0)).toMatchObject({ type: 'gp2', sizeGiB: 200, iops: 600 });
    // gp2 → gp3: gp3's 3,000 IOPS and 125 MiB/s.
    expect(modifiedSpec(gp2, { type: 'gp3' }, [], 0)).toEqual({ type: 'gp3', sizeGiB: 100, iops: 3000, burstIops: 3000, throughputMiBps: 125 });
    // gp3 with 4,000 IOPS and 200 MiB/s, grown: both kept.
    const gp3 = resolveVolume({ type: 'gp3', sizeGiB: 100, iops: 4000, throughputMiBps: 200 });
    expect(modifiedSpec(gp3, { sizeGiB: 150 }, [], 0)).toMatchObject({ type: 'gp3', sizeGiB: 150, iops: 4000, throughputMiBps: 200 });
    // gp3 → io2 needs IOPS (io2 has no default): the request's, checked as CreateVolume checks it.
    expect(() => modifiedSpec(gp3, { type: 'io2' }, [], 0)).toThrow(/IOPS is required/);
    expect(modifiedSpec(gp3, { type: 'io2', iops: 5000 }, [], 0)).toMatchObject({ type: 'io2', iops: 5000 });
  });

  it('refuses to shrink, to change nothing, or to ask for nothing', () => {
    expect(() => modifiedSpec(gp2, { sizeGiB: 99 }, [], 0)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue', message: expect.stringMatching(/cannot shrink/) }));
    expect(() => modifiedSpec(gp2, { sizeGiB: 100, type: 'gp2' }, [], 0)).toThrow(/already has/);
    expect(() => modifiedSpec(gp2, {}, [], 0)).toThrow(expect.objectContaining({ code: 'MissingParameter' }));
  });

  it('one modification at a time, and at most four in a rolling 24 hours', () => {
    // A 200 GiB modification at 0: optimizing at 60 s, completed at 60 + 300 + 200 s = 560 s.
    const first = { startMs: 0, ...modificationSchedule(0, 200) };
    expect(first).toEqual({ startMs: 0, optimizingAtMs: 60_000, completedAtMs: 560_000 });
    expect(() => modifiedSpec(gp2, { sizeGiB: 300 }, [first], 559_999)).toThrow(expect.objectContaining({ code: 'IncorrectModificationState' }));
    expect(modifiedSpec(gp2, { sizeGiB: 300 }, [first], 560_000).sizeGiB).toBe(300);
    // Four at hours 0, 1, 2, 3: a fifth waits until hour 24 (24 h after the first).
    const four = [0, 1, 2, 3].map((h) => ({ startMs: h * H, ...modificationSchedule(h * H, 200) }));
    expect(() => modifiedSpec(gp2, { sizeGiB: 500 }, four, 24 * H - 1)).toThrow(/retry after 1970-01-02T00:00:00.000Z/);
    expect(modifiedSpec(gp2, { sizeGiB: 500 }, four, 24 * H).sizeGiB).toBe(500);
  });

  it('is modifying, then optimizing, then completed, with its progress', () => {
    const m = { startMs: 0, ...modificationSchedule(0, 200) }; // 560 s in all
    expect(modificationStatus(m, 0)).toEqual({ state: 'modifying', progress: 0 });
    expect(modificationStatus(m, 59_999)).toEqual({ state: 'modifying', progress: 10 }); // 59.999 / 560 = 10.7 %
    expect(modificationStatus(m, 280_000)).toEqual({ state: 'optimizing', progress: 50 });
    expect(modificationStatus(m, 560_000)).toEqual({ state: 'completed', progress: 100 });
  });
});
