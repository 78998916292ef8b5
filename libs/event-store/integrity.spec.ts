import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { canonicalEventJson, canonicalJson, type ChainedEventRow, chainHash, GENESIS_HASH, JsonNumber, parseJsonLossless } from './integrity.js';

const event: ChainedEventRow = {
  id: '6f1c1f0e-6d5a-4f57-9a39-0c6a2b8b7e11',
  position: '42',
  transaction_id: '7301',
  user_id: '0b7d0a9e-2f55-4f35-8a3c-9f0e4e7e2a10',
  action: 'grade.approve',
  resource_type: 'grade',
  resource_id: 'c3a1f6a2-8b1e-4d7b-9d2a-3e5f7a9b1c20',
  metadata: '{"score": 17, "criteria": [{"id": "c1", "points": 4}], "status": "approved"}',
  ip_address: '10.20.30.40/32',
  user_agent: 'Mozilla/5.0',
  request_id: 'req-1',
  stream_type: 'grade',
  stream_id: 'c3a1f6a2-8b1e-4d7b-9d2a-3e5f7a9b1c20',
  stream_version: 3,
  event_type: 'GradeApproved',
  schema_version: 1,
  created_at: '2026-11-03T08:15:42.123456Z',
};

describe('canonicalJson', () => {
  it('gives the same text whatever order the keys came in, at every depth', () => {
    const a = { b: 1, a: { d: [{ y: 2, x: 1 }], c: null } };
    const b = { a: { c: null, d: [{ x: 1, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps array order, escapes strings as JSON does and leaves out undefined members', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ text: 'a "quote"\n\u2028é', skipped: undefined })).toBe(`{"text":${JSON.stringify('a "quote"\n\u2028é')}}`);
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ when: new Date(0) } as never)).toThrow(TypeError);
  });
});

describe('parseJsonLossless', () => {
  it('reads jsonb text with every number kept as written', () => {
    const parsed = parseJsonLossless('{"big": 12345678901234567891, "score": 1.50, "list": [true, false, null, "x"]}');
    expect(canonicalJson(parsed)).toBe('{"big":12345678901234567891,"list":[true,false,null,"x"],"score":1.50}');
    expect(canonicalJson(parseJsonLossless('{"n": 9007199254740993}'))).not.toBe(canonicalJson(parseJsonLossless('{"n": 9007199254740992}')));
  });

  it('keeps a "__proto__" key as data', () => {
    const parsed = parseJsonLossless('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(canonicalJson(parsed as never)).toBe('{"__proto__":{"admin":true}}');
  });

  it('rejects malformed text', () => {
    expect(() => parseJsonLossless('{"a": 1,}')).toThrow(SyntaxError);
    expect(() => parseJsonLossless('{"a": 1} x')).toThrow(SyntaxError);
    expect(() => parseJsonLossless('[01]')).toThrow(SyntaxError);
  });

  it('agrees with JSON.parse on ordinary values', () => {
    const text = '{"a": [1, -2.5e3, {"b": "\\u00e9\\n"}], "c": {}}';
    const plain = JSON.parse(text) as { a: [number, number, { b: string }]; c: object };
    const parsed = parseJsonLossless(text) as { a: [JsonNumber, JsonNumber, { b: string }]; c: object };
    expect(parsed.a[1]).toEqual(new JsonNumber('-2.5e3'));
    expect(parsed.a[2].b).toBe(plain.a[2].b);
  });
});

describe('the event hash chain', () => {
  it('hashes sha256(previous hash || canonical JSON of the row) from 32 zero bytes', () => {
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(canonicalEventJson(event)).digest();
    expect(GENESIS_HASH.toString('hex')).toBe('0'.repeat(64));
    expect(chainHash(GENESIS_HASH, event).toString('hex')).toBe(expected.toString('hex'));
  });

  it('covers every column: changing any one of them changes the hash', () => {
    const original = chainHash(GENESIS_HASH, event).toString('hex');
    const changes: Array<Partial<ChainedEventRow>> = [
      { id: '6f1c1f0e-6d5a-4f57-9a39-0c6a2b8b7e12' },
      { position: '43' },
      { transaction_id: '7302' },
      { user_id: null },
      { action: 'grade.edit' },
      { resource_type: 'submission' },
      { resource_id: null },
      { metadata: '{"score": 18, "criteria": [{"id": "c1", "points": 4}], "status": "approved"}' },
      { metadata: '{"score": 17, "criteria": [{"id": "c1", "points": 4.0}], "status": "approved"}' },
      { metadata: '{"score": 9007199254740993, "criteria": [{"id": "c1", "points": 4}], "status": "approved"}' },
      { metadata: '{"score": 9007199254740992, "criteria": [{"id": "c1", "points": 4}], "status": "approved"}' },
      { ip_address: '10.20.30.41/32' },
      { user_agent: null },
      { request_id: 'req-2' },
      { stream_type: 'submission' },
      { stream_id: 'c3a1f6a2-8b1e-4d7b-9d2a-3e5f7a9b1c21' },
      { stream_version: 4 },
      { event_type: 'GradeEdited' },
      { schema_version: 2 },
      { created_at: '2026-11-03T08:15:42.123457Z' },
    ];
    const hashes = changes.map((change) => chainHash(GENESIS_HASH, { ...event, ...change }).toString('hex'));
    for (const hash of hashes) expect(hash).not.toBe(original);
    expect(new Set(hashes).size).toBe(changes.length);
  });

  it('depends on the previous hash and not on the key order of the metadata', () => {
    const reordered = { ...event, metadata: '{"status": "approved", "criteria": [{"points": 4, "id": "c1"}], "score": 17}' };
    expect(chainHash(GENESIS_HASH, reordered).toString('hex')).toBe(chainHash(GENESIS_HASH, event).toString('hex'));
    const other = createHash('sha256').update('x').digest();
    expect(chainHash(other, event).equals(chainHash(GENESIS_HASH, event))).toBe(false);
  });
});
