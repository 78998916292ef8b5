/**
 * Typed configuration read from the environment and validated once at boot.
 * Every problem is collected so the operator sees the whole list at once.
 */
import { DEFAULT_MODEL_PRICES, type ModelPrice, parseModelPrices } from '../ai/model-catalog.js';

export type NodeEnv = 'development' | 'production' | 'test';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  publicUrl: string;
  trustProxy: boolean;
  database: {
    /** Set when an external PostgreSQL is used; absent means the embedded one. */
    url?: string;
    poolMax: number;
    embedded: { dataDir: string; port: number };
  };
  auth: {
    sessionTtlHours: number;
    cookieSecure: boolean;
    adminEmails: string[];
    devLogin: boolean;
    google?: {
      clientId: string;
      clientSecret: string;
      allowedDomains: string[];
      authorizationUrl?: string;
      tokenUrl?: string;
      userProfileUrl?: string;
    };
  };
  ai: {
    apiKey?: string;
    baseUrl?: string;
    model: string;
    /** False without ANTHROPIC_API_KEY; `disabledReason` then says why, for health and the API. */
    enabled: boolean;
    disabledReason?: string;
    /** Deadline of one call to Claude, retries and their waits included. */
    requestTimeoutMs: number;
    maxRetries: number;
    /** The longest retry-after a call waits for; a longer one fails fast so the job is rescheduled. */
    maxRetryAfterMs: number;
    /** Requests to Claude in flight at once; halves on 429/529 and grows back. */
    maxConcurrency: number;
    /** USD per million tokens by model id (the defaults in libs/ai/model-catalog.ts plus AI_PRICES). */
    prices: Record<string, ModelPrice>;
    /** The HTTP server also works the AI grading jobs (false: only `npm run worker` processes do). */
    workerInProcess: boolean;
    /** How often a Message Batches grading run is polled. */
    batchPollSeconds: number;
  };
  audit: {
    sealIntervalMs: number;
    /** Seal on a worker thread with its own connection (false: on the thread that serves HTTP). */
    sealThread: boolean;
  };
  /** Where uploaded files live (content-addressed blobs) and how large uploads may be. */
  storage: {
    dir: string;
  };
  uploads: {
    maxFileBytes: number;
    /** A whole class's scanned stack is one PDF, allowed to be larger than a single file. */
    maxStackBytes: number;
    maxFiles: number;
    maxPixels: number;
    maxPdfPages: number;
    /** Worker threads that render PDF pages (pdfjs blocks the thread that calls it); 0 renders on the main thread. */
    renderThreads: number;
  };
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`HandMark cannot start, the configuration has ${problems.length} problem(s):\n - ${problems.join('\n - ')}`);
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value.replace(/\/$/, '');
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${redactUrl(value)}")`);
      return undefined;
    }
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean);
  }
}

