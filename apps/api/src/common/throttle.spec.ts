import { MUTATING, NON_MUTATING, RequestThrottle } from './throttle';

describe('RequestThrottle', () => {
  it('allows a full bucket at once, then refills at its rate', () => {
    let now = 0;
    const sut = new RequestThrottle(() => now);
    for (let i = 0; i < 100; i++) expect(sut.take('t1:describe', NON_MUTATING)).toBe(0);
    expect(sut.take('t1:describe', NON_MUTATING)).toBe(1);
    now += 1000; // 20 tokens back
    for (let i = 0; i < 20; i++) expect(sut.take('t1:describe', NON_MUTATING)).toBe(0);
    expect(sut.take('t1:describe', NON_MUTATING)).toBeGreaterThan(0);
  });

  it('keeps a bucket per key: one tenant or action does not throttle another', () => {
    const sut = new RequestThrottle(() => 0);
    for (let i = 0; i < 200; i++) sut.take('t1:run', MUTATING);
    expect(sut.take('t1:run', MUTATING)).toBe(1);
    expect(sut.take('t2:run', MUTATING)).toBe(0);
    expect(sut.take('t1:stop', MUTATING)).toBe(0);
  });

  it('never holds more than its capacity', () => {
    let now = 0;
    const sut = new RequestThrottle(() => now);
    sut.take('k', NON_MUTATING);
    now += 3_600_000;
    let allowed = 0;
    while (sut.take('k', NON_MUTATING) === 0) allowed++;
    expect(allowed).toBe(100);
  });
});
