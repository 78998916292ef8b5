import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loggedEvents } from '../factories/events.js';
import { signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

describe('sessions: development sign-in, me, CSRF and logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('signs in, records user.create and user.login with ip and user agent, and answers /me', async () => {
    const response = await request(t.http)
      .post('/api/auth/dev-login')
      .set('User-Agent', 'HandMarkTest/1.0')
      .set('X-Request-Id', 'req-dev-login-1')
      .send({ email: 'Ms.Rivera@District.test', name: 'Ms Rivera' })
      .expect(200);
    expect(response.body).toMatchObject({ email: 'ms.rivera@district.test', role: 'teacher', via: 'session' });
    expect(response.headers['set-cookie'][0]).toMatch(/^handmark_session=.+HttpOnly/);

    const events = await loggedEvents(t.dataSource, { requestId: 'req-dev-login-1' });
    expect(events.map((e) => e.action)).toEqual(['user.create', 'user.login']);
    expect(events[1]).toMatchObject({ userId: response.body.id, userAgent: 'HandMarkTest/1.0', resourceType: 'user', resourceId: response.body.id });
    expect(events[1].ipAddress).toMatch(/127\.0\.0\.1|::1/);
    expect(JSON.stringify(events)).not.toContain('rivera');

    const cookie = response.headers['set-cookie'][0].split(';')[0];
    const me = await request(t.http).get('/api/auth/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ id: response.body.id, csrfToken: response.body.csrfToken });
  });

  it('answers 401 without a session and 400 naming the field for a bad email', async () => {
    const anonymous = await request(t.http).get('/api/auth/me').expect(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const bad = await request(t.http).post('/api/auth/dev-login').send({ email: 'not-an-email' }).expect(400);
    expect(bad.body.details).toEqual([{ field: 'email', message: 'email must be an email' }]);
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const teacher = await signIn(t);
    const refused = await request(t.http).post('/api/auth/logout').set('Cookie', teacher.cookie).expect(403);
    expect(refused.body.code).toBe('CSRF_TOKEN_INVALID');
    const wrong = await request(t.http).post('/api/auth/logout').set('Cookie', teacher.cookie).set('X-CSRF-Token', 'guess').expect(403);
    expect(wrong.body.code).toBe('CSRF_TOKEN_INVALID');
    await teacher.get('/api/auth/me').expect(200);
  });

  it('logout ends the session and records user.logout', async () => {
    const teacher = await signIn(t);
    await teacher.post('/api/auth/logout').expect(204);
    await teacher.get('/api/auth/me').expect(401);
    const events = await loggedEvents(t.dataSource, { userId: teacher.id, action: 'user.logout' });
    expect(events).toHaveLength(1);
  });
});
