import type { PoolClient } from 'pg';
import type { Statement } from './projector.js';
import { SyncBatch, type TypeParsers } from './sync-batch.js';

const BEGIN: Statement = { text: 'BEGIN', values: [] };
const COMMIT: Statement = { text: 'COMMIT', values: [] };

/** node-postgres 8.23 pipeline mode (`pipeline`): queries are written without waiting for earlier answers. */
type PipelineCapableClient = PoolClient & { pipeline: boolean };

/**
 * The UnitOfWork's connection for one command. Measured on the target hardware, a command's cost
 * is mostly the exchanges with the server (each one a socket write and a wake-up on both sides),
 * not the statements themselves, so statements that do not depend on each other's answers travel together:
 *  - BEGIN is sent lazily, in the same write as the command's first statement (pipeline mode);
 *  - `batch` and `commit` send their statements in one exchange closed by a single Sync (SyncBatch),
 *    and a command that read nothing first commits in that one exchange without BEGIN or COMMIT.
 * A failure aborts the transaction, so the statements after it are skipped and the first error is the one reported.
 */
export class PipelinedConnection {
  private began = false;
  private readonly client: PipelineCapableClient;
  private readonly plainQuery: PoolClient['query'];

  constructor(client: PoolClient) {
    this.client = client as PipelineCapableClient;
    this.plainQuery = client.query;
    this.client.pipeline = true;
    // Everything the command sends through TypeORM reaches this client: the first statement opens
    // the transaction on the way out.
    this.client.query = ((...args: Parameters<PoolClient['query']>) => {
      if (this.began) return (this.plainQuery as (...a: unknown[]) => unknown).apply(this.client, args);
      this.began = true;
      return this.together(() => {
        this.send('BEGIN').catch(() => undefined);
        return (this.plainQuery as (...a: unknown[]) => unknown).apply(this.client, args);
      });
    }) as PoolClient['query'];
  }

  get inTransaction(): boolean {
    return this.began;
  }

  /**
   * Sends the statements in one exchange (opening the transaction first if nothing has yet) and
   * returns each one's rows. The transaction stays open.
   */
  async batch(statements: readonly Statement[]): Promise<unknown[][]> {
    const opening = !this.began;
    this.began = true;
    const rows = await this.exchange(opening ? [BEGIN, ...statements] : statements);
    return opening ? rows.slice(1) : rows;
  }

  /**
   * Sends the statements and commits, in one exchange, and returns each one's rows. When the
   * command has sent nothing yet, the statements are the whole transaction: PostgreSQL runs a
   * batch closed by one Sync as one implicit transaction, so no BEGIN or COMMIT is needed.
   */
  async commit(statements: readonly Statement[]): Promise<unknown[][]> {
    if (!this.began) return this.exchange(statements);
    const rows = await this.exchange([...statements, COMMIT]);
    this.began = false;
    return rows.slice(0, -1);
  }

  async rollback(): Promise<void> {
    if (this.began) await this.send('ROLLBACK').catch(() => undefined);
    this.began = false;
  }

  /** Gives the client back its plain behaviour before it returns to the pool. */
  restore(): void {
    this.client.query = this.plainQuery;
    this.client.pipeline = false;
  }

  /**
   * One exchange closed by a single Sync. Batches leave pipeline mode (node-postgres refuses query
   * objects other than its own in it); by then every statement the command sent has been answered.
   */
  private exchange(statements: readonly Statement[]): Promise<unknown[][]> {
    this.client.pipeline = false;
    const batch = new SyncBatch(statements, preparedName, (this.client as unknown as { _types: TypeParsers })._types);
    (this.plainQuery as (query: SyncBatch) => unknown).call(this.client, batch);
    return batch.done;
  }

  private send(text: string, values: unknown[] = []): Promise<{ rows: unknown[] }> {
    return (this.plainQuery as (config: { text: string; values: unknown[] }) => Promise<{ rows: unknown[] }>).call(this.client, { text, values });
  }

  /** Statements issued inside `issue` leave in a single socket write. */
  private together<T>(issue: () => T): T {
    const { stream } = (this.client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection;
    stream.cork();
    try {
      return issue();
    } finally {
      stream.uncork();
    }
  }
}

/**
 * The write path's statements repeat with the same text (a command's append, its projection locks
 * and writes): each connection parses and plans them once, as named prepared statements, instead
 * of on every command. Bounded, so unusual one-off texts (a bulk import's long VALUES list) stay unnamed.
 */
const PREPARED_LIMIT = 500;
const PREPARED_MAX_TEXT = 8_000;
const preparedNames = new Map<string, string>();

function preparedName(text: string): string | undefined {
  if (text === 'BEGIN' || text === 'COMMIT' || text.length > PREPARED_MAX_TEXT) return undefined;
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < PREPARED_LIMIT) preparedNames.set(text, (name = `handmark_uow_${preparedNames.size + 1}`));
  return name;
}
