import fc from 'fast-check';
import { Engine } from './engine';

describe('Engine', () => {
  it('runs actions in (time, sequence) order and advances the clock to each', () => {
    const sut = new Engine(0);
    const seen: string[] = [];
    sut.schedule(20, (t) => seen.push(`b@${t}`));
    sut.schedule(10, (t) => seen.push(`a@${t}`));
    sut.schedule(20, (t) => seen.push(`c@${t}`));
    sut.runUntil(100);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(sut.now).toBe(100);
  });

  it('runUntil stops at the bound and leaves later actions queued', () => {
    const sut = new Engine(0);
    const seen: number[] = [];
    sut.schedule(50, () => seen.push(50));
    sut.schedule(51, () => seen.push(51));
    expect(sut.runUntil(50)).toBe(1);
    expect(seen).toEqual([50]);
    expect(sut.nextEventTime()).toBe(51);
  });

  it('halt: runUntil returns after the halting action, the clock at its time; the next call runs the rest', () => {
    const sut = new Engine(0);
    const seen: string[] = [];
    sut.schedule(10, () => seen.push('a'));
    sut.schedule(20, () => {
      seen.push('b');
      sut.halt();
    });
    sut.schedule(20, () => seen.push('c'));
    sut.schedule(30, () => seen.push('d'));
    expect(sut.runUntil(100)).toBe(2);
    expect([seen, sut.now]).toEqual([['a', 'b'], 20]);
    sut.runUntil(100);
    expect([seen, sut.now]).toEqual([['a', 'b', 'c', 'd'], 100]);
  });

  it('cancelled actions never run', () => {
    const sut = new Engine(0);
    const ran: number[] = [];
    const h = sut.schedule(5, () => ran.push(5));
    sut.schedule(6, () => ran.push(6));
    sut.cancel(h);
    sut.runUntil(10);
    expect(ran).toEqual([6]);
    expect(sut.pending).toBe(0);
  });

  it('refuses to schedule in the past or run backwards', () => {
    const sut = new Engine(100);
    expect(() => sut.schedule(99, () => undefined)).toThrow(RangeError);
    expect(() => sut.runUntil(50)).toThrow(RangeError);
  });

  it('actions may schedule more actions, including at the current time', () => {
    const sut = new Engine(0);
    const seen: number[] = [];
    sut.schedule(10, (t) => {
      seen.push(t);
      sut.schedule(t, (u) => seen.push(u + 0.5));
      sut.schedule(t + 5, (u) => seen.push(u));
    });
    sut.runUntil(20);
    expect(seen).toEqual([10, 10.5, 15]);
  });

  it('property: pops every scheduled time in non-decreasing order, ties in insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (times) => {
        const sut = new Engine(0);
        const seen: [number, number][] = [];
        times.forEach((t, i) => sut.schedule(t, (now) => seen.push([now, i])));
        sut.runUntil(1000);
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(seen).toEqual(expected);
      }),
    );
  });
});
