import { isGuaranteeViolated } from './guarantee';

describe('isGuaranteeViolated', () => {
  // (running, allocated, guaranteed, hostLost, demand, reservation, swappedMiB)
  it('CPU: less than min(demand, reservation) is a violation; exactly that is not', () => {
    expect(isGuaranteeViolated(true, 900, 1000, false, 1500, 1000, 0)).toBe(true);
    expect(isGuaranteeViolated(true, 1000, 1000, false, 1500, 1000, 0)).toBe(false);
    expect(isGuaranteeViolated(true, 0, 0, false, 0, 1000, 0)).toBe(false); // wants nothing
  });

  it('a lost host violates the guarantee of a running VM that wanted some of its reservation', () => {
    expect(isGuaranteeViolated(true, 0, 0, true, 500, 1000, 0)).toBe(true); // min(500, 1,000) = 500 > 0
    expect(isGuaranteeViolated(true, 0, 0, true, 500, 0, 0)).toBe(false); // reserved nothing
    expect(isGuaranteeViolated(true, 0, 0, true, 0, 1000, 0)).toBe(false); // wanted nothing
    expect(isGuaranteeViolated(false, 0, 0, true, 500, 1000, 0)).toBe(false); // not running
  });

  it('a running VM with swapped memory is violated; ballooning alone is not counted here', () => {
    expect(isGuaranteeViolated(true, 1000, 1000, false, 1000, 1000, 1)).toBe(true);
    expect(isGuaranteeViolated(false, 0, 0, false, 0, 0, 256)).toBe(false);
  });
});