function redactUrl(value: string): string {
  return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = r.int('PORT', 3000, 1, 65535);
  const publicUrl = r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;

  const adminEmails = r.list('ADMIN_EMAILS');
  for (const email of adminEmails) {
    if (!EMAIL.test(email)) r.problems.push(`ADMIN_EMAILS contains "${email}", which is not an email address`);
  }

  const clientId = r.raw('GOOGLE_CLIENT_ID');
  const clientSecret = r.raw('GOOGLE_CLIENT_SECRET');
  const allowedDomains = r.list('GOOGLE_ALLOWED_DOMAINS');
  for (const domain of allowedDomains) {
    if (!DOMAIN.test(domain)) r.problems.push(`GOOGLE_ALLOWED_DOMAINS contains "${domain}", which is not a domain name`);
  }
  let google: AppConfig['auth']['google'];
  if (clientId || clientSecret) {
    if (!clientId) r.problems.push('GOOGLE_CLIENT_ID is required when GOOGLE_CLIENT_SECRET is set');
    if (!clientSecret) r.problems.push('GOOGLE_CLIENT_SECRET is required when GOOGLE_CLIENT_ID is set');
    if (allowedDomains.length === 0) {
      r.problems.push('GOOGLE_ALLOWED_DOMAINS is required with Google sign-in (the district domains whose accounts may sign in)');
    }
    google = {
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      allowedDomains,
      authorizationUrl: r.url('GOOGLE_AUTHORIZATION_URL', ['http:', 'https:']),
      tokenUrl: r.url('GOOGLE_TOKEN_URL', ['http:', 'https:']),
      userProfileUrl: r.url('GOOGLE_USERINFO_URL', ['http:', 'https:']),
    };
  }

  const devLoginRequested = r.bool('AUTH_DEV_LOGIN', false);
  const devLogin = nodeEnv !== 'production' && (devLoginRequested || !google);
  if (nodeEnv === 'production' && devLoginRequested) {
    r.problems.push('AUTH_DEV_LOGIN=true is not allowed when NODE_ENV=production (anyone could sign in as anyone)');
  }
  if (nodeEnv === 'production' && !google) {
    r.problems.push('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are required when NODE_ENV=production (there is no other way to sign in)');
  }

  const aiPricesJson = r.raw('AI_PRICES');
  const aiPrices = aiPricesJson === undefined ? { prices: {}, problems: [] } : parseModelPrices('AI_PRICES', aiPricesJson);
  r.problems.push(...aiPrices.problems);
  const anthropicApiKey = r.raw('ANTHROPIC_API_KEY');

  const config: AppConfig = {
    nodeEnv,
    port,
    host: r.string('HOST', '0.0.0.0'),
    publicUrl,
    trustProxy: r.bool('TRUST_PROXY', false),
    database: {
      url: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
      poolMax: r.int('DB_POOL_MAX', 20, 2, 500),
      embedded: {
        dataDir: r.string('DATA_DIR', './data'),
        port: r.int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
      },
    },
    auth: {
      sessionTtlHours: r.int('SESSION_TTL_HOURS', 12, 1, 24 * 30),
      cookieSecure: r.bool('COOKIE_SECURE', publicUrl.startsWith('https:')),
      adminEmails,
      devLogin,
      google,
    },
    ai: {
      apiKey: anthropicApiKey,
      baseUrl: r.url('ANTHROPIC_BASE_URL', ['http:', 'https:']),
      model: r.string('ANTHROPIC_MODEL', 'claude-sonnet-4-6'),
      enabled: anthropicApiKey !== undefined,
      disabledReason: anthropicApiKey === undefined ? 'AI grading is disabled: ANTHROPIC_API_KEY is not set, so submissions wait for manual grading' : undefined,
      requestTimeoutMs: r.int('AI_REQUEST_TIMEOUT_MS', 90_000, 1_000, 600_000),
      maxRetries: r.int('AI_MAX_RETRIES', 2, 0, 10),
      maxRetryAfterMs: r.int('AI_MAX_RETRY_AFTER_MS', 60_000, 0, 3_600_000),
      maxConcurrency: r.int('AI_MAX_CONCURRENCY', 4, 1, 256),
      prices: { ...DEFAULT_MODEL_PRICES, ...aiPrices.prices },
      workerInProcess: r.bool('AI_WORKER_IN_PROCESS', true),
      batchPollSeconds: r.int('AI_BATCH_POLL_SECONDS', 60, 1, 3600),
    },
    audit: {
      sealIntervalMs: r.int('AUDIT_SEAL_INTERVAL_MS', 500, 20, 60_000),
      sealThread: r.bool('AUDIT_SEAL_THREAD', true),
    },
    storage: {
      dir: r.string('STORAGE_DIR', `${r.string('DATA_DIR', './data').replace(/\/+$/, '')}/storage`),
    },
    uploads: {
      maxFileBytes: r.int('UPLOAD_MAX_FILE_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxStackBytes: r.int('UPLOAD_MAX_STACK_BYTES', 250 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
      maxFiles: r.int('UPLOAD_MAX_FILES', 60, 1, 500),
      maxPixels: r.int('UPLOAD_MAX_PIXELS', 64_000_000, 1_000_000, 268_000_000),
      maxPdfPages: r.int('UPLOAD_MAX_PDF_PAGES', 200, 1, 2000),
      renderThreads: r.int('UPLOAD_RENDER_THREADS', 2, 0, 16),
    },
  };
  if (r.problems.length > 0) throw new ConfigValidationError(r.problems);
  return config;
}
