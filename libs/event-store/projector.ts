import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { ProjectedEvent } from './event.js';
import type { CachedRow } from './projection-cache.js';

/**
 * A read model kept inside the write transaction. `evolve` is pure (no clock, no reads of other
 * tables, nothing the database assigns on append), so `projections:rebuild` can replay
 * activity_logs and reach exactly the live rows. Its rows are plain data: the write path caches
 * the rows it evolved, reading back from the database only the columns whose type may store a value
 * differently from the one sent (see EXACT_COLUMN_TYPES), so jsonb values must be JSON (no Dates,
 * no undefined members that matter).
 */
export interface Projector<Row extends ObjectLiteral = ObjectLiteral> {
  readonly name: string;
  readonly entity: EntityTarget<Row>;
  /** Table name, used by rebuild to clear the read model. */
  readonly table: string;
  /** Primary-key property of Row (a single column). */
  readonly keyProperty: keyof Row & string;
  /** Primary-key column in the table. */
  readonly keyColumn: string;
  readonly eventTypes: readonly string[];
  /**
   * Event types that begin the row of their key: no row exists before such an event (it starts a
   * new stream), so the write path inserts the row in the same exchange as the event instead of
   * locking first. Should a row be there after all (a rebuild ran ahead), the command is retried
   * through the lock.
   */
  readonly createdBy?: readonly string[];
  /**
   * Which row an event changes (or rows, when it moves something between them); null when it
   * changes none. Reads only the event's type and data: keys are planned before the append.
   */
  keyOf(event: ProjectedEvent): string | readonly string[] | null;
  initial(key: string): Row;
  evolve(row: Row, event: ProjectedEvent): Row;
}

/** Collects projectors from the modules that own read models; the UnitOfWork runs them. */
export class ProjectorRegistry {
  private readonly projectors: Projector[] = [];

  register(projector: Projector<any>): void {
    if (this.projectors.some((p) => p.name === projector.name)) return;
    this.projectors.push(projector);
  }

  all(): readonly Projector[] {
    return this.projectors;
  }

  byName(name: string): Projector | undefined {
    return this.projectors.find((p) => p.name === name);
  }
}

/** A SQL statement with its parameters, ready to run or to pipeline. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** The rows one projector will change for a batch of events, keyed in lock order. */
export interface ProjectionPlan {
  projector: Projector;
  keys: string[];
}

/**
 * Which rows each projector changes. Keys depend only on an event's type and data (never on its
 * position), so the plan can be made before the events are appended and its locks sent with them.
 */
export function planProjections(projectors: readonly Projector[], events: ReadonlyArray<Pick<ProjectedEvent, 'type' | 'data'>>): ProjectionPlan[] {
  return projectors
    .map((projector) => ({
      projector,
      keys: [...new Set(events.filter((event) => projector.eventTypes.includes(event.type)).flatMap((event) => keysOf(projector, event as ProjectedEvent)))].sort(),
    }))
    .filter((plan) => plan.keys.length > 0);
}

/**
 * The two statements a projector needs, built from its entity's metadata once and reused: the
 * hot path of every command should not compile a query builder per request.
 */
