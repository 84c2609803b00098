import { effectiveCpuLimitMillicores } from './effective-limit';

describe('effectiveCpuLimitMillicores', () => {
  it('is the tenant limit when nothing lowers it', () => {
    expect(effectiveCpuLimitMillicores(1500, Infinity, 0)).toBe(1500);
  });

  it('a standard-mode t3.micro without credits: held to its 200-millicore baseline under a 2,000 limit', () => {
    expect(effectiveCpuLimitMillicores(2000, 200, 0)).toBe(200);
    // A tenant limit below the credits' one stays.
    expect(effectiveCpuLimitMillicores(150, 200, 0)).toBe(150);
  });

  it('auto-converge cuts it by its percentage, rounded down to whole millicores', () => {
    expect(effectiveCpuLimitMillicores(1500, Infinity, 30)).toBe(1050); // 1,500 × 0.7
    expect(effectiveCpuLimitMillicores(1001, Infinity, 50)).toBe(500); // 500.5 → 500
    expect(effectiveCpuLimitMillicores(2000, 200, 20)).toBe(160); // the credits' 200, then × 0.8
  });

  it('never below one millicore', () => {
    expect(effectiveCpuLimitMillicores(50, Infinity, 99)).toBe(1); // 0.5 → 0 → 1
    expect(effectiveCpuLimitMillicores(0, Infinity, 0)).toBe(1);
  });
});
