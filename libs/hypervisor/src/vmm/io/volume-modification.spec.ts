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

  it('moves between gp2, gp3, io1, io2, st1 and sc1 within the target type\'s limits', () => {
    // gp2 100 GiB → st1: st1's minimum is 125 GiB (CreateVolume's rule), so it must grow too.
    expect(() => modifiedSpec(gp2, { type: 'st1' }, [], 0)).toThrow(/st1 volume must be an integer between 125 and 16384 GiB, got 100/);
    expect(modifiedSpec(gp2, { type: 'st1', sizeGiB: 2048 }, [], 0)).toEqual({ type: 'st1', sizeGiB: 2048, iops: 500, burstIops: 500, throughputMiBps: 500 });
    // st1 → sc1, st1 grown; IOPS cannot be set on them.
    const st1 = resolveVolume({ type: 'st1', sizeGiB: 500 });
    expect(modifiedSpec(st1, { type: 'sc1' }, [], 0)).toMatchObject({ type: 'sc1', sizeGiB: 500, iops: 250 });
    expect(modifiedSpec(st1, { sizeGiB: 1024 }, [], 0)).toMatchObject({ type: 'st1', sizeGiB: 1024, throughputMiBps: 250 });
    expect(() => modifiedSpec(st1, { iops: 500 }, [], 0)).toThrow(expect.objectContaining({ code: 'InvalidParameterCombination' }));
    // io1 keeps its IOPS when it grows; io2 → io1 must fit io1's 50 IOPS per GiB.
    const io1 = resolveVolume({ type: 'io1', sizeGiB: 100, iops: 5000 });
    expect(modifiedSpec(io1, { sizeGiB: 200 }, [], 0)).toMatchObject({ type: 'io1', sizeGiB: 200, iops: 5000 });
    const io2 = resolveVolume({ type: 'io2', sizeGiB: 20, iops: 10_000 });
    expect(() => modifiedSpec(io2, { type: 'io1', iops: 10_000 }, [], 0)).toThrow(/at most 1000 IOPS \(50 IOPS per GiB\)/);
    expect(modifiedSpec(st1, { type: 'io1', iops: 25_000 }, [], 0)).toMatchObject({ type: 'io1', sizeGiB: 500, iops: 25_000 });
  });

  it('never makes a root volume st1 or sc1; never modifies standard, nor makes one', () => {
    expect(() => modifiedSpec(gp2, { type: 'sc1', sizeGiB: 500 }, [], 0, { rootVolume: true })).toThrow(/root volume cannot be modified to sc1/);
    expect(modifiedSpec(gp2, { type: 'sc1', sizeGiB: 500 }, [], 0, { rootVolume: false }).type).toBe('sc1');
    const standard = resolveVolume({ type: 'standard', sizeGiB: 8 });
    expect(() => modifiedSpec(standard, { sizeGiB: 16 }, [], 0)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue', message: expect.stringMatching(/standard .* cannot be modified/) }));
    expect(() => modifiedSpec(standard, { type: 'gp3' }, [], 0)).toThrow(/cannot be modified/);
    expect(() => modifiedSpec(gp2, { type: 'standard' }, [], 0)).toThrow(/cannot be modified to type standard/);
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
