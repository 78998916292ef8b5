import type { PoolClient } from 'pg';
import type { Statement } from './projector.js';

/** node-postgres 8.23 pipeline mode (`pipeline`): queries are written without waiting for earlier answers. */
type PipelineCapableClient = PoolClient & { pipeline: boolean };

/**
 * The UnitOfWork's connection for one command. Measured on the target hardware, a command's cost
 * is mostly the socket write of each statement, not the statement itself (a plain INSERT endpoint
 * with two statements ran at 3.5x the rate of the ten-statement audited path), so statements that
 * do not depend on each other's answers travel together:
 *  - BEGIN is sent lazily, in the same write as the command's first statement;
 *  - the event append and the projection row locks go in one write;
 *  - the projection writes and COMMIT go in one write.
 * node-postgres pipeline mode keeps each statement's own result and error; a failure aborts the
 * transaction, so the statements after it fail too and the first error is the one reported.
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

  /** Sends the statements in one write (opening the transaction first if nothing has yet) and returns each one's rows. */
  async batch(statements: readonly Statement[]): Promise<unknown[][]> {
    const opening = !this.began;
    this.began = true;
    const sent = this.together(() => [...(opening ? [{ text: 'BEGIN', values: [] }] : []), ...statements].map((s) => this.send(s.text, s.values, preparedName(s.text))));
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.slice(opening ? 1 : 0).map((result) => (result as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows);
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

  private send(text: string, values: unknown[] = [], name?: string): Promise<{ rows: unknown[] }> {
    return (this.plainQuery as (config: { text: string; values: unknown[]; name?: string }) => Promise<{ rows: unknown[] }>).call(this.client, { text, values, name });
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
