import { Tx } from './tx';

/**
 * A group commit sent ahead (PostgreSQL; docs/architecture.md, "The write path").
 *
 * On PostgreSQL every statement a command awaits is a round trip, and a group's commands run one
 * after the other, so a group of launches used to wait for two round trips per launch before its
 * COMMIT. In a pipelined transaction, writes whose answer nobody reads are sent and not awaited
 * (fast-sql's inserts, bulkUpdate, a command's savepoint), and a read whose answer the write path
 * can predict is sent with its prediction (`expect`: the lowest addresses above a subnet's floor
 * are free; a public address next in the pool is not held) rather than awaited. The connection
 * pipelines (data-source.ts): the server runs the statements in the order sent, so each still sees
 * the writes before it.
 *
 * Before the COMMIT, `settle` waits for every statement sent ahead. If one failed, or a prediction
 * did not hold, it throws PipelineFailed: the transaction rolls back as a whole (a statement
 * after a failed one failed too, and a command's rollback to its savepoint could otherwise have
 * hidden it), and the write path runs the group again, awaiting every statement as before, where
 * each command's own failure is its own (EngineService.commitGroup). So a group that commits
 * pipelined stored exactly what the same commands, awaited one by one, would have.
 */
export class Pipeline {
  private readonly pending: Promise<void>[] = [];
  private failure: { readonly reason: unknown } | undefined;

  /** A statement sent ahead: its answer is not needed, only that it succeeded. */
  send(statement: Promise<unknown>): void {
    this.pending.push(statement.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= { reason: err };
      },
    ));
  }

  /** A statement whose answer was predicted: `holds` tells whether it was right (`what` says what was assumed). */
  expect<T>(statement: Promise<T>, holds: (answer: T) => boolean, what: string): void {
    this.send(statement.then((answer) => {
      if (!holds(answer)) throw new Error(`the prediction that ${what} did not hold`);
    }));
  }

  /** Waits for every statement sent ahead; throws PipelineFailed if one failed or was mispredicted. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
    if (this.failure) throw new PipelineFailed(this.failure.reason);
  }
}

/** A pipelined group's statement failed or was mispredicted: nothing of the group is stored, and it runs again, awaited. */
export class PipelineFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`a statement sent ahead failed: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'PipelineFailed';
  }
}

const pipelines = new WeakMap<object, Pipeline>();

/** The pipeline of this transaction, if it is a pipelined group's (undefined otherwise: await every statement). */
export function pipelineOf(tx: Tx): Pipeline | undefined {
  const runner = tx.queryRunner;
  return runner ? pipelines.get(runner) : undefined;
}

/** Makes `tx` (a PostgreSQL transaction) pipelined until `closePipeline`. */
export function openPipeline(tx: Tx): Pipeline {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('openPipeline: not a transaction');
  const pipeline = new Pipeline();
  pipelines.set(runner, pipeline);
  return pipeline;
}

export function closePipeline(tx: Tx): void {
  if (tx.queryRunner) pipelines.delete(tx.queryRunner);
}
