import { Tx } from './tx';

/**
 * A group commit sent ahead (PostgreSQL; docs/architecture.md, "A REST request's path").
 *
 * On PostgreSQL every statement a command awaits is a round trip, and a group's commands run one
 * after the other, so a group of launches used to wait for two round trips per launch before its
 * COMMIT. In a pipelined transaction, writes whose answer nobody reads are sent and not awaited
 * (fast-sql's inserts, bulkUpdate), and a read whose answer the write path can predict is sent
 * with its prediction (`expect`: the lowest addresses above a subnet's floor are free; a public
 * address next in the pool is not held; a launch's client token is unused) rather than awaited.
 * The connection pipelines (data-source.ts): the server runs the statements in the order sent, so
 * each still sees the writes before it.
 *
 * Every statement of the transaction is observed (`observe`, WorldStore.transaction). No command
 * runs in a savepoint: a command that fails before it wrote anything leaves nothing to undo, and
 * one that fails after it wrote fails the pipeline (`commandFailed`). Before the COMMIT, `settle`
 * waits for every statement. If one failed, a prediction did not hold, or a command that wrote
 * failed, it throws PipelineFailed: the transaction rolls back as a whole, and the write path runs
 * the group again, every statement awaited and each command in a savepoint, where each command's
 * failure is its own (EngineService.commitGroup). So a group that commits pipelined stored exactly
 * what the same commands, awaited one by one, would have.
 */
export class Pipeline {
  private readonly pending: Promise<void>[] = [];
  private failure: { readonly reason: unknown } | undefined;
  /** The running command: whether it has sent a statement that may write. */
  private command: { wrote: boolean } | undefined;

  /** A statement of the transaction, sent: a failure fails the settle; one that is not a SELECT counts as the running command's write. */
  observe(sql: string, statement: Promise<unknown>): void {
    if (this.command && !isSelect(sql)) this.command.wrote = true;
    this.track(statement);
  }

  /** A statement whose answer was predicted: `holds` tells whether it was right (`what` says what was assumed). */
  expect<T>(statement: Promise<T>, holds: (answer: T) => boolean, what: string): void {
    this.track(statement.then((answer) => {
      if (!holds(answer)) throw new Error(`the prediction that ${what} did not hold`);
    }));
  }

  /** A command of the group starts: its statements are counted as its own until the next one starts. */
  commandStarts(): void {
    this.command = { wrote: false };
  }

  /**
   * The running command failed: if it had sent a write, what it wrote cannot be undone alone (there
   * is no savepoint), so the group must run again, awaited. Otherwise nothing of it is stored.
   */
  commandFailed(error: unknown): void {
    if (this.command?.wrote) this.failure ??= { reason: new CommandFailedAfterWriting(error) };
    this.command = undefined;
  }

  commandSucceeded(): void {
    this.command = undefined;
  }

  /** Waits for every statement sent; throws PipelineFailed if one failed, was mispredicted, or a command that wrote failed. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
    if (this.failure) throw new PipelineFailed(this.failure.reason);
  }

  private track(statement: Promise<unknown>): void {
    this.pending.push(statement.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= { reason: err };
      },
    ));
  }
}

/** A statement that only reads: a SELECT (anything else, a CTE included, may write). */
export const isSelect = (sql: string): boolean => /^\s*SELECT\b/i.test(sql);

/** A command failed after it had sent a write: the group runs again, awaited. */
class CommandFailedAfterWriting extends Error {
  constructor(readonly error: unknown) {
    super(`a command failed after it had written (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** A pipelined group's statement failed or was mispredicted, or a command failed after writing: nothing of the group is stored, and it runs again, awaited. */
export class PipelineFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`a pipelined group cannot commit: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'PipelineFailed';
  }
}

const pipelines = new WeakMap<object, Pipeline>();

/** The pipeline of this transaction, if it is a pipelined group's (undefined otherwise: await every statement). */
export function pipelineOf(tx: Tx): Pipeline | undefined {
  const runner = tx.queryRunner;
  return runner ? pipelines.get(runner) : undefined;
}

type Query = (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;

/**
 * Runs `fn` with `tx` (a PostgreSQL transaction) pipelined: every statement sent through it is
 * observed, and before it returns every statement has answered (settle). Throws PipelineFailed
 * if the group cannot commit as sent.
 */
export async function pipelined<T>(tx: Tx, fn: (pipeline: Pipeline) => Promise<T>): Promise<T> {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('pipelined: not a transaction');
  const pipeline = new Pipeline();
  const own = Object.prototype.hasOwnProperty.call(runner, 'query');
  const query = runner.query as Query;
  const observed: Query = (sql, parameters, structured) => {
    const statement = query.call(runner, sql, parameters, structured);
    pipeline.observe(sql, statement);
    return statement;
  };
  (runner as unknown as { query: Query }).query = observed;
  pipelines.set(runner, pipeline);
  try {
    let r: T;
    try {
      r = await fn(pipeline);
    } catch (err) {
      // A statement awaited behind one that failed meets an aborted transaction: the first failure is the cause.
      await pipeline.settle();
      throw err;
    }
    await pipeline.settle();
    return r;
  } finally {
    // Whatever happened, nothing is left unanswered on the connection when it goes back to the pool.
    await pipeline.settle().catch(() => undefined);
    pipelines.delete(runner);
    if (own) (runner as unknown as { query: Query }).query = query;
    else delete (runner as unknown as { query?: Query }).query;
  }
}
