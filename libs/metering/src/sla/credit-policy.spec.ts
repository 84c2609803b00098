import { InvalidCreditPolicy } from '../errors';
import { CreditPolicy, DEFAULT_CREDIT_POLICY, validateCreditPolicy } from './credit-policy';

describe('validateCreditPolicy', () => {
  it('accepts the defaults', () => {
    expect(() => validateCreditPolicy(DEFAULT_CREDIT_POLICY)).not.toThrow();
  });

  it.each<[string, CreditPolicy]>([
    ['a percent above 100', { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '150', minimumDurationMs: 0 } }],
    ['a float percent', { ...DEFAULT_CREDIT_POLICY, regionTiers: [{ belowPercent: 99.9 as unknown as string, creditPercent: '10' }] }],
    ['a negative minimum duration', { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '10', minimumDurationMs: -1 } }],
  ])('refuses %s', (_why, policy) => {
    expect(() => validateCreditPolicy(policy)).toThrow(InvalidCreditPolicy);
  });
});
