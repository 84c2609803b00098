import { Client } from 'pg';

/**
 * PostgreSQL statements prepared once per connection, by name, rather than parsed and planned
 * again at every execution.
 *
 * node-postgres sends a statement with parameters through the extended protocol unnamed: the
 * server parses, analyses and plans it each time. A statement given a name is parsed once per
 * connection, and the server keeps it, re-planning on its own when a table it reads changes. The
 * write path's statements repeat thousands of times with new values (a launch's inserts, a
 * describe's selects), so they are named; `bench:api` measures the gain (docs/benchmarks.md,
 * fourteenth session).
 *
 * Which statements: those with parameters (a statement without any may be several in one string,
 * which the extended protocol refuses, and transaction control has none), once the process has
 * run the same text `USES_BEFORE_NAMING` times; one-off statements stay unnamed. At most
 * `MAX_NAMED_STATEMENTS` texts are named, so that no connection's server process keeps more than
 * that many plans: statements of many shapes (an IN list of every length) stop being named once
 * the limit is reached, and run as before.
 */
export const USES_BEFORE_NAMING = 2;
export const MAX_NAMED_STATEMENTS = 1000;
/** Texts counted towards naming; beyond this many, a new text is not counted (it runs unnamed). */
const MAX_COUNTED = 10_000;

/** The names given to statement texts: the same text has the same name on every connection. */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly uses = new Map<string, number>();

  constructor(
    private readonly usesBeforeNaming = USES_BEFORE_NAMING,
    private readonly maxNamed = MAX_NAMED_STATEMENTS,
  ) {}

  /** The name `text` runs under, or undefined to run it unnamed (this use is counted). */
  nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.maxNamed) return name;
    const uses = (this.uses.get(text) ?? 0) + 1;
    if (uses <= this.usesBeforeNaming) {
      if (uses > 1 || this.uses.size < MAX_COUNTED) this.uses.set(text, uses);
      return undefined;
    }
    this.uses.delete(text);
    const named = `nimbus_${this.names.size + 1}`;
    this.names.set(text, named);
    return named;
  }

  get named(): number {
    return this.names.size;
  }
}

/** The process's statement names (every pool's connections share them). */
export const STATEMENT_NAMES = new StatementNames();

type QueryFn = (this: Client, config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * node-postgres's client, naming the statements `names` picks. TypeORM's pools use it through the
 * data source's `extra.Client` (data-source.ts); everything else about the client is unchanged.
 */
export class NamedStatementClient extends Client {
  static names: StatementNames = STATEMENT_NAMES;
}

/** Sockets corked until the end of this tick (see corkForTick). */
const corked = new WeakSet<object>();

/**
 * Holds the connection's writes back until the current tick (and the promise callbacks it runs)
 * is over, then sends them in one write (Node's `cork`, then `uncork` on `process.nextTick`, as
 * its documentation advises). With `pipeline`, each statement is otherwise a write of its own: a
 * system call, which also wakes the server's process. So a pipelined group's statements, or a
 * describe's, leave together (docs/benchmarks.md, seventeenth session: the server's write system
 * calls went from about 6.5 to 3.7 per request).
 */
function corkForTick(client: Client): void {
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
  if (!stream?.cork || !stream.uncork || corked.has(stream)) return;
  stream.cork();
  corked.add(stream);
  process.nextTick(() => {
    corked.delete(stream);
    stream.uncork!();
  });
}

const unnamed = Client.prototype.query as unknown as QueryFn;
(NamedStatementClient.prototype as unknown as { query: QueryFn }).query = function (this: Client, config, values, callback) {
  corkForTick(this);
  if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
    const name = (this.constructor as typeof NamedStatementClient).names.nameFor(config);
    if (name !== undefined) return unnamed.call(this, { name, text: config }, values, callback);
  }
  return unnamed.call(this, config, values, callback);
};
