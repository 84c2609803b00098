import { ReservedInstanceEntity } from '../../persistence/entities';
import { RI_PAYMENT_PENDING_MS, ReservedInstancesService } from './reserved-instances.service';

describe('a Reserved Instance\'s state on the engine clock', () => {
  const start = Date.UTC(2025, 3, 1);
  const ri = { startMs: start, endMs: start + 31_536_000_000 } as ReservedInstanceEntity;
  const at = (t: number) => ReservedInstancesService.stateAt(ri, t);

  it('is payment-pending for its first simulated minute, active from then until End, retired at End', () => {
    expect(RI_PAYMENT_PENDING_MS).toBe(60_000);
    expect([at(start), at(start + 59_999), at(start + 60_000), at(ri.endMs - 1), at(ri.endMs)]).toEqual(['payment-pending', 'payment-pending', 'active', 'active', 'retired']);
  });
});
