/**
 * Runs tasks one at a time, in arrival order. Every control-plane change goes through it, so the
 * in-memory engine and the database change together: a task plans against the engine, commits its
 * transaction, and only then is the next one allowed to look.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
