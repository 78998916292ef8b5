import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from '../setup/create-test-app.js';

export interface SignedInUser {
  id: string;
  email: string;
  role: 'teacher' | 'admin';
  cookie: string;
  csrfToken: string;
  /** Requests carrying this user's session cookie and CSRF token. */
  get(url: string): request.Test;
  post(url: string): request.Test;
  patch(url: string): request.Test;
  put(url: string): request.Test;
  delete(url: string): request.Test;
}

/** Signs a fresh user in through the development sign-in, as a browser would. */
export async function signIn(testApp: TestApp, options: { role?: 'teacher' | 'admin'; email?: string; name?: string } = {}): Promise<SignedInUser> {
  const email = options.email ?? `${options.role ?? 'teacher'}-${randomUUID().slice(0, 8)}@district.test`;
  const response = await request(testApp.http)
    .post('/api/auth/dev-login')
    .send({ email, name: options.name ?? 'Test User', role: options.role ?? 'teacher' })
    .expect(200);
  const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  const csrfToken: string = response.body.csrfToken;
  const withSession = (test: request.Test) => test.set('Cookie', cookie).set('X-CSRF-Token', csrfToken);
  const agent = request(testApp.http);
  return {
    id: response.body.id,
    email,
    role: response.body.role,
    cookie,
    csrfToken,
    get: (url) => agent.get(url).set('Cookie', cookie),
    post: (url) => withSession(agent.post(url)),
    patch: (url) => withSession(agent.patch(url)),
    put: (url) => withSession(agent.put(url)),
    delete: (url) => withSession(agent.delete(url)),
  };
}