class ProjectionSql {
  private readonly columns: ColumnMetadata[];
  /** Value columns a swap reads back, because the database may store them differently from what was sent. */
  private readonly readBack: ColumnMetadata[];
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly manager: EntityManager,
    private readonly projector: Projector,
  ) {
    this.columns = manager.getRepository(projector.entity).metadata.columns;
    this.readBack = this.valueColumns().filter((column) => column.transformer !== undefined || !EXACT_COLUMN_TYPES.has(String(column.type)));
  }

  /**
   * Two statements, sent together: create the missing rows, then lock them all in key order and
   * return them. A concurrent writer creating the same row waits on the first instead of both
   * starting from an empty row and one overwriting the other; the second takes row locks without
   * writing a new row version (a no-op update would).
   */
  lock(keys: readonly string[]): [Statement, Statement] {
    const key = quote(this.projector.keyColumn);
    const create = this.insert('create', keys.map((k) => this.projector.initial(k)), `ON CONFLICT (${key}) DO NOTHING`);
    const select = {
      text: `SELECT * FROM ${quote(this.projector.table)} WHERE ${key} = ANY($1) ORDER BY ${key} FOR UPDATE`,
      values: [[...keys]],
    };
    return [create, select];
  }

  /** Writes locked rows; returns them as stored, with the row version (xmin) the cache checks later. */
  write(rows: readonly ObjectLiteral[]): Statement {
    const key = quote(this.projector.keyColumn);
    const updates = this.valueColumns()
      .map((column) => `${quote(column.databaseName)} = EXCLUDED.${quote(column.databaseName)}`)
      .join(', ');
    return this.insert('write', rows, `ON CONFLICT (${key}) DO UPDATE SET ${updates} RETURNING ${RETURNING_STORED_ROW}`);
  }

  /**
   * Compare-and-swap of one row the write path evolved from its cache: it changes the row only if
   * it is still the version that was cached (xmin: the transaction that wrote it), and fails the
   * whole command with STALE_PROJECTION_ROW otherwise. A writer that got there first, a rebuild
   * or a hand edit all give the row a new xmin. Returns the new xmin and the read-back columns
   * only (`swapped` completes the row): the rest is what was sent.
   */
  swap(row: ObjectLiteral, xmin: string): Statement {
    const valueColumns = this.valueColumns();
    let text = this.texts.get('swap');
    if (!text) {
      const sets = valueColumns.map((column, index) => `${quote(column.databaseName)} = $${index + 1}`).join(', ');
      const last = valueColumns.length;
      text = expectingOneRow(
        `UPDATE ${quote(this.projector.table)} SET ${sets} WHERE ${quote(this.projector.keyColumn)} = $${last + 1} AND xmin = $${last + 2}::xid
         RETURNING ${this.swapReturning()}`,
      );
      this.texts.set('swap', text);
    }
    const keyColumn = this.columns.find((column) => column.databaseName === this.projector.keyColumn)!;
    return { text, values: [...this.valuesOf(row, [...valueColumns, keyColumn]), xmin] };
  }

  /**
   * Inserts a row that an event of this command begins (Projector.createdBy), evolved from the
   * initial row. It fails the whole command with STALE_PROJECTION_ROW when the row exists already,
   * and answers like `swap`.
   */
  create(row: ObjectLiteral): Statement {
    return this.insert('begin', [row], `ON CONFLICT (${quote(this.projector.keyColumn)}) DO NOTHING RETURNING ${this.swapReturning()}`, expectingOneRow);
  }

  /** The row a swap or create stored: the evolved row with the read-back columns as the database returned them. */
  swapped(evolved: ObjectLiteral, raw: ObjectLiteral): CachedRow {
    if (this.readBack.length === 0) return { row: evolved, xmin: String(raw[ROW_VERSION]) };
    const row = { ...evolved };
    const driver = this.manager.connection.driver;
    for (const column of this.readBack) column.setEntityValue(row, driver.prepareHydratedValue(raw[column.databaseName], column));
    return { row, xmin: String(raw[ROW_VERSION]) };
  }

  /** What a swap or create answers: the new row version and the read-back columns. */
  private swapReturning(): string {
    return [`xmin::text AS ${ROW_VERSION}`, ...this.readBack.map((column) => quote(column.databaseName))].join(', ');
  }

  private valueColumns(): ColumnMetadata[] {
    return this.columns.filter((column) => column.databaseName !== this.projector.keyColumn);
  }

  private insert(kind: string, rows: readonly ObjectLiteral[], tail: string, wrap: (statement: string) => string = (statement) => statement): Statement {
    const width = this.columns.length;
    const cacheKey = `${kind}/${rows.length}`;
    let text = this.texts.get(cacheKey);
    if (!text) {
      const tuples = rows.map((_, r) => `(${this.columns.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
      text = wrap(`INSERT INTO ${quote(this.projector.table)} (${this.columns.map((column) => quote(column.databaseName)).join(', ')}) VALUES ${tuples.join(', ')} ${tail}`);
      this.texts.set(cacheKey, text);
    }
    return { text, values: rows.flatMap((row) => this.valuesOf(row, this.columns)) };
  }

  /** The row's values for `columns`, as the driver sends them. */
  private valuesOf(row: ObjectLiteral, columns: readonly ColumnMetadata[]): unknown[] {
    const driver = this.manager.connection.driver;
    return columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row), column));
  }
}

/**
 * Column types whose values read back exactly as the write path sent them (jsonb as JSON.stringify
 * then JSON.parse gives them, which is what the next write sends again). Anything else (numeric
 * rounded to its scale, timestamps, bigint read back as text, a transformer) is read back.
 */
const EXACT_COLUMN_TYPES = new Set(['integer', 'int', 'int4', 'smallint', 'int2', 'text', 'varchar', 'character varying', 'uuid', 'boolean', 'bool', 'jsonb', 'json']);

/**
 * Wraps a write that must change exactly one row (RETURNING its answer) so that anything else
 * fails the whole command with STALE_PROJECTION_ROW (handmark_expect_rows).
 */
function expectingOneRow(write: string): string {
  return `WITH written AS (${write}),
          checked AS (SELECT handmark_expect_rows((SELECT count(*) FROM written), 1) AS ok)
          SELECT written.* FROM checked LEFT JOIN written ON checked.ok`;
}

/** The row version travels with every projection row the write path reads back. */
export const ROW_VERSION = 'handmark_xmin';
const RETURNING_STORED_ROW = `xmin::text AS ${ROW_VERSION}, *`;

/** SQLSTATE raised by handmark_expect_rows (migration OptimisticProjectionWrites) when a cached row was stale. */
export const STALE_PROJECTION_ROW = 'HM001';

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

const projectionSql = new WeakMap<Projector, ProjectionSql>();

function sqlFor(manager: EntityManager, projector: Projector): ProjectionSql {
  let sql = projectionSql.get(projector);
  if (!sql) projectionSql.set(projector, (sql = new ProjectionSql(manager, projector)));
  return sql;
}

/** The statements that create and lock the plan's rows; the second returns them. */
export function lockStatements(manager: EntityManager, plan: ProjectionPlan): [Statement, Statement] {
  return sqlFor(manager, plan.projector).lock(plan.keys);
}

/** The statement that compare-and-swaps one cached row to its evolved value. */
export function swapStatement(manager: EntityManager, projector: Projector, row: ObjectLiteral, xmin: string): Statement {
  return sqlFor(manager, projector).swap(row, xmin);
}

/** The statement that inserts a row an event of the command begins, evolved from the initial row. */
export function createStatement(manager: EntityManager, projector: Projector, row: ObjectLiteral): Statement {
  return sqlFor(manager, projector).create(row);
}

/** Whether the first of `events` that changes `key` begins its row (Projector.createdBy). */
export function beginsRow(projector: Projector, key: string, events: readonly ProjectedEvent[]): boolean {
  if (!projector.createdBy?.length) return false;
  const first = events.find((event) => projector.eventTypes.includes(event.type) && keysOf(projector, event).includes(key));
  return first !== undefined && projector.createdBy.includes(first.type);
}

/** The row and row version a swap or create stored, from the evolved row and the statement's answer. */
export function swappedRow(manager: EntityManager, projector: Projector, evolved: ObjectLiteral, raw: ObjectLiteral): CachedRow {
  return sqlFor(manager, projector).swapped(evolved, raw);
}

/** Evolves the plan's rows (as read, by key) through the events, in event order. */
export function evolveRows(plan: ProjectionPlan, rows: ReadonlyMap<string, ObjectLiteral>, events: readonly ProjectedEvent[]): Map<string, ObjectLiteral> {
  const { projector } = plan;
  const evolved = new Map(rows);
  for (const event of events) {
    if (!projector.eventTypes.includes(event.type)) continue;
    for (const key of keysOf(projector, event)) evolved.set(key, projector.evolve(evolved.get(key) ?? projector.initial(key), event));
  }
  return evolved;
}

/** Rows as the database returned them (RETURNING * or SELECT *), keyed, in entity form. */
export function hydrateRows(manager: EntityManager, projector: Projector, raws: readonly ObjectLiteral[]): Map<string, ObjectLiteral> {
  const metadata = manager.getRepository(projector.entity).metadata;
  return new Map(
    raws.map((raw) => {
      const row = hydrate(manager, metadata, raw);
      return [String(row[projector.keyProperty]), row];
    }),
  );
}

/** Evolves the locked rows through the events, in event order, and returns the statement that writes them. */
export function evolveStatement(manager: EntityManager, plan: ProjectionPlan, lockedRaw: ObjectLiteral[], events: readonly ProjectedEvent[]): Statement {
  return sqlFor(manager, plan.projector).write([...evolveRows(plan, hydrateRows(manager, plan.projector, lockedRaw), events).values()]);
}

/**
 * Applies events to every projector that handles them, one statement at a time. The UnitOfWork
 * sends the same statements pipelined (lib/event-store/unit-of-work.ts); this form serves scripts
 * and tests that hold a plain transaction.
 */
export async function applyProjectors(manager: EntityManager, projectors: readonly Projector[], events: readonly ProjectedEvent[]): Promise<void> {
  for (const plan of planProjections(projectors, events)) {
    const [create, lock] = lockStatements(manager, plan);
    await manager.query(create.text, create.values);
    const locked: ObjectLiteral[] = await manager.query(lock.text, lock.values);
    const write = evolveStatement(manager, plan, locked, events);
    await manager.query(write.text, write.values);
  }
}

/** A row returned by RETURNING *, with property names and values as a TypeORM find would give them. */
function hydrate(manager: EntityManager, metadata: EntityMetadata, raw: ObjectLiteral): ObjectLiteral {
  const row: ObjectLiteral = {};
  for (const column of metadata.columns) column.setEntityValue(row, manager.connection.driver.prepareHydratedValue(raw[column.databaseName], column));
  return row;
}

/** The distinct rows an event changes, as a list. */
export function keysOf(projector: Projector, event: ProjectedEvent): string[] {
  const keys = projector.keyOf(event);
  if (keys === null) return [];
  return typeof keys === 'string' ? [keys] : [...new Set(keys)];
}
