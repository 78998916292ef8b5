import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ConfigValidationError, loadConfig } from './config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const GOOGLE = { GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'secret', GOOGLE_ALLOWED_DOMAINS: 'district.test' };

/** The problems loadConfig reports for an environment (fails the test if it accepts it). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  // toMatchObject: the AI, storage and upload settings are their own modules' specs' business.
  it('runs with an empty environment: development, port 3000, embedded PostgreSQL under ./data, development sign-in', () => {
    expect(loadConfig({})).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3000',
      trustProxy: false,
      database: { url: undefined, poolMax: 20, embedded: { dataDir: './data', port: 54329 } },
      auth: { sessionTtlHours: 12, cookieSecure: false, adminEmails: [], devLogin: true },
      audit: { sealIntervalMs: 500, sealThread: true },
    });
    const { database, auth, ai } = loadConfig({});
    expect([database.url, auth.google, ai.apiKey, ai.baseUrl]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('treats blank values as unset and derives PUBLIC_URL from PORT', () => {
    const config = loadConfig({ PORT: '3100', DATABASE_URL: '   ', NODE_ENV: '' });
    expect(config).toMatchObject({ nodeEnv: 'development', port: 3100, publicUrl: 'http://localhost:3100', database: { url: undefined } });
  });

  it('reads the server, database, sign-in, AI and audit variables when they are all valid', () => {
    const config = loadConfig({
      ...GOOGLE,
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://handmark.district.test/',
      TRUST_PROXY: 'true',
      DATABASE_URL: 'postgres://handmark:pw@db:5432/handmark',
      DB_POOL_MAX: '40',
      DATA_DIR: '/var/lib/handmark',
      EMBEDDED_PG_PORT: '55000',
      SESSION_TTL_HOURS: '8',
      ADMIN_EMAILS: 'IT@District.test, principal@district.test',
      GOOGLE_ALLOWED_DOMAINS: 'District.test,schools.district.test',
      GOOGLE_AUTHORIZATION_URL: 'http://127.0.0.1:9000/authorize',
      GOOGLE_TOKEN_URL: 'http://127.0.0.1:9000/token',
      GOOGLE_USERINFO_URL: 'http://127.0.0.1:9000/userinfo',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9100',
      ANTHROPIC_MODEL: 'claude-test',
      AUDIT_SEAL_INTERVAL_MS: '250',
      AUDIT_SEAL_THREAD: 'false',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://handmark.district.test',
      trustProxy: true,
      database: { url: 'postgres://handmark:pw@db:5432/handmark', poolMax: 40, embedded: { dataDir: '/var/lib/handmark', port: 55000 } },
      auth: {
        sessionTtlHours: 8,
        cookieSecure: true,
        adminEmails: ['it@district.test', 'principal@district.test'],
        devLogin: false,
        google: {
          clientId: GOOGLE.GOOGLE_CLIENT_ID,
          clientSecret: 'secret',
          allowedDomains: ['district.test', 'schools.district.test'],
          authorizationUrl: 'http://127.0.0.1:9000/authorize',
          tokenUrl: 'http://127.0.0.1:9000/token',
          userProfileUrl: 'http://127.0.0.1:9000/userinfo',
        },
      },
      ai: { apiKey: 'sk-ant-test', baseUrl: 'http://127.0.0.1:9100', model: 'claude-test' },
      audit: { sealIntervalMs: 250, sealThread: false },
    });
  });

  it('names every bad variable at once instead of stopping at the first', () => {
    const problems = problemsOf({
      NODE_ENV: 'staging',
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://handmark',
      TRUST_PROXY: 'maybe',
      DATABASE_URL: 'mysql://root@db/handmark',
      DB_POOL_MAX: '1',
      EMBEDDED_PG_PORT: '80',
      SESSION_TTL_HOURS: '0.5',
      COOKIE_SECURE: 'sometimes',
      ADMIN_EMAILS: 'admin',
      AUTH_DEV_LOGIN: 'please',
      ANTHROPIC_BASE_URL: 'not a url',
      AUDIT_SEAL_INTERVAL_MS: '5',
      AUDIT_SEAL_THREAD: 'on a thread',
    });
    const named = ['NODE_ENV', 'PORT', 'PUBLIC_URL', 'TRUST_PROXY', 'DATABASE_URL', 'DB_POOL_MAX', 'EMBEDDED_PG_PORT', 'SESSION_TTL_HOURS',
      'COOKIE_SECURE', 'ADMIN_EMAILS', 'AUTH_DEV_LOGIN', 'ANTHROPIC_BASE_URL', 'AUDIT_SEAL_INTERVAL_MS',
      'AUDIT_SEAL_THREAD'];
    expect(problems).toHaveLength(named.length);
    for (const name of named) expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${name}\\b`)));
    expect(problems).toContain('PORT must be an integer between 1 and 65535 (got "eighty")');
  });

  it('puts the whole list in the error message the server prints', () => {
    expect(() => loadConfig({ PORT: '0', DB_POOL_MAX: 'many' })).toThrow(
      'HandMark cannot start, the configuration has 2 problem(s):\n' +
        ' - PORT must be an integer between 1 and 65535 (got "0")\n' +
        ' - DB_POOL_MAX must be an integer between 2 and 500 (got "many")',
    );
  });

  it('never echoes a database password in a problem', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://handmark:s3cret@db/handmark' });
    expect(problem).toBe('DATABASE_URL must be a postgres: or postgresql: URL (got "mysql://handmark:***@db/handmark")');
  });

  it('derives COOKIE_SECURE from an https PUBLIC_URL unless set', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://handmark.district.test' }).auth).toMatchObject({ cookieSecure: true });
    expect(loadConfig({ PUBLIC_URL: 'https://handmark.district.test', COOKIE_SECURE: 'false' }).auth.cookieSecure).toBe(false);
  });

  describe('sign-in rules', () => {
    it('refuses AUTH_DEV_LOGIN=true in production, even with Google configured', () => {
      expect(problemsOf({ ...GOOGLE, NODE_ENV: 'production', AUTH_DEV_LOGIN: 'true' })).toEqual([
        'AUTH_DEV_LOGIN=true is not allowed when NODE_ENV=production (anyone could sign in as anyone)',
      ]);
    });

    it('refuses to start in production without Google sign-in', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
        'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are required when NODE_ENV=production (there is no other way to sign in)',
      ]);
    });

    it('lists both production problems together', () => {
      expect(problemsOf({ NODE_ENV: 'production', AUTH_DEV_LOGIN: 'yes' })).toHaveLength(2);
    });

    it('names the missing half of a Google client', () => {
      expect(problemsOf({ GOOGLE_CLIENT_ID: 'id', GOOGLE_ALLOWED_DOMAINS: 'district.test' })).toEqual([
        'GOOGLE_CLIENT_SECRET is required when GOOGLE_CLIENT_ID is set',
      ]);
      expect(problemsOf({ GOOGLE_CLIENT_SECRET: 'secret', GOOGLE_ALLOWED_DOMAINS: 'district.test' })).toEqual([
        'GOOGLE_CLIENT_ID is required when GOOGLE_CLIENT_SECRET is set',
      ]);
    });

    it('requires the allowed domains with Google and checks each one', () => {
      expect(problemsOf({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' })).toEqual([
        'GOOGLE_ALLOWED_DOMAINS is required with Google sign-in (the district domains whose accounts may sign in)',
      ]);
      expect(problemsOf({ ...GOOGLE, GOOGLE_ALLOWED_DOMAINS: 'district.test,not a domain' })).toEqual([
        'GOOGLE_ALLOWED_DOMAINS contains "not a domain", which is not a domain name',
      ]);
    });

    it('checks the overridable Google endpoints', () => {
      expect(problemsOf({ ...GOOGLE, GOOGLE_TOKEN_URL: 'token' })).toEqual(['GOOGLE_TOKEN_URL must be a http: or https: URL (got "token")']);
    });

    it.each([
      { env: {}, devLogin: true, why: 'development without Google' },
      { env: { NODE_ENV: 'test' }, devLogin: true, why: 'test without Google' },
      { env: { ...GOOGLE }, devLogin: false, why: 'development with Google' },
      { env: { ...GOOGLE, AUTH_DEV_LOGIN: 'true' }, devLogin: true, why: 'development with Google and AUTH_DEV_LOGIN=true' },
      { env: { AUTH_DEV_LOGIN: 'false' }, devLogin: true, why: 'development without Google, even with AUTH_DEV_LOGIN=false' },
      { env: { ...GOOGLE, NODE_ENV: 'production' }, devLogin: false, why: 'production' },
    ])('development sign-in is $devLogin in $why', ({ env, devLogin }) => {
      expect(loadConfig(env as Record<string, string>).auth.devLogin).toBe(devLogin);
    });
  });
});

describe('configuration documentation', () => {
  const source = readFileSync(path.join(root, 'libs/config/config.ts'), 'utf8');
  const variables = [...new Set([...source.matchAll(/\br\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((match) => match[1]))];

  it('finds the variables config.ts reads', () => {
    expect(variables).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'DATABASE_URL', 'GOOGLE_CLIENT_ID', 'ANTHROPIC_API_KEY']));
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
    const forCompose = ['POSTGRES_PASSWORD'];
    expect([...documented].filter((name) => !variables.includes(name) && !forCompose.includes(name))).toEqual([]);
  });

  it("documents every variable in the README's configuration table", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = /^## Configuration\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? '';
    const documented = new Set([...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((match) => match[1]));
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !variables.includes(name))).toEqual([]);
  });

  it("states in the README each default that config.ts gives as a literal", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const defaults = [...source.matchAll(/\br\.(?:int|string|bool)\(\s*'([A-Z][A-Z0-9_]*)',\s*('[^']*'|[\d_]+|true|false)\s*[,)]/g)].map(
      ([, name, literal]) => [name, literal.replace(/^'|'$/g, '').replaceAll('_', '')],
    );
    expect(defaults.length).toBeGreaterThan(10);
    const wrong = defaults.filter(([name, value]) => {
      const row = new RegExp(`^\\|\\s*\`${name}\`\\s*\\|([^|]*)\\|`, 'm').exec(readme);
      return !row?.[1].includes(`\`${value}\``);
    });
    expect(wrong).toEqual([]);
  });
});
