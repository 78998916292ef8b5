import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'handmark_session';
export const API_TOKEN_PREFIX = 'hm_';

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Binds a Google sign-in's state to the browser that started it (against login CSRF). */
export const OAUTH_STATE_COOKIE = 'handmark_oauth_state';
export const OAUTH_STATE_COOKIE_PATH = '/api/auth/google';
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Characters of an API token kept in clear, to recognise it in a list: `hm_` and eight more. */
const API_TOKEN_VISIBLE = API_TOKEN_PREFIX.length + 8;

/** A new API token: `hm_` followed by 256 random bits in base64url (46 characters in all). */
export function newApiToken(): { token: string; tokenPrefix: string } {
  const token = `${API_TOKEN_PREFIX}${newSecret()}`;
  return { token, tokenPrefix: token.slice(0, API_TOKEN_VISIBLE) };
}
