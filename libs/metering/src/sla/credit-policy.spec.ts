import { InvalidCreditPolicy } from '../errors';
import { CreditPolicy, DEFAULT_CREDIT_POLICY, validateCreditPolicy } from './credit-policy';

describe('validateCreditPolicy', () => {
  it('accepts the defaults', () => {
    expect(() => validateCreditPolicy(DEFAULT_CREDIT_POLICY)).not.toThrow();
  });

  it('accepts the bounds: a 31-day minimum, a percent of 10 decimal places', () => {
    expect(() => validateCreditPolicy({ ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '0.0000000001', minimumDurationMs: 31 * 86_400_000 } })).not.toThrow();
  });

  it.each<[string, CreditPolicy]>([
    ['a percent above 100', { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '150', minimumDurationMs: 0 } }],
    ['a float percent', { ...DEFAULT_CREDIT_POLICY, regionTiers: [{ belowPercent: 99.9 as unknown as string, creditPercent: '10' }] }],
    ['a negative minimum duration', { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '10', minimumDurationMs: -1 } }],
    ['a minimum duration longer than 31 days', { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '10', minimumDurationMs: 31 * 86_400_000 + 1 } }],
    ['a minimum duration of 2^53 - 1 ms', { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '10', minimumDurationMs: Number.MAX_SAFE_INTEGER } }],
    ['a percent with 11 decimal places', { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '0.00000000001', minimumDurationMs: 0 } }],
  ])('refuses %s', (_why, policy) => {
    expect(() => validateCreditPolicy(policy)).toThrow(InvalidCreditPolicy);
  });
});
