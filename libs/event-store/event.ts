/**
 * Events are past-tense facts with a stable type string. Each module declares its events once,
 * in its `*.events.ts`, with `defineEvent`; the payload type travels with the definition.
 * Payloads hold ids and changed values only: never student names, essay text, prompts or secrets.
 */
export interface EventDefinition<P extends object = object> {
  /** Stable, never renamed: `ClassCreated`. */
  readonly type: string;
  /** The seed's dotted action name stored in activity_logs.action: `class.create`. */
  readonly action: string;
  /** The kind of stream (and resource) the event belongs to: `class`. */
  readonly streamType: string;
  readonly schemaVersion: number;
  /** Type-only marker carrying the payload type; never set at run time. */
  readonly __payload?: P;
}

export function defineEvent<P extends object>(definition: {
  type: string;
  action: string;
  streamType: string;
  schemaVersion?: number;
}): EventDefinition<P> {
  return Object.freeze({ schemaVersion: 1, ...definition });
}

export type PayloadOf<D> = D extends EventDefinition<infer P> ? P : never;

/** Who did it and from where: captured from the request, copied onto every event. */
export interface Actor {
  userId: string | null;
  role: 'teacher' | 'admin' | 'system';
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, role: 'system' };

/** An event as stored in activity_logs. Positions and transaction ids are bigints, kept as strings. */
export interface StoredEvent<P extends object = Record<string, any>> {
  id: string;
  position: string;
  transactionId: string;
  type: string;
  action: string;
  schemaVersion: number;
  streamType: string;
  streamId: string;
  streamVersion: number;
  resourceType: string | null;
  resourceId: string | null;
  data: P;
  userId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  createdAt: Date;
}

/**
 * What a read model may know of an event: everything fixed before it is appended. Its position,
 * transaction id, row id and time are the database's, so projectors never read them; that lets the
 * write path evolve a cached read-model row and write it in the same exchange as the append.
 */
export type ProjectedEvent<P extends object = Record<string, any>> = Pick<
  StoredEvent<P>,
  'type' | 'action' | 'schemaVersion' | 'streamType' | 'streamId' | 'streamVersion' | 'resourceType' | 'resourceId' | 'data' | 'userId'
>;

export function isEvent<P extends object>(event: StoredEvent<object>, definition: EventDefinition<P>): event is StoredEvent<P> {
  return event.type === definition.type;
}

/** Published on the in-process EventBus after COMMIT, for best-effort reactions only. */
export class EventCommitted {
  constructor(readonly event: StoredEvent) {}
}
