import { SerialQueue } from './serial-queue';

describe('SerialQueue', () => {
  it('never runs two tasks at once and keeps arrival order, even when one fails', async () => {
    const sut = new SerialQueue();
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    const task = (i: number, fail = false) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setImmediate(r));
      order.push(i);
      running--;
      if (fail) throw new Error(`task ${i}`);
      return i;
    };
    const results = await Promise.allSettled([sut.run(task(1)), sut.run(task(2, true)), sut.run(task(3))]);
    expect(maxRunning).toBe(1);
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
