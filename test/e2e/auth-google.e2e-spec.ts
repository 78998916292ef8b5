import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ConfigValidationError, loadConfig } from '../../libs/config/config.js';
import { loggedEvents } from '../factories/events.js';
import { type GoogleAccount, type GoogleMock, startGoogleMock } from '../fakes/oauth-mock-server.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

const suffix = randomUUID().slice(0, 8);
const principalEmail = `principal-${suffix}@district.test`;

function districtAccount(local: string, overrides: Partial<GoogleAccount> = {}): GoogleAccount {
  return {
    sub: `google-${randomUUID()}`,
    email: `${local}-${suffix}@district.test`,
    email_verified: true,
    hd: 'district.test',
    name: `Teacher ${local}`,
    picture: `https://lh3.googleusercontent.com/${local}.png`,
    ...overrides,
  };
}

function cookiesOf(response: request.Response): Map<string, string> {
  const header = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  return new Map(header.map((cookie) => [cookie.split('=')[0], cookie]));
}

function cookiePair(setCookie: string | undefined): string {
  if (!setCookie) throw new Error('expected a Set-Cookie header');
  return setCookie.split(';')[0];
}

describe('Google sign-in through the full redirect flow', () => {
  let google: GoogleMock;
  let t: TestApp;

  beforeAll(async () => {
    google = await startGoogleMock();
    t = await createTestApp({
      ...google.env,
      GOOGLE_ALLOWED_DOMAINS: 'district.test',
      PUBLIC_URL: 'http://127.0.0.1',
      ADMIN_EMAILS: principalEmail,
      AUTH_DEV_LOGIN: 'false',
    });
  });
  afterAll(async () => {
    await t.close();
    await google.stop();
  });

  /** GET /api/auth/google, then Google's /authorize: returns where Google sends the browser back. */
  async function startAtGoogle(account: GoogleAccount, userAgent = 'HandMarkBrowser/1.0') {
    const start = await request(t.http).get('/api/auth/google').set('User-Agent', userAgent).expect(302);
    const authorize = new URL(start.headers.location);
    const state = authorize.searchParams.get('state') ?? '';
    const stateCookie = cookiePair(cookiesOf(start).get('handmark_oauth_state'));
    google.chooseAccount(account);
    const atGoogle = await request(google.url).get(`${authorize.pathname}${authorize.search}`).expect(302);
    const callback = new URL(atGoogle.headers.location);
    return { authorize, state, stateCookie, callbackPath: `${callback.pathname}${callback.search}` };
  }

  /** The whole flow: our start, Google, back to our callback with the state cookie. */
  async function signInWithGoogle(account: GoogleAccount, requestId: string, userAgent = 'HandMarkBrowser/1.0') {
    const flow = await startAtGoogle(account, userAgent);
    const back = await request(t.http).get(flow.callbackPath).set('Cookie', flow.stateCookie).set('User-Agent', userAgent).set('X-Request-Id', requestId).expect(302);
    return { ...flow, back };
  }

  async function userRows(email: string) {
    return t.dataSource.query(`SELECT id, role, google_id AS "googleId", name, avatar_url AS "avatarUrl" FROM users WHERE email = $1`, [email]);
  }

  async function stateRows(state: string): Promise<unknown[]> {
    return t.dataSource.query(`SELECT 1 FROM oauth_states WHERE state_hash = $1`, [createHash('sha256').update(state).digest()]);
  }

  it('signs a new district teacher in, records user.create and user.login with ip and user agent, and redirects to /', async () => {
    const account = districtAccount('rivera');
    const flow = await startAtGoogle(account);

    expect(`${flow.authorize.origin}${flow.authorize.pathname}`).toBe(`${google.url}/authorize`);
    expect(Object.fromEntries(flow.authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: google.env.GOOGLE_CLIENT_ID,
      redirect_uri: 'http://127.0.0.1/api/auth/google/callback',
      scope: 'openid email profile',
      hd: 'district.test',
      prompt: 'select_account',
    });
    expect(flow.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(flow.stateCookie).toBe(`handmark_oauth_state=${flow.state}`);
    expect(await stateRows(flow.state)).toHaveLength(1);
    expect(flow.callbackPath).toMatch(/^\/api\/auth\/google\/callback\?code=.+&state=/);

    const back = await request(t.http)
      .get(flow.callbackPath)
      .set('Cookie', flow.stateCookie)
      .set('User-Agent', 'HandMarkBrowser/1.0')
      .set('X-Request-Id', `google-new-${suffix}`)
      .expect(302);
    expect(back.headers.location).toBe('/');
    const cookies = cookiesOf(back);
    expect(cookies.get('handmark_session')).toMatch(/^handmark_session=[^;]+;.*HttpOnly/);
    expect(cookies.get('handmark_oauth_state')).toMatch(/^handmark_oauth_state=;/);
    expect(await stateRows(flow.state)).toHaveLength(0);
    expect(google.tokenRequests.at(-1)).toEqual({ clientId: google.env.GOOGLE_CLIENT_ID, redirectUri: 'http://127.0.0.1/api/auth/google/callback', grantType: 'authorization_code' });

    const me = await request(t.http).get('/api/auth/me').set('Cookie', cookiePair(cookies.get('handmark_session'))).expect(200);
    expect(me.body).toMatchObject({ email: account.email, name: account.name, role: 'teacher', via: 'session' });
    expect(await userRows(account.email)).toEqual([{ id: me.body.id, role: 'teacher', googleId: account.sub, name: account.name, avatarUrl: account.picture }]);

    const events = await loggedEvents(t.dataSource, { requestId: `google-new-${suffix}` });
    expect(events.map((e) => e.action)).toEqual(['user.create', 'user.login']);
    expect(events[0].metadata).toEqual({ userId: me.body.id, role: 'teacher', schoolId: null, source: 'google' });
    expect(events[1].metadata).toMatchObject({ userId: me.body.id, method: 'google' });
    for (const event of events) {
      expect(event).toMatchObject({ userId: me.body.id, userAgent: 'HandMarkBrowser/1.0' });
      expect(event.ipAddress).toMatch(/127\.0\.0\.1|::1/);
    }
    expect(JSON.stringify(events.map((e) => e.metadata))).not.toContain('rivera');
  });

  it('keeps the same user when the Google account changes its email address', async () => {
    const account = districtAccount('renamed');
    const first = await signInWithGoogle(account, `google-rename-1-${suffix}`);
    const before = await request(t.http).get('/api/auth/me').set('Cookie', cookiePair(cookiesOf(first.back).get('handmark_session'))).expect(200);

    const renamed = { ...account, email: `renamed-new-${suffix}@district.test` };
    const second = await signInWithGoogle(renamed, `google-rename-2-${suffix}`);
    expect(second.back.headers.location).toBe('/');
    const after = await request(t.http).get('/api/auth/me').set('Cookie', cookiePair(cookiesOf(second.back).get('handmark_session'))).expect(200);

    expect(after.body).toMatchObject({ id: before.body.id, email: renamed.email });
    expect(await userRows(account.email)).toEqual([]);
    expect(await userRows(renamed.email)).toHaveLength(1);
    const events = await loggedEvents(t.dataSource, { requestId: `google-rename-2-${suffix}` });
    expect(events.map((e) => e.action)).toEqual(['user.login']);
  });

  it('makes an address listed in ADMIN_EMAILS an admin', async () => {
    const account = districtAccount('principal', { email: principalEmail });
    const { back } = await signInWithGoogle(account, `google-admin-${suffix}`);
    expect(back.headers.location).toBe('/');
    const me = await request(t.http).get('/api/auth/me').set('Cookie', cookiePair(cookiesOf(back).get('handmark_session'))).expect(200);
    expect(me.body).toMatchObject({ email: principalEmail, role: 'admin' });
    expect((await userRows(principalEmail))[0].role).toBe('admin');
    const created = await loggedEvents(t.dataSource, { requestId: `google-admin-${suffix}`, action: 'user.create' });
    expect(created[0].metadata).toMatchObject({ role: 'admin', source: 'google' });
  });

  it('refuses an account outside the district domains with a redirect and user.login_denied, and creates no user', async () => {
    const outsider = districtAccount('outsider', { email: `outsider-${suffix}@gmail.com`, hd: undefined });
    const { back } = await signInWithGoogle(outsider, `google-outside-${suffix}`);

    expect(back.headers.location).toBe('/sign-in?error=domain_not_allowed');
    expect(cookiesOf(back).has('handmark_session')).toBe(false);
    expect(await userRows(outsider.email)).toEqual([]);
    const events = await loggedEvents(t.dataSource, { requestId: `google-outside-${suffix}` });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'user.login_denied',
      eventType: 'UserLoginDenied',
      streamType: 'sign_in_attempt',
      streamVersion: 1,
      userId: null,
      userAgent: 'HandMarkBrowser/1.0',
      metadata: { reason: 'domain_not_allowed', domain: 'gmail.com' },
    });
    expect(JSON.stringify(events)).not.toContain('outsider');
  });

  it('refuses a consumer Google account that uses a district address, and an unverified email', async () => {
    const consumer = districtAccount('consumer', { hd: undefined });
    const refusedConsumer = await signInWithGoogle(consumer, `google-consumer-${suffix}`);
    expect(refusedConsumer.back.headers.location).toBe('/sign-in?error=domain_not_allowed');

    const unverified = districtAccount('unverified', { email_verified: false });
    const refusedUnverified = await signInWithGoogle(unverified, `google-unverified-${suffix}`);
    expect(refusedUnverified.back.headers.location).toBe('/sign-in?error=email_not_verified');

    expect(await userRows(consumer.email)).toEqual([]);
    expect(await userRows(unverified.email)).toEqual([]);
    const denials = [
      ...(await loggedEvents(t.dataSource, { requestId: `google-consumer-${suffix}` })),
      ...(await loggedEvents(t.dataSource, { requestId: `google-unverified-${suffix}` })),
    ];
    expect(denials.map((e) => [e.action, e.metadata])).toEqual([
      ['user.login_denied', { reason: 'domain_not_allowed', domain: 'district.test' }],
      ['user.login_denied', { reason: 'email_not_verified', domain: 'district.test' }],
    ]);
  });

  it('refuses a replayed callback: the state is used up by the first sign-in', async () => {
    const account = districtAccount('replay');
    const first = await signInWithGoogle(account, `google-replay-1-${suffix}`);
    expect(first.back.headers.location).toBe('/');

    const replay = await request(t.http).get(first.callbackPath).set('Cookie', first.stateCookie).set('X-Request-Id', `google-replay-2-${suffix}`).expect(302);
    expect(replay.headers.location).toBe('/sign-in?error=invalid_state');
    expect(cookiesOf(replay).has('handmark_session')).toBe(false);
    const events = await loggedEvents(t.dataSource, { requestId: `google-replay-2-${suffix}` });
    expect(events.map((e) => [e.action, e.metadata])).toEqual([['user.login_denied', { reason: 'invalid_state', domain: null }]]);
    const logins = await loggedEvents(t.dataSource, { userId: (await userRows(account.email))[0].id, action: 'user.login' });
    expect(logins).toHaveLength(1);
  });

  it('refuses a forged state, a state brought back by another browser, and an expired state', async () => {
    const forgedFlow = await startAtGoogle(districtAccount('forged'));
    const forgedState = 'f'.repeat(43);
    const forgedPath = forgedFlow.callbackPath.replace(`state=${forgedFlow.state}`, `state=${forgedState}`);
    const forged = await request(t.http).get(forgedPath).set('Cookie', `handmark_oauth_state=${forgedState}`).expect(302);
    expect(forged.headers.location).toBe('/sign-in?error=invalid_state');

    const otherBrowser = districtAccount('other-browser');
    const stolenFlow = await startAtGoogle(otherBrowser);
    const stolen = await request(t.http).get(stolenFlow.callbackPath).expect(302);
    expect(stolen.headers.location).toBe('/sign-in?error=invalid_state');
    expect(await stateRows(stolenFlow.state)).toHaveLength(0);
    expect(await userRows(otherBrowser.email)).toEqual([]);

    const late = districtAccount('late');
    const lateFlow = await startAtGoogle(late);
    await t.dataSource.query(`UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE state_hash = $1`, [createHash('sha256').update(lateFlow.state).digest()]);
    const expired = await request(t.http).get(lateFlow.callbackPath).set('Cookie', lateFlow.stateCookie).set('X-Request-Id', `google-expired-${suffix}`).expect(302);
    expect(expired.headers.location).toBe('/sign-in?error=invalid_state');
    expect(await userRows(late.email)).toEqual([]);
    const events = await loggedEvents(t.dataSource, { requestId: `google-expired-${suffix}` });
    expect(events.map((e) => e.metadata)).toEqual([{ reason: 'invalid_state', domain: null }]);
  });

  it('turns errors from Google into a redirect to the sign-in page, never a 500', async () => {
    const flow = await startAtGoogle(districtAccount('idp-error'));
    const state = encodeURIComponent(flow.state);
    const idpError = await request(t.http).get(`/api/auth/google/callback?error=server_error&state=${state}`).set('Cookie', flow.stateCookie).expect(302);
    expect(idpError.headers.location).toBe('/sign-in?error=google_error');
    const cancelled = await request(t.http).get(`/api/auth/google/callback?error=access_denied&state=${state}`).set('Cookie', flow.stateCookie).expect(302);
    expect(cancelled.headers.location).toBe('/sign-in?error=access_denied');
    const empty = await request(t.http).get('/api/auth/google/callback').expect(302);
    expect(empty.headers.location).toBe('/sign-in?error=invalid_request');

    const badCode = districtAccount('bad-code');
    const badCodeFlow = await startAtGoogle(badCode);
    google.failNextTokenExchange();
    const tokenRefused = await request(t.http).get(badCodeFlow.callbackPath).set('Cookie', badCodeFlow.stateCookie).set('X-Request-Id', `google-token-${suffix}`).expect(302);
    expect(tokenRefused.headers.location).toBe('/sign-in?error=google_error');
    expect(await userRows(badCode.email)).toEqual([]);
    const events = await loggedEvents(t.dataSource, { requestId: `google-token-${suffix}` });
    expect(events.map((e) => e.metadata)).toEqual([{ reason: 'google_error', domain: null }]);
  });

  it('refuses a disabled account', async () => {
    const account = districtAccount('disabled');
    expect((await signInWithGoogle(account, `google-disabled-1-${suffix}`)).back.headers.location).toBe('/');
    await t.dataSource.query(`UPDATE users SET disabled_at = now() WHERE email = $1`, [account.email]);

    const { back } = await signInWithGoogle(account, `google-disabled-2-${suffix}`);
    expect(back.headers.location).toBe('/sign-in?error=account_disabled');
    expect(cookiesOf(back).has('handmark_session')).toBe(false);
    const events = await loggedEvents(t.dataSource, { requestId: `google-disabled-2-${suffix}` });
    expect(events.map((e) => [e.action, e.metadata])).toEqual([['user.login_denied', { reason: 'account_disabled', domain: 'district.test' }]]);
  });

  it('hides the development sign-in when Google is configured and AUTH_DEV_LOGIN is not true', async () => {
    const options = await request(t.http).get('/api/auth/options').expect(200);
    expect(options.body).toEqual({ google: true, devLogin: false });
    await request(t.http).post('/api/auth/dev-login').send({ email: `dev-${suffix}@district.test` }).expect(404);
    expect(await userRows(`dev-${suffix}@district.test`)).toEqual([]);
  });

  it('answers 404 saying so when Google sign-in is not configured', async () => {
    const withoutGoogle = await createTestApp();
    try {
      const start = await request(withoutGoogle.http).get('/api/auth/google').expect(404);
      expect(start.body).toMatchObject({ code: 'GOOGLE_SIGN_IN_NOT_CONFIGURED', message: expect.stringContaining('Google sign-in is not configured') });
      const callback = await request(withoutGoogle.http).get('/api/auth/google/callback?code=x&state=y').expect(404);
      expect(callback.body.code).toBe('GOOGLE_SIGN_IN_NOT_CONFIGURED');
    } finally {
      await withoutGoogle.close();
    }
  });

  it('refuses to start in production with AUTH_DEV_LOGIN=true, naming the variable', () => {
    const production = {
      NODE_ENV: 'production',
      AUTH_DEV_LOGIN: 'true',
      GOOGLE_CLIENT_ID: 'id',
      GOOGLE_CLIENT_SECRET: 'secret',
      GOOGLE_ALLOWED_DOMAINS: 'district.test',
    };
    expect(() => loadConfig(production)).toThrow(ConfigValidationError);
    expect(() => loadConfig(production)).toThrow(/AUTH_DEV_LOGIN=true is not allowed when NODE_ENV=production/);
    expect(loadConfig({ ...production, AUTH_DEV_LOGIN: 'false' }).auth.devLogin).toBe(false);
  });
});
