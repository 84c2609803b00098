import { Pipeline, PipelineFailed } from './pipeline';

/** A statement answered (or refused) only when the test says so. */
function statement<T>(): { readonly promise: Promise<T>; answer(v: T): void; refuse(e: Error): void } {
  let answer!: (v: T) => void;
  let refuse!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((answer = res), (refuse = rej)));
  return { promise, answer, refuse };
}

describe('Pipeline: statements sent ahead, checked before the COMMIT', () => {
  it('settles once every statement sent has succeeded and every prediction held, and not before', async () => {
    const p = new Pipeline();
    const write = statement<void>();
    const read = statement<Set<string>>();
    p.send(write.promise);
    p.expect(read.promise, (held) => held.size === 0, 'the addresses are free');
    let settled = false;
    const settling = p.settle().then(() => (settled = true));
    write.answer();
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    read.answer(new Set());
    await settling;
    expect(settled).toBe(true);
  });

  it('a statement that failed fails the settle with its error, even after statements that succeeded behind it', async () => {
    const p = new Pipeline();
    const first = statement<void>();
    const second = statement<void>();
    p.send(first.promise);
    p.send(second.promise);
    second.answer();
    first.refuse(new Error('duplicate key'));
    const err = await p.settle().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineFailed);
    expect((err as PipelineFailed).message).toBe('a statement sent ahead failed: duplicate key');
  });

  it('a prediction that did not hold fails the settle, naming what was assumed', async () => {
    const p = new Pipeline();
    const read = statement<Set<string>>();
    p.expect(read.promise, (held) => held.size === 0, 'addresses 10.0.1.5 of subnet-1 are free');
    read.answer(new Set(['10.0.1.5']));
    const err = await p.settle().catch((e: unknown) => e);
    expect((err as PipelineFailed).message).toBe('a statement sent ahead failed: the prediction that addresses 10.0.1.5 of subnet-1 are free did not hold');
  });

  it('waits also for statements sent while it waits (a rollback to a savepoint sent late)', async () => {
    const p = new Pipeline();
    const first = statement<void>();
    const late = statement<void>();
    p.send(first.promise);
    const settling = p.settle();
    p.send(late.promise);
    first.answer();
    await new Promise((r) => setImmediate(r));
    late.refuse(new Error('connection lost'));
    await expect(settling).rejects.toBeInstanceOf(PipelineFailed);
  });

  it('nothing sent: settles at once', async () => {
    await expect(new Pipeline().settle()).resolves.toBeUndefined();
  });
});
