import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loggedEvents } from '../factories/events.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

describe('API tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function createToken(user: SignedInUser, body: object = { name: 'Gradebook sync' }) {
    const response = await user.post('/api/auth/tokens').send(body).expect(201);
    return response.body as { id: string; name: string; token: string; tokenPrefix: string; createdAt: string; expiresAt: string | null };
  }

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('creates a token that is shown once, stores only its sha256 and records api_token.create', async () => {
    const teacher = await signIn(t);
    const created = await createToken(teacher, { name: '  Gradebook sync  ', expiresInDays: 30 });

    expect(Object.keys(created).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'name', 'token', 'tokenPrefix']);
    expect(created.name).toBe('Gradebook sync');
    expect(created.token).toMatch(/^hm_[A-Za-z0-9_-]{43}$/);
    expect(created.tokenPrefix).toBe(created.token.slice(0, 11));
    const lifetimeDays = (Date.parse(created.expiresAt!) - Date.parse(created.createdAt)) / 86_400_000;
    expect(Math.round(lifetimeDays)).toBe(30);

    const rows = await t.dataSource.query(`SELECT * FROM api_tokens WHERE id = $1`, [created.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].user_id).toBe(teacher.id);
    expect(rows[0].token_hash).toEqual(createHash('sha256').update(created.token).digest());
    expect(JSON.stringify(rows[0])).not.toContain(created.token.slice(3));

    const events = await loggedEvents(t.dataSource, { streamId: created.id });
    expect(events).toMatchObject([
      { action: 'api_token.create', eventType: 'ApiTokenCreated', streamType: 'api_token', streamVersion: 1, userId: teacher.id, metadata: { tokenId: created.id, userId: teacher.id } },
    ]);
    expect(JSON.stringify(events)).not.toContain(created.token.slice(3));
  });

  it('authenticates with Bearer and needs no CSRF header, even for writes', async () => {
    const teacher = await signIn(t);
    const script = await createToken(teacher, { name: 'script' });
    const spare = await createToken(teacher, { name: 'spare' });

    const me = await request(t.http).get('/api/auth/me').set(bearer(script.token)).expect(200);
    expect(me.body).toMatchObject({ id: teacher.id, via: 'token', csrfToken: null });

    await request(t.http).delete(`/api/auth/tokens/${spare.id}`).set(bearer(script.token)).expect(204);
    await request(t.http).get('/api/auth/me').set(bearer(spare.token)).expect(401);
    const [used] = await t.dataSource.query(`SELECT last_used_at FROM api_tokens WHERE id = $1`, [script.id]);
    expect(used.last_used_at).toBeInstanceOf(Date);
  });

  it('creates tokens only from a browser session, not with another token', async () => {
    const teacher = await signIn(t);
    const script = await createToken(teacher, { name: 'script' });
    const refused = await request(t.http).post('/api/auth/tokens').set(bearer(script.token)).send({ name: 'offspring' }).expect(403);
    expect(refused.body.code).toBe('SESSION_REQUIRED');
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM api_tokens WHERE user_id = $1`, [teacher.id]);
    expect(count).toBe(1);
  });

  it("lists the caller's live tokens, newest first and paginated, never with the secret", async () => {
    const teacher = await signIn(t);
    const other = await signIn(t);
    const tokens = [];
    for (const name of ['first', 'second', 'third']) tokens.push(await createToken(teacher, { name }));
    await createToken(other, { name: 'not yours' });
    await teacher.delete(`/api/auth/tokens/${tokens[1].id}`).expect(204);

    const page1 = await teacher.get('/api/auth/tokens?page=1&pageSize=1').expect(200);
    expect(page1.body).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(page1.body.items).toEqual([
      { id: tokens[2].id, name: 'third', tokenPrefix: tokens[2].tokenPrefix, createdAt: tokens[2].createdAt, lastUsedAt: null, expiresAt: null },
    ]);
    const page2 = await teacher.get('/api/auth/tokens?page=2&pageSize=1').expect(200);
    expect(page2.body.items.map((item: { name: string }) => item.name)).toEqual(['first']);
    const everything = JSON.stringify([page1.body, page2.body]);
    for (const token of tokens) expect(everything).not.toContain(token.token.slice(11));

    const bad = await teacher.get('/api/auth/tokens?pageSize=1000').expect(400);
    expect(bad.body.details).toEqual([{ field: 'pageSize', message: 'pageSize must not be greater than 200' }]);
  });

  it('revokes a token: it gets 401 at once and api_token.revoke is recorded', async () => {
    const teacher = await signIn(t);
    const created = await createToken(teacher);
    await request(t.http).get('/api/auth/me').set(bearer(created.token)).expect(200);

    await teacher.delete(`/api/auth/tokens/${created.id}`).expect(204);

    const refused = await request(t.http).get('/api/auth/me').set(bearer(created.token)).expect(401);
    expect(refused.body.code).toBe('INVALID_TOKEN');
    const [row] = await t.dataSource.query(`SELECT revoked_at FROM api_tokens WHERE id = $1`, [created.id]);
    expect(row.revoked_at).toBeInstanceOf(Date);
    const events = await loggedEvents(t.dataSource, { streamId: created.id });
    expect(events.map((e) => [e.action, e.streamVersion, e.userId, e.metadata])).toEqual([
      ['api_token.create', 1, teacher.id, { tokenId: created.id, userId: teacher.id }],
      ['api_token.revoke', 2, teacher.id, { tokenId: created.id, userId: teacher.id }],
    ]);
    await teacher.delete(`/api/auth/tokens/${created.id}`).expect(404);
  });

  it("answers 404 for another teacher's token and leaves it working", async () => {
    const owner = await signIn(t);
    const intruder = await signIn(t);
    const created = await createToken(owner);

    const refused = await intruder.delete(`/api/auth/tokens/${created.id}`).expect(404);
    expect(refused.body.code).toBe('NOT_FOUND');
    await request(t.http).get('/api/auth/me').set(bearer(created.token)).expect(200);
    const events = await loggedEvents(t.dataSource, { streamId: created.id });
    expect(events.map((e) => e.action)).toEqual(['api_token.create']);
  });

  it('refuses bad input with a 400 naming the field and writes nothing', async () => {
    const teacher = await signIn(t);
    const cases: Array<[object, string]> = [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'ok', expiresInDays: 0 }, 'expiresInDays'],
      [{ name: 'ok', expiresInDays: '30' }, 'expiresInDays'],
      [{ name: 'ok', scope: 'admin' }, 'scope'],
    ];
    for (const [body, field] of cases) {
      const response = await teacher.post('/api/auth/tokens').send(body).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const badId = await teacher.delete('/api/auth/tokens/not-a-uuid').expect(400);
    expect(badId.body.message).toMatch(/uuid/);

    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM api_tokens WHERE user_id = $1`, [teacher.id]);
    expect(count).toBe(0);
    expect(await loggedEvents(t.dataSource, { userId: teacher.id, action: 'api_token.create' })).toEqual([]);
  });
});
