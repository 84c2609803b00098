import fc from 'fast-check';
import { EBS_LIMITS, hddThroughputMiBps } from './ebs-volume';
import { HddBucket } from './hdd-bucket';

describe('HddBucket', () => {
  it('a 1 TiB st1 bursts at 250 MiB/s from a full 1 TiB bucket for 1,048,576 / (250 − 40) s, then falls to 40 MiB/s', () => {
    const sut = new HddBucket('st1', 1024, 0);
    expect(sut.balanceUnits).toBe(1_048_576);
    expect(sut.limitRate()).toBe(250);
    // 1,048,576 MiB drain at 210 MiB/s: 4,993.219… s, so the first whole ms with an empty bucket is 4,993,220.
    const t = sut.timeUntilEmptyMs(250);
    expect(t).toBe(4_993_220);
    sut.advance(t - 1, 250);
    expect(sut.limitRate()).toBe(250);
    expect(sut.carry(t, 250)).toBe(250);
    expect(sut.balanceUnits).toBe(0);
    expect(sut.limitRate()).toBe(40);
    expect(sut.burstBalancePercent).toBe(0);
  });

  it('drains and refills at hand-worked times: 2,100 MiB at 250 MiB/s last 10 s; an empty 1 TiB st1 refills in 26,214.4 s', () => {
    const sut = new HddBucket('st1', 1024, 0, 2100);
    expect(sut.timeUntilEmptyMs(250)).toBe(10_000); // 2,100 / (250 − 40)
    expect(sut.carry(60_000, 250)).toBe(40); // empty at 10 s, then held at the 40 MiB/s baseline
    expect(sut.balanceUnits).toBe(0);
    sut.advance(60_000 + 1000, 0); // 1 s idle: +40 MiB
    expect(sut.balanceUnits).toBe(40);
    const empty = new HddBucket('st1', 1024, 0, 0);
    empty.advance(26_214_400, 0); // 1,048,576 MiB / 40 MiB/s
    expect(empty.burstBalancePercent).toBe(100);
    empty.advance(30_000_000, 0);
    expect(empty.balanceUnits).toBe(1_048_576); // never above its capacity
  });

  it('sc1: a 500 GiB volume refills at 5.859375 MiB/s and bursts at 39.0625 MiB/s', () => {
    const sut = new HddBucket('sc1', 500, 0, 0);
    expect(sut.baselineMiBps).toBe(5.859375);
    expect(sut.burstMiBps).toBe(39.0625);
    sut.advance(1000, 0);
    expect(sut.balanceUnits).toBe(5.859375);
    // 33.203125 MiB/s net drain (39.0625 − 5.859375): 5.859375 MiB last 176.47… ms, so 177.
    expect(sut.timeUntilEmptyMs(39.0625)).toBe(177);
  });

  it('counts every I/O as at least 1 MiB of credit (AWS: "an I/O request of 1 MiB or less counts as a 1 MiB I/O credit")', () => {
    const sut = new HddBucket('st1', 2048, 0);
    expect(sut.creditRate(100, 100 * (16 / 1024))).toBe(100); // 100 IOPS of 16 KiB: 1.5625 MiB/s read, 100 MiB/s of credit
    expect(sut.creditRate(100, 200)).toBe(200); // 2 MiB I/Os: their throughput
    expect(sut.creditRate(600, 600)).toBe(500); // never above the burst
  });

  it('volumes whose baseline reaches the cap never drain: a 16 TiB st1 runs at 500 MiB/s forever', () => {
    const sut = new HddBucket('st1', 16_384, 0);
    expect(sut.timeUntilEmptyMs(500)).toBe(Infinity);
  });

  it('refuses sizes outside 125–16,384 GiB', () => {
    expect(() => new HddBucket('sc1', 124, 0)).toThrow(RangeError);
    expect(() => new HddBucket('st1', 16_385, 0)).toThrow(RangeError);
  });

  it('property: credits are never negative nor above capacity, and the rate carried is never above the burst (nor the baseline once empty)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('st1' as const, 'sc1' as const),
        fc.integer({ min: EBS_LIMITS.st1.minSizeGiB, max: EBS_LIMITS.st1.maxSizeGiB }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3_600_000 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 30 }),
        (type, sizeGiB, fill, steps) => {
          const { bucketMiB, burst, baseline } = hddThroughputMiBps(type, sizeGiB);
          const sut = new HddBucket(type, sizeGiB, 0, fill * bucketMiB);
          let t = 0;
          for (const [dt, share] of steps) {
            const asked = sut.limitRate() * share; // what the QoS in force lets through
            const rate = sut.carry((t += dt), asked);
            expect(sut.balanceUnits).toBeGreaterThanOrEqual(0);
            expect(sut.balanceUnits).toBeLessThanOrEqual(bucketMiB);
            expect(rate).toBeLessThanOrEqual(burst);
            if (!sut.hasCredits) expect(rate).toBeLessThanOrEqual(baseline);
          }
        },
      ),
      { seed: 15, numRuns: 200 },
    );
  });
});
