import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type MutableRedirectUri, type MutableResponse, type MutableToken, OAuth2Server } from 'oauth2-mock-server';

/** A Google account as the userinfo endpoint describes it. */
export interface GoogleAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  /** Google Workspace domain; absent for consumer accounts. */
  hd?: string;
  name?: string;
  picture?: string;
}

export interface TokenRequestSeen {
  clientId: unknown;
  redirectUri: unknown;
  grantType: unknown;
}

export interface GoogleMock {
  /** The issuer, on 127.0.0.1 and a free port. */
  url: string;
  /** The environment that points HandMark's Google sign-in at this mock. */
  env: Record<string, string>;
  /** Token requests received, oldest first. */
  tokenRequests: TokenRequestSeen[];
  /** The account the person picks on the next visit to /authorize (what Google's account chooser would do). */
  chooseAccount(account: GoogleAccount): void;
  /** The next code exchange answers 400 invalid_grant, as Google does for a stale code. */
  failNextTokenExchange(): void;
  stop(): Promise<void>;
}

const CLAIMS = ['sub', 'email', 'email_verified', 'hd', 'name', 'picture'] as const;

/**
 * oauth2-mock-server acting as Google: each authorization code is tied to the account chosen
 * before /authorize; that account goes into the signed access token (beforeTokenSigning), and
 * /userinfo answers with the claims of the bearer token it receives (beforeUserinfo).
 */
export async function startGoogleMock(): Promise<GoogleMock> {
  const server = new OAuth2Server();
  // Inside jest, issuer.keys.generate() fails a cross-realm check; a node:crypto key works.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await server.issuer.keys.add({ ...privateKey.export({ format: 'jwk' }), alg: 'RS256', kid: randomUUID(), use: 'sig' });
  await server.start(0, '127.0.0.1');
  const url = `http://127.0.0.1:${server.address().port}`;
  server.issuer.url = url;

  let chosen: GoogleAccount | undefined;
  let failNext = false;
  const accountByCode = new Map<string, GoogleAccount>();
  const tokenRequests: TokenRequestSeen[] = [];

  server.service.on('beforeAuthorizeRedirect', ({ url: redirect }: MutableRedirectUri) => {
    const code = redirect.searchParams.get('code');
    if (code && chosen) accountByCode.set(code, chosen);
    chosen = undefined;
  });
  server.service.on('beforeTokenSigning', (token: MutableToken, req: IncomingMessage & { body?: Record<string, unknown> }) => {
    const account = accountByCode.get(String(req.body?.code));
    if (account) Object.assign(token.payload, account);
  });
  server.service.on('beforeResponse', (response: MutableResponse, req: IncomingMessage & { body?: Record<string, unknown> }) => {
    tokenRequests.push({ clientId: req.body?.client_id, redirectUri: req.body?.redirect_uri, grantType: req.body?.grant_type });
    accountByCode.delete(String(req.body?.code));
    if (failNext) {
      failNext = false;
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'Bad Request' };
    }
  });
  server.service.on('beforeUserinfo', (response: MutableResponse, req: IncomingMessage) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      response.statusCode = 401;
      response.body = { error: 'invalid_token', error_description: 'No bearer token' };
      return;
    }
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    response.body = Object.fromEntries(CLAIMS.filter((claim) => payload[claim] !== undefined).map((claim) => [claim, payload[claim]]));
  });

  return {
    url,
    env: {
      GOOGLE_CLIENT_ID: 'handmark-test-client.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'handmark-test-secret',
      GOOGLE_AUTHORIZATION_URL: `${url}/authorize`,
      GOOGLE_TOKEN_URL: `${url}/token`,
      GOOGLE_USERINFO_URL: `${url}/userinfo`,
    },
    tokenRequests,
    chooseAccount: (account) => {
      chosen = account;
    },
    failNextTokenExchange: () => {
      failNext = true;
    },
    stop: () => server.stop(),
  };
}
