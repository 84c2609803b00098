import { PendingRead, tickReads } from './tick-reads';

describe('tickReads', () => {
  it('hands the reads of one tick to send together, in order, and each caller gets its own answer', async () => {
    const batches: string[][] = [];
    const read = tickReads<string>((batch: PendingRead<string>[]) => {
      batches.push(batch.map((r) => r.sql));
      batch.forEach((r) => (r.sql === 'bad' ? r.reject(new Error('no')) : r.resolve(`${r.sql}:${r.params.join(',')}`)));
    });
    const a = read('a', [1]);
    const b = read('b', [2, 3]);
    const bad = read('bad', []);
    expect(batches).toEqual([]); // nothing sent before the tick's microtasks are done
    await expect(Promise.all([a, b])).resolves.toEqual(['a:1', 'b:2,3']);
    await expect(bad).rejects.toThrow('no');
    expect(batches).toEqual([['a', 'b', 'bad']]);
  });

  it('a read sent after its caller awaited another tick goes in a batch of its own', async () => {
    const batches: number[] = [];
    const read = tickReads<number>((batch) => {
      batches.push(batch.length);
      batch.forEach((r) => r.resolve(batch.length));
    });
    const first = read('x', []);
    await new Promise((r) => setImmediate(r));
    const [second, third] = [read('y', []), read('z', [])];
    expect(await Promise.all([first, second, third])).toEqual([1, 2, 2]);
    expect(batches).toEqual([1, 2]);
  });
});
