import { Pipeline, PipelineFailed } from './pipeline';

/** A statement answered (or refused) only when the test says so. */
function statement<T>(): { readonly promise: Promise<T>; answer(v: T): void; refuse(e: Error): void } {
  let answer!: (v: T) => void;
  let refuse!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((answer = res), (refuse = rej)));
  promise.catch(() => undefined);
  return { promise, answer, refuse };
}

const failureOf = (p: Pipeline) => p.settle().then(() => undefined, (e: unknown) => e as PipelineFailed);

describe('Pipeline: a group sent ahead, checked before the COMMIT', () => {
  it('settles once every statement has answered and every prediction held, and not before', async () => {
    const p = new Pipeline();
    const write = statement<void>();
    const read = statement<Set<string>>();
    p.observe('INSERT INTO "instances" …', write.promise);
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
    p.observe('INSERT …', first.promise);
    p.observe('SELECT …', second.promise);
    second.answer();
    first.refuse(new Error('duplicate key'));
    const err = await failureOf(p);
    expect(err).toBeInstanceOf(PipelineFailed);
    expect(err!.message).toBe('a pipelined group cannot commit: duplicate key');
  });

  it('a prediction that did not hold fails the settle, naming what was assumed', async () => {
    const p = new Pipeline();
    const read = statement<Set<string>>();
    p.expect(read.promise, (held) => held.size === 0, 'addresses 10.0.1.5 of subnet-1 are free');
    read.answer(new Set(['10.0.1.5']));
    expect((await failureOf(p))!.message).toBe('a pipelined group cannot commit: the prediction that addresses 10.0.1.5 of subnet-1 are free did not hold');
  });

  it('a command that fails having only read leaves nothing to undo; one that fails after it wrote fails the group', async () => {
    const reads = new Pipeline();
    const select = statement<void>();
    reads.commandStarts();
    reads.observe('  select "id" from "placement_groups" …', select.promise);
    select.answer();
    reads.commandFailed(new Error('InvalidPlacementGroup.Unknown'));
    expect(await failureOf(reads)).toBeUndefined();

    const writes = new Pipeline();
    const insert = statement<void>();
    writes.commandStarts();
    writes.observe('WITH w0 AS (INSERT INTO "reservations" …) SELECT …', insert.promise);
    insert.answer();
    writes.commandFailed(new Error('InsufficientFreeAddressesInSubnet'));
    expect((await failureOf(writes))!.message).toBe('a pipelined group cannot commit: a command failed after it had written (InsufficientFreeAddressesInSubnet)');
  });

  it("a write counts for the command that sent it only: one that wrote and succeeded, then one that only read and failed, commit", async () => {
    const p = new Pipeline();
    p.commandStarts();
    p.observe('INSERT …', Promise.resolve());
    p.commandSucceeded();
    p.commandStarts();
    p.observe('SELECT …', Promise.resolve());
    p.commandFailed(new Error('not found'));
    // Statements between commands (the change set's, the clock's) belong to none.
    p.observe('UPDATE "hosts" …', Promise.resolve());
    expect(await failureOf(p)).toBeUndefined();
  });

  it('waits also for statements sent while it waits', async () => {
    const p = new Pipeline();
    const first = statement<void>();
    const late = statement<void>();
    p.observe('INSERT …', first.promise);
    const settling = failureOf(p);
    p.observe('INSERT …', late.promise);
    first.answer();
    await new Promise((r) => setImmediate(r));
    late.refuse(new Error('connection lost'));
    expect(await settling).toBeInstanceOf(PipelineFailed);
  });

  it('nothing sent: settles at once', async () => {
    await expect(new Pipeline().settle()).resolves.toBeUndefined();
  });
});
