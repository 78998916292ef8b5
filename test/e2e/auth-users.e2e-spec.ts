import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loggedEvents } from '../factories/events.js';
import { signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

const suffix = randomUUID().slice(0, 8);
const configuredAdmin = `superintendent-${suffix}@district.test`;

describe('users and roles (admins)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ADMIN_EMAILS: configuredAdmin });
  });
  afterAll(async () => {
    await t.close();
  });

  async function userRow(id: string) {
    const [row] = await t.dataSource.query(`SELECT role, disabled_at AS "disabledAt" FROM users WHERE id = $1`, [id]);
    return row as { role: string; disabledAt: Date | null };
  }

  it('lists users for an admin, filtered by role and by part of the email or name, paginated', async () => {
    const tag = `list-${suffix}`;
    const admin = await signIn(t, { role: 'admin' });
    const lee = await signIn(t, { email: `lee-${tag}@district.test`, name: 'Ms Lee' });
    const park = await signIn(t, { email: `park-${tag}@district.test`, name: 'Mr Park' });
    const deputy = await signIn(t, { role: 'admin', email: `deputy-${tag}@district.test`, name: 'Deputy' });

    const teachers = await admin.get(`/api/users?role=teacher&q=${tag}`).expect(200);
    expect(teachers.body).toMatchObject({ page: 1, pageSize: 50, total: 2 });
    expect(teachers.body.items.map((u: { id: string }) => u.id)).toEqual([lee.id, park.id]);
    expect(Object.keys(teachers.body.items[0]).sort()).toEqual(['createdAt', 'disabled', 'disabledAt', 'email', 'id', 'lastLoginAt', 'name', 'role', 'schoolId']);
    expect(teachers.body.items[0]).toMatchObject({ email: `lee-${tag}@district.test`, name: 'Ms Lee', role: 'teacher', disabled: false, disabledAt: null });

    const byName = await admin.get('/api/users?q=ms%20LEE').expect(200);
    expect(byName.body.items.map((u: { id: string }) => u.id)).toContain(lee.id);
    const admins = await admin.get(`/api/users?role=admin&q=${tag}`).expect(200);
    expect(admins.body.items.map((u: { id: string }) => u.id)).toEqual([deputy.id]);
    const page2 = await admin.get(`/api/users?q=${tag}&pageSize=2&page=2`).expect(200);
    expect(page2.body).toMatchObject({ total: 3, items: [{ id: park.id }] });
    const wildcard = await admin.get('/api/users?q=%25').expect(200);
    expect(wildcard.body.total).toBe(0);

    const bad = await admin.get('/api/users?role=owner').expect(400);
    expect(bad.body.details).toEqual([{ field: 'role', message: 'role must be one of the following values: teacher, admin' }]);
  });

  it('changes a role and records user.role_change by the acting admin', async () => {
    const admin = await signIn(t, { role: 'admin' });
    const teacher = await signIn(t);

    const response = await admin.patch(`/api/users/${teacher.id}`).send({ role: 'admin' }).set('X-Request-Id', `promote-${suffix}`).expect(200);
    expect(response.body).toMatchObject({ id: teacher.id, role: 'admin', disabled: false });
    expect((await userRow(teacher.id)).role).toBe('admin');
    expect((await teacher.get('/api/auth/me').expect(200)).body.role).toBe('admin');

    const events = await loggedEvents(t.dataSource, { requestId: `promote-${suffix}` });
    expect(events).toMatchObject([
      { action: 'user.role_change', eventType: 'UserRoleChanged', streamType: 'user', streamId: teacher.id, userId: admin.id, metadata: { userId: teacher.id, from: 'teacher', to: 'admin' } },
    ]);

    await admin.patch(`/api/users/${teacher.id}`).send({ role: 'admin' }).set('X-Request-Id', `promote-again-${suffix}`).expect(200);
    expect(await loggedEvents(t.dataSource, { requestId: `promote-again-${suffix}` })).toEqual([]);
  });

  it('disables a user: their sessions end at once and their tokens stop; enabling lets them back in', async () => {
    const admin = await signIn(t, { role: 'admin' });
    const teacher = await signIn(t);
    const token = (await teacher.post('/api/auth/tokens').send({ name: 'script' }).expect(201)).body.token as string;

    const disabled = await admin.patch(`/api/users/${teacher.id}`).send({ disabled: true }).set('X-Request-Id', `disable-${suffix}`).expect(200);
    expect(disabled.body).toMatchObject({ id: teacher.id, disabled: true });
    expect(disabled.body.disabledAt).toEqual(expect.any(String));

    await teacher.get('/api/auth/me').expect(401);
    await request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    const [{ open }] = await t.dataSource.query(`SELECT count(*)::int AS open FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [teacher.id]);
    expect(open).toBe(0);
    const refused = await request(t.http).post('/api/auth/dev-login').send({ email: teacher.email }).expect(403);
    expect(refused.body.code).toBe('ACCOUNT_DISABLED');
    expect(await loggedEvents(t.dataSource, { requestId: `disable-${suffix}` })).toMatchObject([
      { action: 'user.disable', eventType: 'UserDisabled', streamId: teacher.id, userId: admin.id, metadata: { userId: teacher.id, sessionsRevoked: 1 } },
    ]);

    const enabled = await admin.patch(`/api/users/${teacher.id}`).send({ disabled: false }).set('X-Request-Id', `enable-${suffix}`).expect(200);
    expect(enabled.body).toMatchObject({ disabled: false, disabledAt: null });
    expect(await loggedEvents(t.dataSource, { requestId: `enable-${suffix}` })).toMatchObject([{ action: 'user.enable', eventType: 'UserEnabled', metadata: { userId: teacher.id } }]);
    await request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await signIn(t, { email: teacher.email });
  });

  it('answers 403 to teachers and changes nothing', async () => {
    const teacher = await signIn(t);
    const colleague = await signIn(t);
    const list = await teacher.get('/api/users').expect(403);
    expect(list.body.code).toBe('FORBIDDEN');
    await teacher.patch(`/api/users/${colleague.id}`).send({ disabled: true }).expect(403);
    await teacher.patch(`/api/users/${teacher.id}`).send({ role: 'admin' }).expect(403);
    expect(await userRow(teacher.id)).toEqual({ role: 'teacher', disabledAt: null });
    expect(await userRow(colleague.id)).toEqual({ role: 'teacher', disabledAt: null });
    expect(await loggedEvents(t.dataSource, { userId: teacher.id, action: 'user.role_change' })).toEqual([]);
  });

  it('refuses with 409 an admin who demotes or disables themselves', async () => {
    const admin = await signIn(t, { role: 'admin' });
    const demote = await admin.patch(`/api/users/${admin.id}`).send({ role: 'teacher' }).expect(409);
    expect(demote.body).toMatchObject({ code: 'CANNOT_CHANGE_OWN_ACCESS', message: expect.stringContaining('cannot remove your own admin role') });
    const disable = await admin.patch(`/api/users/${admin.id}`).send({ disabled: true }).expect(409);
    expect(disable.body.code).toBe('CANNOT_CHANGE_OWN_ACCESS');
    expect(await userRow(admin.id)).toEqual({ role: 'admin', disabledAt: null });
    expect(await loggedEvents(t.dataSource, { streamId: admin.id, action: 'user.role_change' })).toEqual([]);
    await admin.get('/api/auth/me').expect(200);
  });

  it('refuses with 409 to demote an address listed in ADMIN_EMAILS', async () => {
    const admin = await signIn(t, { role: 'admin' });
    const superintendent = await signIn(t, { role: 'admin', email: configuredAdmin });
    const refused = await admin.patch(`/api/users/${superintendent.id}`).send({ role: 'teacher' }).expect(409);
    expect(refused.body).toMatchObject({ code: 'ADMIN_ROLE_FROM_CONFIG', message: expect.stringContaining('ADMIN_EMAILS') });
    expect((await userRow(superintendent.id)).role).toBe('admin');
  });

  it('answers 404 for an unknown user and 400 naming the field for bad input', async () => {
    const admin = await signIn(t, { role: 'admin' });
    const teacher = await signIn(t);
    await admin.patch(`/api/users/${randomUUID()}`).send({ role: 'admin' }).expect(404);
    const cases: Array<[object, string]> = [
      [{ role: 'owner' }, 'role'],
      [{ disabled: 'yes' }, 'disabled'],
      [{ email: 'new@district.test' }, 'email'],
      [{}, 'role'],
    ];
    for (const [body, field] of cases) {
      const response = await admin.patch(`/api/users/${teacher.id}`).send(body).expect(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    await admin.patch('/api/users/not-a-uuid').send({ role: 'admin' }).expect(400);
    expect(await userRow(teacher.id)).toEqual({ role: 'teacher', disabledAt: null });
    expect(await loggedEvents(t.dataSource, { streamId: teacher.id, action: 'user.role_change' })).toEqual([]);
  });
});
