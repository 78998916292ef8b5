import { createHash } from 'node:crypto';

/**
 * The integrity chain over activity_logs: every event is covered by
 * `hash = sha256(previousHash || canonicalJson(event))`, starting from 32 zero bytes. Pure
 * functions only; the sealer and the verifier read rows with EVENT_ROW_SQL so both hash exactly
 * the same bytes, and an auditor can recompute the chain with any sha256 and JSON library.
 */

export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/**
 * A JSON number kept as the literal PostgreSQL printed. JavaScript numbers lose digits beyond
 * 2^53, which would let a change to a large number in metadata go unnoticed.
 */
export class JsonNumber {
  constructor(readonly literal: string) {}
}

export type CanonicalValue = null | boolean | string | number | bigint | JsonNumber | CanonicalValue[] | { [key: string]: CanonicalValue | undefined };

/**
 * JSON with object keys sorted recursively (by UTF-16 code units, as RFC 8785 does) and no
 * whitespace, so the same value always gives the same bytes whatever order its keys came in.
 * Undefined object members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return value.literal;
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw new TypeError('canonicalJson: only plain objects, arrays and JSON scalars are allowed');
      const members = Object.keys(value)
        .sort()
        .filter((key) => value[key] !== undefined)
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as CanonicalValue)}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Parses JSON text keeping every number as its literal (see JsonNumber). Objects have no prototype. */
export function parseJsonLossless(text: string): CanonicalValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`parseJsonLossless: ${what} at offset ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[at] !== char) fail(`expected "${char}"`);
    at++;
  };
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (!found) return undefined;
    at += found[0].length;
    return found[0];
  };
  const value = (): CanonicalValue => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at++;
      const object: Record<string, CanonicalValue> = Object.create(null);
      skipSpace();
      if (text[at] === '}') return at++, object;
      for (;;) {
        skipSpace();
        const key = match(STRING) ?? fail('expected a string key');
        expect(':');
        object[JSON.parse(key) as string] = value();
        skipSpace();
        if (text[at] === ',') at++;
        else return expect('}'), object;
      }
    }
    if (char === '[') {
      at++;
      const array: CanonicalValue[] = [];
      skipSpace();
      if (text[at] === ']') return at++, array;
      for (;;) {
        array.push(value());
        skipSpace();
        if (text[at] === ',') at++;
        else return expect(']'), array;
      }
    }
    if (char === '"') return JSON.parse(match(STRING) ?? fail('bad string')) as string;
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) return (at += word.length), result;
    }
    return new JsonNumber(match(NUMBER) ?? fail('unexpected character'));
  };
  const result = value();
  skipSpace();
  if (at !== text.length) fail('unexpected trailing text');
  return result;
}

/**
 * One activity_logs row exactly as the chain covers it. Every value comes from SQL as text or an
 * int4, never through a JS Date (which drops microseconds) or a parsed jsonb (which drops digits).
 */
export interface ChainedEventRow {
  id: string;
  position: string;
  transaction_id: string;
  user_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  /** The jsonb as PostgreSQL prints it (`metadata::text`). */
  metadata: string;
  /** `ip_address::text`, netmask included. */
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  stream_type: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  schema_version: number;
  /** UTC with microseconds: `2026-11-03T08:15:42.123456Z`. */
  created_at: string;
}

/** The select list that yields a ChainedEventRow from `activity_logs <alias>`. */
export function eventRowColumns(alias: string): string {
  const a = alias;
  return `${a}.id::text AS id, ${a}.position::text AS position, ${a}.transaction_id::text AS transaction_id,
          ${a}.user_id::text AS user_id, ${a}.action, ${a}.resource_type, ${a}.resource_id::text AS resource_id,
          ${a}.metadata::text AS metadata, ${a}.ip_address::text AS ip_address, ${a}.user_agent, ${a}.request_id,
          ${a}.stream_type, ${a}.stream_id::text AS stream_id, ${a}.stream_version, ${a}.event_type, ${a}.schema_version,
          to_char(${a}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at`;
}

/** The canonical JSON of an event row: every column of activity_logs, metadata included as JSON. */
export function canonicalEventJson(row: ChainedEventRow): string {
  return canonicalJson({
    id: row.id,
    position: row.position,
    transaction_id: row.transaction_id,
    user_id: row.user_id,
    action: row.action,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    metadata: parseJsonLossless(row.metadata),
    ip_address: row.ip_address,
    user_agent: row.user_agent,
    request_id: row.request_id,
    stream_type: row.stream_type,
    stream_id: row.stream_id,
    stream_version: row.stream_version,
    event_type: row.event_type,
    schema_version: row.schema_version,
    created_at: row.created_at,
  });
}

/** `sha256(previousHash || canonicalJson(event))`. */
export function chainHash(previousHash: Buffer, row: ChainedEventRow): Buffer {
  if (previousHash.length !== 32) throw new RangeError('chainHash: the previous hash must be 32 bytes');
  return createHash('sha256').update(previousHash).update(canonicalEventJson(row), 'utf8').digest();
}
