import pg from 'pg';
import type { Statement } from './projector.js';

/** The parts of node-postgres' connection a batch writes to (pg 8.23, lib/connection.js). */
interface WireConnection {
  stream: { cork(): void; uncork(): void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: { statement: string; portal: string; values: unknown[]; valueMapper: (value: unknown) => unknown }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string; rows: number }): void;
  sync(): void;
  on(event: 'parseComplete', listener: () => void): void;
  off(event: 'parseComplete', listener: () => void): void;
}

/** A RowDescription's field (pg-protocol): name and type of one column of the answer. */
interface FieldDescription {
  name: string;
  dataTypeID: number;
  format: 'text' | 'binary';
}

interface BackendMessage {
  fields?: unknown[];
}

/** The client's type parsers (pg's `types` or a TypeOverrides): text of a column to its JavaScript value. */
export interface TypeParsers {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown;
}

/**
 * One statement's rows. Rows are plain objects built column by column, the way pg's own Result
 * builds them but without its per-answer template objects, which cost more than the parsing
 * itself on the write path's small answers.
 */
class Answer {
  readonly rows: Array<Record<string, unknown>> = [];
  private names: string[] = [];
  private parsers: Array<(text: string) => unknown> = [];

  describe(fields: readonly FieldDescription[], types: TypeParsers): void {
    this.names = fields.map((field) => field.name);
    this.parsers = fields.map((field) => types.getTypeParser(field.dataTypeID, field.format));
  }

  add(values: ReadonlyArray<string | null>): void {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      row[this.names[index]] = value === null ? null : this.parsers[index](value);
    }
    this.rows.push(row);
  }
}

const identity = (value: unknown) => value;
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;

/**
 * Several statements in one extended-protocol exchange closed by a single Sync: one socket write,
 * one wake-up of the server and one answer. Outside an explicit transaction, PostgreSQL runs
 * everything before the Sync as one implicit transaction, so the batch commits or rolls back as a
 * whole without BEGIN and COMMIT; inside one, it simply saves round trips. After the first error
 * the server skips the rest up to the Sync, and that error is the one reported.
 *
 * node-postgres sends a Sync after every query (also in its pipeline mode), so this is a query
 * object of its own, submitted through `client.query` like pg-cursor is. Named statements are
 * parsed once per connection, in node-postgres' own bookkeeping, so they mix with its queries.
 */
export class SyncBatch {
  private readonly results: Answer[] = [];
  private answered = 0;
  private failure: Error | undefined;
  private readonly parsing: string[] = [];
  private connection: WireConnection | undefined;
  private readonly onParsed = () => this.parsed();
  readonly done: Promise<unknown[][]>;
  private settle!: { resolve(rows: unknown[][]): void; reject(error: Error): void };

  constructor(
    private readonly statements: readonly Statement[],
    private readonly nameOf: (text: string) => string | undefined,
    private readonly types: TypeParsers = pg.types as unknown as TypeParsers,
  ) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  /** Called by node-postgres when the connection is free for this batch. */
  submit(connection: WireConnection): Error | null {
    // Everything that can fail is done before the first byte is written: a half-written batch
    // followed by a Sync would commit its first statements.
    let messages: Array<{ text: string; name: string; parse: boolean; values: unknown[] }>;
    const parsedHere = new Map<string, string>();
    try {
      messages = this.statements.map((statement) => {
        const name = this.nameOf(statement.text) ?? '';
        const known = name ? (connection.parsedStatements[name] ?? connection.submittedNamedStatements[name] ?? parsedHere.get(name)) : undefined;
        if (name) parsedHere.set(name, statement.text);
        if (known !== undefined && known !== statement.text) throw new Error(`prepared statement ${name} names two texts`);
        return { text: statement.text, name, parse: known === undefined, values: statement.values.map(prepareValue) };
      });
    } catch (error) {
      return error as Error;
    }
    this.connection = connection;
    connection.on('parseComplete', this.onParsed);
    connection.stream.cork();
    try {
      for (const message of messages) {
        if (message.parse) {
          connection.parse({ text: message.text, name: message.name, types: [] });
          this.parsing.push(message.name);
          if (message.name) connection.submittedNamedStatements[message.name] = message.text;
        }
        connection.bind({ statement: message.name, portal: '', values: message.values, valueMapper: identity });
        connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '', rows: 0 });
      }
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
    return null;
  }

  /** A ParseComplete answers the oldest Parse still outstanding. */
  private parsed(): void {
    const name = this.parsing.shift();
    if (name && this.connection) {
      this.connection.parsedStatements[name] = this.connection.submittedNamedStatements[name];
      delete this.connection.submittedNamedStatements[name];
    }
  }

  private forgetUnparsed(): void {
    for (const name of this.parsing.splice(0)) if (name && this.connection) delete this.connection.submittedNamedStatements[name];
  }

  /** The answer being read: statement n's, where n counts the statements already complete. */
  private answer(): Answer {
    return (this.results[this.answered] ??= new Answer());
  }

  // Each statement is answered by RowDescription (or NoData, which pg does not forward), DataRows,
  // then CommandComplete (or EmptyQuery).
  handleRowDescription(message: BackendMessage): void {
    this.answer().describe(message.fields as FieldDescription[], this.types);
  }

  handleDataRow(message: BackendMessage): void {
    if (this.failure) return;
    try {
      this.answer().add(message.fields as Array<string | null>);
    } catch (error) {
      this.failure = error as Error;
    }
  }

  handleCommandComplete(): void {
    this.answer();
    this.answered++;
  }

  handleEmptyQuery(): void {
    this.answer();
    this.answered++;
  }

  /**
   * A statement failed (or the socket did): node-postgres stops routing messages to this batch, so
   * it settles now. The server skipped the Parses after the failing statement: they are sent again next time.
   */
  handleError(error: Error): void {
    this.forgetUnparsed();
    this.finish(error);
  }

  handlePortalSuspended(): void {
    this.failure ??= new Error('a batched statement was suspended; batches fetch every row');
  }

  handleCopyInResponse(): void {
    this.failure ??= new Error('COPY is not supported in a statement batch');
  }

  handleCopyData(): void {}

  handleReadyForQuery(): void {
    if (this.failure) return this.finish(this.failure);
    if (this.answered !== this.statements.length) return this.finish(new Error(`a statement batch got ${this.answered} answers for ${this.statements.length} statements`));
    this.finish(undefined);
  }

  private finish(error: Error | undefined): void {
    this.connection?.off('parseComplete', this.onParsed);
    if (error) this.settle.reject(error);
    else this.settle.resolve(this.results.map((result) => result.rows));
  }
}
