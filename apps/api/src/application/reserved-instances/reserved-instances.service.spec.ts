import { RI_PAYMENT_PENDING_MS, riEndMs, riStateAt } from './ri-state';

describe('a Reserved Instance\'s state on the engine clock', () => {
  const start = Date.UTC(2025, 3, 1);
  const ri = { startMs: start, durationSeconds: 31_536_000 };
  const at = (t: number) => riStateAt(ri, t);

  it('ends its term 365 days after its start (EC2\'s Duration 31536000 s)', () => {
    expect(riEndMs(ri)).toBe(Date.UTC(2026, 3, 1));
  });

  it('is payment-pending for its first simulated minute, active from then until End, retired at End', () => {
    expect(RI_PAYMENT_PENDING_MS).toBe(60_000);
    const end = Date.UTC(2026, 3, 1);
    expect([at(start), at(start + 59_999), at(start + 60_000), at(end - 1), at(end)]).toEqual(['payment-pending', 'payment-pending', 'active', 'active', 'retired']);
  });
});
