import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { loggedEvents } from '../factories/events.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

interface Item {
  position: string;
  id: string;
  createdAt: string;
  userId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  metadata: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  eventType: string;
  streamType: string;
  streamId: string;
  streamVersion: number;
  sealed: boolean;
}

describe('activity log API: filters, cursor pages, CSV export, admins only', () => {
  let t: TestApp;
  let admin: SignedInUser;
  /** Signed in (user.create, user.login) and out (user.logout) with a known user agent. */
  let teacher: SignedInUser;
  let requestId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signIn(t, { role: 'admin' });
    const email = `audited-${randomUUID().slice(0, 8)}@district.test`;
    requestId = `req-audited-${randomUUID()}`;
    await request(t.http).post('/api/auth/dev-login').set('User-Agent', '=HYPERLINK("http://evil.test")').set('X-Request-Id', requestId).send({ email }).expect(200);
    teacher = await signIn(t, { email });
    await teacher.post('/api/auth/logout').expect(204);
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (query: string): Promise<{ items: Item[]; nextCursor: string | null }> => (await admin.get(`/api/activity-logs?${query}`).expect(200)).body;

  it('lists one user\'s events newest first, each with exactly the documented fields', async () => {
    const page = await list(`userId=${teacher.id}`);
    const stored = await loggedEvents(t.dataSource, { userId: teacher.id });
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((item) => item.action)).toEqual(['user.logout', 'user.login', 'user.login', 'user.create']);
    expect(page.items.map((item) => item.position)).toEqual(stored.map((event) => event.position).sort((a, b) => Number(b) - Number(a)));

    const firstLogin = page.items[2];
    expect(Object.keys(firstLogin).sort()).toEqual(
      ['action', 'createdAt', 'eventType', 'id', 'ipAddress', 'metadata', 'position', 'requestId', 'resourceId', 'resourceType', 'sealed', 'streamId', 'streamType', 'streamVersion', 'userAgent', 'userId'].sort(),
    );
    const [row] = await t.dataSource.query(`SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at FROM activity_logs WHERE position = $1`, [firstLogin.position]);
    expect(firstLogin).toMatchObject({
      id: row.id,
      createdAt: row.created_at,
      userId: teacher.id,
      action: 'user.login',
      resourceType: 'user',
      resourceId: teacher.id,
      eventType: 'UserSignedIn',
      streamType: 'session',
      streamVersion: 1,
      userAgent: '=HYPERLINK("http://evil.test")',
      requestId,
      metadata: { userId: teacher.id, sessionId: firstLogin.streamId, method: 'dev' },
    });
    expect(firstLogin.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(firstLogin.ipAddress).toMatch(/127\.0\.0\.1|::1/);
  });

  it('filters by action and by resource', async () => {
    const logins = await list(`userId=${teacher.id}&action=user.login`);
    expect(logins.items.map((item) => [item.action, item.userId])).toEqual([
      ['user.login', teacher.id],
      ['user.login', teacher.id],
    ]);
    const aboutUser = await list(`resourceType=user&resourceId=${teacher.id}`);
    expect(aboutUser.items.map((item) => item.action)).toEqual(['user.logout', 'user.login', 'user.login', 'user.create']);
    const aboutSession = await list(`resourceType=session&resourceId=${teacher.id}`);
    expect(aboutSession.items).toEqual([]);
  });

  it('filters by time range with microsecond timestamps, from inclusive and to exclusive', async () => {
    const all = (await list(`userId=${teacher.id}`)).items;
    const logout = all[0];
    const since = await list(`userId=${teacher.id}&from=${encodeURIComponent(logout.createdAt)}`);
    expect(since.items.map((item) => item.position)).toEqual([logout.position]);
    const before = await list(`userId=${teacher.id}&to=${encodeURIComponent(logout.createdAt)}`);
    expect(before.items.map((item) => item.position)).toEqual(all.slice(1).map((item) => item.position));
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await list(`userId=${teacher.id}&from=${tomorrow}`)).items).toEqual([]);
    expect((await list(`userId=${teacher.id}&from=2020-01-01&to=${tomorrow}`)).items).toHaveLength(4);
  });

  it('walks every page with the cursor, without duplicates or gaps', async () => {
    const pager = await signIn(t);
    for (let i = 0; i < 6; i++) await signIn(t, { email: pager.email });
    const expected = (await list(`action=user.login&resourceId=${pager.id}`)).items;
    expect(expected).toHaveLength(7);
    expect(expected.map((item) => item.position)).toEqual((await loggedEvents(t.dataSource, { userId: pager.id, action: 'user.login' })).map((e) => e.position).reverse());

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await list(`action=user.login&resourceId=${pager.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((item) => item.position));
      cursor = page.nextCursor;
      pages += 1;
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected.map((item) => item.position));
    expect(new Set(seen).size).toBe(7);
  });

  it('marks events sealed once the chain covers them', async () => {
    await admin.get('/api/audit/verify').expect(200);
    const page = await list(`userId=${teacher.id}`);
    expect(page.items.map((item) => item.sealed)).toEqual([true, true, true, true]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM activity_log_chain WHERE position = ANY($1::bigint[])`, [page.items.map((item) => item.position)]);
    expect(n).toBe(4);
  });

  it('answers 400 naming the field for bad filters, limits and cursors', async () => {
    const cases: Array<[string, string]> = [
      ['userId=not-a-uuid', 'userId'],
      ['resourceId=123', 'resourceId'],
      ['action=DROP%20TABLE', 'action'],
      ['resourceType=a.b', 'resourceType'],
      ['from=yesterday', 'from'],
      ['from=2026-01-01T08:00:00', 'from'],
      ['to=2026-02-30', 'to'],
      ['from=2026-03-01&to=2026-02-01', 'to'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=%21%21%21', 'cursor'],
      [`cursor=${Buffer.from('abc').toString('base64url')}`, 'cursor'],
      [`cursor=${Buffer.from('9999999999999999999').toString('base64url')}`, 'cursor'],
      ['colour=blue', 'colour'],
    ];
    for (const [query, field] of cases) {
      const response = await admin.get(`/api/activity-logs?${query}`);
      expect({ query, status: response.status, code: response.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
      expect({ query, fields: response.body.details.map((detail: { field: string }) => detail.field) }).toEqual({ query, fields: expect.arrayContaining([field]) });
    }
    const badExport = await admin.get('/api/activity-logs/export.csv?from=soon').expect(400);
    expect(badExport.body.details[0].field).toBe('from');
  });

  it('exports the filtered log as CSV with formula cells defused', async () => {
    const response = await admin.get(`/api/activity-logs/export.csv?userId=${teacher.id}`).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="handmark-activity-log-\d{8}-\d{6}\.csv"$/);
    const records: Array<Record<string, string>> = parse(response.text, { bom: true, columns: true });
    const items = (await list(`userId=${teacher.id}`)).items;
    expect(Object.keys(records[0])).toEqual([
      'position', 'createdAt', 'userId', 'action', 'resourceType', 'resourceId', 'eventType', 'streamType', 'streamId', 'streamVersion', 'metadata', 'ipAddress', 'userAgent', 'requestId', 'sealed',
    ]);
    expect(records.map((record) => record.position)).toEqual(items.map((item) => item.position));
    expect(records.map((record) => record.action)).toEqual(['user.logout', 'user.login', 'user.login', 'user.create']);
    expect(records[2]).toMatchObject({ userAgent: `'=HYPERLINK("http://evil.test")`, userId: teacher.id, createdAt: items[2].createdAt, streamVersion: '1', sealed: String(items[2].sealed) });
    expect(JSON.parse(records[2].metadata)).toEqual(items[2].metadata);
    expect(records[0].userAgent).not.toMatch(/^'/);
  });

  it('streams a large export in batches, every matching event once, newest first', async () => {
    const streamId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO activity_logs (action, resource_type, resource_id, metadata, stream_type, stream_id, stream_version, event_type)
       SELECT 'probe.bulk', 'probe', $1, jsonb_build_object('n', n), 'probe', $1, n, 'BulkProbe' FROM generate_series(1, 2500) AS n`,
      [streamId],
    );
    const response = await admin.get(`/api/activity-logs/export.csv?resourceId=${streamId}`).expect(200);
    const records: Array<Record<string, string>> = parse(response.text, { bom: true, columns: true });
    expect(records).toHaveLength(2500);
    expect(records.map((record) => Number(JSON.parse(record.metadata).n))).toEqual(Array.from({ length: 2500 }, (_, i) => 2500 - i));
    expect(new Set(records.map((record) => record.position)).size).toBe(2500);
  });

  it('refuses all three endpoints to a teacher', async () => {
    const other = await signIn(t);
    for (const url of ['/api/audit/verify', '/api/activity-logs', '/api/activity-logs/export.csv']) {
      const response = await other.get(url);
      expect({ url, status: response.status, code: response.body.code }).toEqual({ url, status: 403, code: 'FORBIDDEN' });
    }
    await request(t.http).get('/api/activity-logs').expect(401);
  });
});
