import fc from 'fast-check';
import { findInstanceType } from '../../catalog/instance-types';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../engine/sim-time';
import { CreditAccount, defaultCreditMode, MILLICORE_MS_PER_CREDIT } from './credit-account';

// t3.micro: 2 vCPUs at a 10 % baseline → 200 millicores, earning 0.1 × 2 × 60 = 12 credits per hour,
// capped at 24 × 12 = 288 credits (EC2's table for t3.micro).
const t3micro = findInstanceType('t3.micro')!;
const micro = (mode: 'standard' | 'unlimited', initialCredits?: number) =>
  new CreditAccount({ vcpus: t3micro.vcpus, baselinePerVcpu: t3micro.baselinePerVcpu!, mode, startMs: 0, initialCredits });
const FULL = 2000;

describe('CreditAccount', () => {
  it('earns b × n × 60 credits per hour and stops at 24 hours of earnings', () => {
    const sut = micro('standard');
    expect(sut.baselineMillicores).toBe(200);
    expect(sut.maxCredits).toBe(288);
    sut.advance(MS_PER_HOUR, 0);
    expect(sut.balanceCredits).toBe(12);
    sut.advance(30 * MS_PER_HOUR, 0);
    expect(sut.balanceCredits).toBe(288); // not 360: earnings beyond the cap are discarded
  });

  it('t3 gets no launch credits: a fresh standard t3.micro is held to its baseline at once', () => {
    const sut = micro('standard');
    expect(sut.balanceCredits).toBe(0);
    expect(sut.effectiveLimitMillicores()).toBe(200);
    expect(sut.timeUntilLimitChangeMs(FULL)).toBe(0);
  });

  it('a standard t3.micro at 100 % drops to its baseline at the exact minute its credits run out', () => {
    // Full bucket of 288 credits; at 100 % it spends 2 credits/min and earns 0.2: net 1.8 credits/min,
    // so 288 / 1.8 = 160 minutes.
    const sut = micro('standard');
    sut.advance(MS_PER_DAY, 0);
    expect(sut.balanceCredits).toBe(288);
    expect(sut.effectiveLimitMillicores()).toBe(FULL);
    const t = sut.timeUntilLimitChangeMs(FULL);
    expect(t).toBe(160 * MS_PER_MINUTE);

    sut.advance(MS_PER_DAY + t - 1, FULL);
    expect(sut.effectiveLimitMillicores()).toBe(FULL); // one ms before: still bursting
    sut.advance(MS_PER_DAY + t, FULL);
    expect(sut.balanceCredits).toBe(0);
    expect(sut.effectiveLimitMillicores()).toBe(200);
    expect(sut.creditsSpent).toBe(160 * 2);
  });

  it('refuses to integrate use above the baseline past the exhaustion event (the engine missed it)', () => {
    const sut = micro('standard', 1.8); // 1.8 credits last one minute at 100 %
    expect(sut.timeUntilExhaustedMs(FULL)).toBe(MS_PER_MINUTE);
    expect(() => sut.advance(MS_PER_MINUTE + 1, FULL)).toThrow(RangeError);
    sut.advance(MS_PER_MINUTE, FULL);
    sut.advance(2 * MS_PER_MINUTE, 200); // at the baseline the balance stays at zero
    expect(sut.balanceCredits).toBe(0);
  });

  it('rounds the exhaustion time up to the first whole ms at which the balance is ≤ 0', () => {
    const sut = micro('standard', 1); // 6e7 millicore-ms / 1800 per ms = 33,333.3 ms
    expect(sut.timeUntilExhaustedMs(FULL)).toBe(33_334);
    sut.advance(33_334, FULL);
    expect(sut.balanceMillicoreMs).toBe(0);
  });

  it('unlimited: bursts on surplus credits, pays them down with later earnings first', () => {
    const sut = micro('unlimited');
    expect(sut.effectiveLimitMillicores()).toBe(FULL);
    expect(sut.timeUntilLimitChangeMs(FULL)).toBe(Infinity); // no allocation event needed
    sut.advance(60 * MS_PER_MINUTE, FULL); // 60 min × 1.8 = 108 surplus credits
    expect(sut.surplusCredits).toBe(108);
    expect(sut.balanceCredits).toBe(0);
    expect(sut.effectiveLimitMillicores()).toBe(FULL);
    sut.advance(2 * MS_PER_HOUR, 0); // earns 12: pays surplus down to 96
    expect(sut.surplusCredits).toBe(96);
    sut.advance(10 * MS_PER_HOUR, 0); // 8 more hours × 12 = 96: paid off exactly
    expect(sut.surplusCredits).toBe(0);
    expect(sut.surplusCreditsCharged).toBe(0); // repaid surplus is never charged
  });

  it('unlimited: surplus beyond 24 h of earnings is charged as it accrues, the rest at stop', () => {
    const sut = micro('unlimited');
    sut.advance(200 * MS_PER_MINUTE, FULL); // 200 × 1.8 = 360 credits of surplus; cap 288
    expect(sut.surplusCredits).toBe(288);
    expect(sut.surplusCreditsCharged).toBe(72);
    sut.stop();
    expect(sut.surplusCredits).toBe(0);
    expect(sut.surplusCreditsCharged).toBe(360);
  });

  it('switching unlimited → standard charges the outstanding surplus', () => {
    const sut = micro('unlimited');
    sut.advance(10 * MS_PER_MINUTE, FULL);
    sut.setMode('standard');
    expect(sut.surplusCreditsCharged).toBe(18);
    expect(sut.effectiveLimitMillicores()).toBe(200);
  });

  it('credits survive a stop of up to seven days, and are lost after', () => {
    const kept = micro('standard', 100);
    kept.stop();
    kept.advance(7 * MS_PER_DAY, 0); // no earning while stopped
    kept.start(7 * MS_PER_DAY);
    expect(kept.balanceCredits).toBe(100);

    const lost = micro('standard', 100);
    lost.stop();
    lost.start(7 * MS_PER_DAY + 1);
    expect(lost.balanceCredits).toBe(0);
  });

  it('property: splitting an interval into many events changes nothing (exact integration)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'standard' | 'unlimited'>('standard', 'unlimited'),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 * MS_PER_HOUR }), fc.integer({ min: 0, max: FULL })), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 5 }),
        (mode, segments, cuts) => {
          const whole = micro(mode, 100);
          const pieces = micro(mode, 100);
          let t = 0;
          for (const [length, wanted] of segments) {
            // Respect the standard-mode limit as the engine would: split at the exhaustion event.
            let left = length;
            while (left > 0) {
              const used = Math.min(wanted, whole.effectiveLimitMillicores());
              const step = Math.min(left, whole.timeUntilLimitChangeMs(used));
              whole.advance(t + step, used);
              for (const c of [...cuts].sort((a, b) => a - b)) if (c < step) pieces.advance(t + c, used);
              pieces.advance(t + step, used);
              t += step;
              left -= step;
            }
          }
          expect(pieces.balanceMillicoreMs).toBe(whole.balanceMillicoreMs);
          expect(pieces.surplusChargedMillicoreMs).toBe(whole.surplusChargedMillicoreMs);
          expect(Number.isSafeInteger(whole.balanceMillicoreMs)).toBe(true);
          expect(whole.balanceMillicoreMs).toBeLessThanOrEqual(whole.capMillicoreMs);
          expect(whole.balanceMillicoreMs).toBeGreaterThanOrEqual(mode === 'standard' ? 0 : -whole.capMillicoreMs);
        },
      ),
    );
  });

  it('one credit is one vCPU-minute at 100 %', () => {
    expect(MILLICORE_MS_PER_CREDIT).toBe(1000 * MS_PER_MINUTE);
  });

  describe('carry: standard-mode exhaustion within an interval', () => {
    // t3.micro with 1 credit = 60,000,000 millicore-ms, both vCPUs busy (2,000 millicores): the
    // balance drains at 2,000 − 200 = 1,800 per ms, so it is gone after 60,000,000 / 1,800 =
    // 33,333.3 ms, i.e. at the 33,334th ms.
    it('standard: the use falls to the 200-millicore baseline at the exhaustion, then spends exactly what it earns', () => {
      const sut = micro('standard', 1);
      expect(() => micro('standard', 1).advance(60_000, FULL)).toThrow(RangeError); // what a plain advance refuses
      sut.carry(60_000, FULL);
      expect(sut.now).toBe(60_000);
      expect(sut.balanceCredits).toBe(0);
      expect(sut.effectiveLimitMillicores()).toBe(200);
      // 2,000 × 33,334 + 200 × 26,666 = 66,668,000 + 5,333,200 = 72,001,200 millicore-ms = 1.20002 credits.
      expect(sut.creditsSpent).toBeCloseTo(1.20002, 12);
    });

    it('unlimited: the use goes on, on surplus credits', () => {
      const sut = micro('unlimited', 1);
      sut.carry(60_000, FULL);
      // 60,000,000 − 1,800 × 60,000 = −48,000,000 millicore-ms = 0.8 surplus credits; 2,000 × 60,000 spent = 2 credits.
      expect(sut.balanceCredits).toBe(0);
      expect(sut.surplusCredits).toBeCloseTo(0.8, 12);
      expect(sut.creditsSpent).toBe(2);
    });

    it('standard below the baseline: earns, no exhaustion', () => {
      const sut = micro('standard', 0);
      sut.carry(60_000, 100); // (200 − 100) × 60,000 = 6,000,000 millicore-ms = 0.1 credits
      expect(sut.balanceCredits).toBeCloseTo(0.1, 12);
    });

    it('caps the use at all vCPUs, and does nothing when already at the time', () => {
      const sut = micro('unlimited', 0);
      sut.carry(1000, 5000); // as 2,000: (200 − 2,000) × 1,000 = −1,800,000 = 0.03 surplus credits
      expect(sut.surplusCredits).toBeCloseTo(0.03, 12);
      sut.carry(1000, FULL);
      sut.carry(500, FULL);
      expect(sut.now).toBe(1000);
      expect(sut.surplusCredits).toBeCloseTo(0.03, 12);
    });
  });

  it('a burstable type launches unlimited unless told otherwise (EC2: T3 defaults to unlimited)', () => {
    expect(defaultCreditMode(t3micro)).toBe('unlimited');
    expect(defaultCreditMode(findInstanceType('t3.2xlarge')!)).toBe('unlimited');
  });
});
