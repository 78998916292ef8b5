/**
 * A fake Anthropic API on 127.0.0.1 for tests that drive the real @anthropic-ai/sdk: the Messages
 * API (with tool use, prompt caching, latency and rate limits) and the Message Batches API (with
 * an absolute results_url pointing back here). Each test scripts the replies it needs. Only tests
 * import this file; the product never contains a fake model.
 */
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { imageDimensions } from '../../libs/ai/prompt-cache.js';

export const FAKE_API_KEY = 'handmark-test-key-for-the-fake-anthropic-server';

type Json = Record<string, unknown>;

export interface FakeContentBlock {
  type: string;
  [key: string]: unknown;
}

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** A successful Messages reply. Usage is computed from the request unless given. */
export interface FakeMessageReply {
  type: 'message';
  content?: FakeContentBlock[];
  stopReason?: string;
  usage?: Partial<FakeUsage>;
  model?: string;
  /** Overrides the server's latency for this reply. */
  delayMs?: number;
}

/** An API error (`{ type: 'error', error: { type, message } }`) with optional retry-after headers. */
export interface FakeErrorReply {
  type: 'error';
  status: number;
  errorType?: string;
  message?: string;
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  delayMs?: number;
}

/** Anything else: a body sent as is (malformed JSON, an HTML error page from a proxy). */
export interface FakeRawReply {
  type: 'raw';
  status: number;
  body: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type FakeReply = FakeMessageReply | FakeErrorReply | FakeRawReply;
export type FakeResponder = (request: ReceivedRequest) => FakeReply;

/** How one request of a batch ends. */
export type FakeBatchOutcome =
  | { type: 'succeeded'; reply?: FakeMessageReply }
  | { type: 'errored'; errorType?: string; message?: string }
  | { type: 'expired' }
  | { type: 'canceled' };

export interface FakeBatchScript {
  /** How long a batch stays in_progress before it ends (default 0). */
  processingMs?: number;
  /** The outcome of each request, by custom_id or by function; succeeded with the default reply otherwise. */
  outcomes?: Record<string, FakeBatchOutcome> | ((request: { custom_id: string; params: Json }, index: number) => FakeBatchOutcome | undefined);
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Json | undefined;
  receivedAt: number;
  /** For POST /v1/messages: the prompt up to its last cache_control marker, as the cache saw it. */
  prefix?: { bytes: string; hash: string; tokens: number } | null;
  /** For POST /v1/messages: how the request was answered (status code). */
  status?: number;
}

export interface AnthropicFakeOptions {
  apiKey?: string;
  /** Delay before every Messages reply (default 0). */
  latencyMs?: number;
  /** Requests per window accepted before answering 429 with retry-after (default: unlimited). */
  requestsPerMinute?: number;
  /** The rate-limit window (default 60 s; shorter in tests that exercise it). */
  rateLimitWindowMs?: number;
  /** Minimum cached prefix in tokens, by model (default: the published minimums). */
  minCacheableTokens?: number | ((model: string) => number);
}

/** Builders for scripted replies. */
export const reply = {
  text(text: string, extra: Partial<FakeMessageReply> = {}): FakeMessageReply {
    return { type: 'message', content: [{ type: 'text', text }], stopReason: 'end_turn', ...extra };
  },
  toolUse(name: string, input: unknown, extra: Partial<FakeMessageReply> & { id?: string } = {}): FakeMessageReply {
    const { id, ...rest } = extra;
    return { type: 'message', content: [{ type: 'tool_use', id: id ?? `toolu_fake_${hex(8)}`, name, input }], stopReason: 'tool_use', ...rest };
  },
  rateLimited(retryAfterSeconds?: number, extra: Partial<FakeErrorReply> = {}): FakeErrorReply {
    return { type: 'error', status: 429, errorType: 'rate_limit_error', message: 'Number of requests has exceeded your per-minute rate limit', retryAfterSeconds, ...extra };
  },
  overloaded(extra: Partial<FakeErrorReply> = {}): FakeErrorReply {
    return { type: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded', ...extra };
  },
  serverError(status = 500, extra: Partial<FakeErrorReply> = {}): FakeErrorReply {
    return { type: 'error', status, errorType: 'api_error', message: 'Internal server error', ...extra };
  },
  error(status: number, errorType: string, message: string): FakeErrorReply {
    return { type: 'error', status, errorType, message };
  },
  slow<T extends FakeReply>(delayMs: number, base: T): T {
    return { ...base, delayMs };
  },
};

interface CacheEntry {
  expiresAt: number;
  ttlMs: number;
}

interface FakeBatch {
  id: string;
  createdAt: number;
  processingMs: number;
  canceledAt: number | null;
  entries: Array<{ custom_id: string; result: Json }>;
}

/** The default minimums of the prompt cache, as published per model. */
function publishedMinimum(model: string): number {
  if (/haiku-4-5|opus-4-5|opus-4-6/.test(model)) return 4096;
  if (/haiku-3|opus-4-7/.test(model)) return 2048;
  if (/opus-5(?!-5)/.test(model)) return 512;
  return 1024;
}

export class AnthropicFake {
  readonly apiKey: string;
  /** Every request received, oldest first. */
  readonly requests: ReceivedRequest[] = [];
  /** The most Messages requests being handled at once. */
  maxInFlight = 0;
  inFlight = 0;
  latencyMs: number;
  requestsPerMinute: number | undefined;
  rateLimitWindowMs: number;

  private readonly script: Array<FakeReply | FakeResponder> = [];
  private responder: FakeResponder | undefined;
  private batchScript: FakeBatchScript = {};
  private readonly accepted: number[] = [];
  private readonly cache = new Map<string, CacheEntry>();
  private readonly batches = new Map<string, FakeBatch>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private url = '';

  private constructor(
    private readonly server: http.Server,
    private readonly options: AnthropicFakeOptions,
  ) {
    this.apiKey = options.apiKey ?? FAKE_API_KEY;
    this.latencyMs = options.latencyMs ?? 0;
    this.requestsPerMinute = options.requestsPerMinute;
    this.rateLimitWindowMs = options.rateLimitWindowMs ?? 60_000;
  }

  static async start(options: AnthropicFakeOptions = {}): Promise<AnthropicFake> {
    const server = http.createServer();
    const fake = new AnthropicFake(server, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The base URL to give the SDK (ANTHROPIC_BASE_URL). */
  get baseUrl(): string {
    return this.url;
  }

  /** The environment that points HandMark at this fake. */
  get env(): Record<string, string> {
    return { ANTHROPIC_API_KEY: this.apiKey, ANTHROPIC_BASE_URL: this.url };
  }

  /** Replies for the next Messages requests, in order; after them the responder (or the default) answers. */
  enqueue(...replies: Array<FakeReply | FakeResponder>): this {
    this.script.push(...replies);
    return this;
  }

  /** Answers every Messages request the queue does not. */
  respondWith(responder: FakeResponder | undefined): this {
    this.responder = responder;
    return this;
  }

  scriptBatches(script: FakeBatchScript): this {
    this.batchScript = script;
    return this;
  }

  get messageRequests(): ReceivedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path === '/v1/messages');
  }

  /** Forgets the log, the script, the cache and the rate-limit window (between tests that share one fake). */
  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.accepted.length = 0;
    this.cache.clear();
    this.responder = undefined;
    this.batchScript = {};
    this.maxInFlight = this.inFlight;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    let body: Json | undefined;
    let malformed = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw) as Json;
      } catch {
        malformed = true;
      }
    }
    const received: ReceivedRequest = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body, receivedAt: Date.now() };
    this.requests.push(received);

    const auth = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
    if (auth !== this.apiKey) return this.sendError(res, 401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return this.sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    if (malformed) return this.sendError(res, 400, 'invalid_request_error', 'The request body is not valid JSON');

    if (req.method === 'POST' && url.pathname === '/v1/messages') return this.handleMessage(received, res);
    if (req.method === 'POST' && url.pathname === '/v1/messages/batches') return this.createBatch(body, res);
    const batchPath = /^\/v1\/messages\/batches\/([^/]+)(\/results|\/cancel)?$/.exec(url.pathname);
    if (batchPath) {
      const batch = this.batches.get(batchPath[1]);
      if (!batch) return this.sendError(res, 404, 'not_found_error', `Message batch ${batchPath[1]} not found`);
      if (req.method === 'GET' && !batchPath[2]) return this.sendJson(res, 200, this.describeBatch(batch));
      if (req.method === 'GET' && batchPath[2] === '/results') return this.sendResults(batch, res);
      if (req.method === 'POST' && batchPath[2] === '/cancel') {
        batch.canceledAt ??= Date.now();
        return this.sendJson(res, 200, this.describeBatch(batch));
      }
    }
    return this.sendError(res, 404, 'not_found_error', `No route for ${req.method} ${url.pathname}`);
  }

  private async handleMessage(received: ReceivedRequest, res: ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once('close', () => {
      this.inFlight -= 1;
    });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      received.status = status;
      this.sendJson(res, status, body, headers);
    };

    const problem = validateMessageParams(received.body);
    if (problem) return send(400, errorBody('invalid_request_error', problem));

    const limited = this.checkRateLimit();
    if (limited !== null) {
      return send(429, errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), {
        'retry-after': String(Math.max(1, Math.ceil(limited / 1000))),
        'anthropic-ratelimit-requests-limit': String(this.requestsPerMinute),
        'anthropic-ratelimit-requests-remaining': '0',
      });
    }

    const next = this.script.shift() ?? this.responder ?? defaultReply;
    const scripted = typeof next === 'function' ? next(received) : next;
    const delayMs = scripted.delayMs ?? this.latencyMs;
    if (delayMs > 0 && !(await this.wait(delayMs, res))) return;

    if (scripted.type === 'raw') {
      received.status = scripted.status;
      res.writeHead(scripted.status, { 'request-id': requestId(), ...scripted.headers });
      res.end(scripted.body);
      return;
    }
    if (scripted.type === 'error') {
      const headers: Record<string, string> = {};
      if (scripted.retryAfterSeconds !== undefined) headers['retry-after'] = String(scripted.retryAfterSeconds);
      if (scripted.retryAfterMs !== undefined) headers['retry-after-ms'] = String(scripted.retryAfterMs);
      return send(scripted.status, errorBody(scripted.errorType ?? 'api_error', scripted.message ?? 'Error'), headers);
    }
    const body = received.body as Json;
    const { usage, prefix } = this.computeUsage(body, scripted);
    received.prefix = prefix;
    send(200, this.messageBody(body, scripted, usage, 'standard'));
  }

  /** Milliseconds until a request is accepted again, or null when this one is accepted now (and counted). */
  private checkRateLimit(): number | null {
    if (this.requestsPerMinute === undefined) return null;
    const now = Date.now();
    while (this.accepted.length > 0 && this.accepted[0] <= now - this.rateLimitWindowMs) this.accepted.shift();
    if (this.accepted.length >= this.requestsPerMinute) return this.accepted[0] + this.rateLimitWindowMs - now;
    this.accepted.push(now);
    return null;
  }

  private messageBody(request: Json, scripted: FakeMessageReply, usage: FakeUsage, tier: 'standard' | 'batch'): Json {
    return {
      id: `msg_fake_${hex(12)}`,
      type: 'message',
      role: 'assistant',
      model: scripted.model ?? request.model,
      content: scripted.content ?? [],
      stop_reason: scripted.stopReason ?? 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: { ...usage, server_tool_use: null, service_tier: tier, inference_geo: null, output_tokens_details: null, speed: null },
    };
  }

  /**
   * Usage as the real API reports it: the prompt up to the last cache_control marker is read from
   * the cache when an identical prefix (same model, same bytes) was written before and has not
   * expired, written to it when it is at least the model's minimum, and otherwise billed as input.
   * Tokens are estimated as UTF-8 bytes / 4, images as width * height / 750 after downscaling.
   */
  private computeUsage(request: Json, scripted: FakeMessageReply): { usage: FakeUsage; prefix: ReceivedRequest['prefix'] } {
    const model = String(request.model);
    const segments = renderSegments(request);
    const total = segments.reduce((sum, segment) => sum + segment.tokens, 0);
    const breakpoints = segments.flatMap((segment, index) => (segment.ttlMs === null ? [] : [index]));
    if (request.cache_control && segments.length > 0 && !breakpoints.includes(segments.length - 1)) {
      breakpoints.push(segments.length - 1);
      segments[segments.length - 1].ttlMs = ttlOf(request.cache_control);
    }

    let read = 0;
    let write = 0;
    let write1h = 0;
    let prefix: ReceivedRequest['prefix'] = null;
    if (breakpoints.length > 0) {
      const minimum = typeof this.options.minCacheableTokens === 'function' ? this.options.minCacheableTokens(model) : (this.options.minCacheableTokens ?? publishedMinimum(model));
      const now = Date.now();
      const at = breakpoints.map((index) => {
        const bytes = segments.slice(0, index + 1).map((segment) => segment.bytes).join('\n');
        return {
          index,
          bytes,
          hash: createHash('sha256').update(`${model}\n${bytes}`).digest('hex'),
          tokens: segments.slice(0, index + 1).reduce((sum, segment) => sum + segment.tokens, 0),
          ttlMs: segments[index].ttlMs ?? 5 * 60_000,
        };
      });
      const last = at[at.length - 1];
      prefix = { bytes: last.bytes, hash: last.hash, tokens: last.tokens };
      const hit = [...at].reverse().find((point) => (this.cache.get(point.hash)?.expiresAt ?? 0) > now);
      if (hit) {
        read = hit.tokens;
        const entry = this.cache.get(hit.hash)!;
        entry.expiresAt = now + entry.ttlMs;
      }
      for (const point of at) {
        if (point.tokens <= read || point.tokens < minimum) continue;
        this.cache.set(point.hash, { expiresAt: now + point.ttlMs, ttlMs: point.ttlMs });
      }
      if (last.tokens > read && last.tokens >= minimum) {
        write = last.tokens - read;
        if (last.ttlMs > 5 * 60_000) write1h = write;
      }
    }

    const outputTokens = Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(scripted.content ?? [])) / 4));
    const usage: FakeUsage = {
      input_tokens: total - read - write,
      output_tokens: outputTokens,
      cache_creation_input_tokens: write,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: write - write1h, ephemeral_1h_input_tokens: write1h },
      ...scripted.usage,
    };
    return { usage, prefix };
  }

  private createBatch(body: Json | undefined, res: ServerResponse): void {
    const requests = body?.requests;
    if (!Array.isArray(requests) || requests.length === 0) return this.sendError(res, 400, 'invalid_request_error', 'requests: must be a non-empty array');
    const seen = new Set<string>();
    for (const [index, request] of requests.entries()) {
      const customId = (request as Json)?.custom_id;
      if (typeof customId !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(customId)) {
        return this.sendError(res, 400, 'invalid_request_error', `requests.${index}.custom_id: must be 1-64 letters, digits, - or _`);
      }
      if (seen.has(customId)) return this.sendError(res, 400, 'invalid_request_error', `requests.${index}.custom_id: "${customId}" is used twice`);
      seen.add(customId);
      const problem = validateMessageParams((request as Json).params as Json | undefined);
      if (problem) return this.sendError(res, 400, 'invalid_request_error', `requests.${index}.params.${problem}`);
    }

    const { processingMs = 0, outcomes } = this.batchScript;
    const entries = (requests as Array<{ custom_id: string; params: Json }>).map((request, index) => {
      const outcome = (typeof outcomes === 'function' ? outcomes(request, index) : outcomes?.[request.custom_id]) ?? { type: 'succeeded' as const };
      return { custom_id: request.custom_id, result: this.batchResult(request.params, outcome) };
    });
    const batch: FakeBatch = { id: `msgbatch_fake_${hex(12)}`, createdAt: Date.now(), processingMs, canceledAt: null, entries };
    this.batches.set(batch.id, batch);
    this.sendJson(res, 200, this.describeBatch(batch));
  }

  private batchResult(params: Json, outcome: FakeBatchOutcome): Json {
    switch (outcome.type) {
      case 'succeeded': {
        const scripted = outcome.reply ?? defaultReply({ method: 'POST', path: '/v1/messages', headers: {}, body: params, receivedAt: Date.now() });
        const message = scripted.type === 'message' ? scripted : reply.text('OK');
        return { type: 'succeeded', message: this.messageBody(params, message, this.computeUsage(params, message).usage, 'batch') };
      }
      case 'errored':
        return { type: 'errored', error: errorBody(outcome.errorType ?? 'invalid_request_error', outcome.message ?? 'The request was invalid') };
      default:
        return { type: outcome.type };
    }
  }

  private describeBatch(batch: FakeBatch): Json {
    const ended = Date.now() >= batch.createdAt + batch.processingMs;
    const results = this.resultsOf(batch);
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (ended) for (const entry of results) counts[entry.result.type as keyof typeof counts] += 1;
    else counts.processing = results.length;
    const endedAt = ended ? new Date(batch.createdAt + batch.processingMs).toISOString() : null;
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : batch.canceledAt !== null ? 'canceling' : 'in_progress',
      request_counts: counts,
      created_at: new Date(batch.createdAt).toISOString(),
      expires_at: new Date(batch.createdAt + 24 * 3_600_000).toISOString(),
      ended_at: endedAt,
      archived_at: null,
      cancel_initiated_at: batch.canceledAt === null ? null : new Date(batch.canceledAt).toISOString(),
      results_url: ended ? `${this.url}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  /** A canceled batch's unfinished requests end as canceled. */
  private resultsOf(batch: FakeBatch): FakeBatch['entries'] {
    if (batch.canceledAt === null) return batch.entries;
    return batch.entries.map((entry) => (entry.result.type === 'succeeded' ? { custom_id: entry.custom_id, result: { type: 'canceled' } } : entry));
  }

  private sendResults(batch: FakeBatch, res: ServerResponse): void {
    if (Date.now() < batch.createdAt + batch.processingMs) {
      return this.sendError(res, 400, 'invalid_request_error', `Message batch ${batch.id} has not finished processing`);
    }
    res.writeHead(200, { 'content-type': 'application/binary', 'request-id': requestId() });
    res.end(this.resultsOf(batch).map((entry) => JSON.stringify(entry)).join('\n') + '\n');
  }

  /** Resolves true after `ms`, false if the client went away first. */
  private wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(!res.destroyed);
      }, ms);
      this.timers.add(timer);
      res.once('close', () => {
        if (!res.writableEnded) {
          clearTimeout(timer);
          this.timers.delete(timer);
          resolve(false);
        }
      });
    });
  }

  private sendError(res: ServerResponse, status: number, type: string, message: string): void {
    this.sendJson(res, status, errorBody(type, message));
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    const id = (body as { request_id?: string })?.request_id ?? requestId();
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id, ...headers });
    res.end(JSON.stringify(body));
  }
}

/** Without a script: a tool_use for a forced tool (empty input), otherwise a short text. */
function defaultReply(request: ReceivedRequest): FakeReply {
  const choice = request.body?.tool_choice as { type?: string; name?: string } | undefined;
  if (choice?.type === 'tool' && choice.name) return reply.toolUse(choice.name, {});
  return reply.text('OK');
}

interface Segment {
  bytes: string;
  tokens: number;
  /** TTL of the cache_control marker on this block, null without one. */
  ttlMs: number | null;
}

/** The prompt in render order (tools, system, messages), one segment per block, markers removed from the bytes. */
function renderSegments(request: Json): Segment[] {
  const segments: Segment[] = [];
  const add = (label: string, block: Json) => {
    const { cache_control: marker, ...rest } = block;
    const bytes = `${label}:${JSON.stringify(rest)}`;
    segments.push({ bytes, tokens: blockTokens(rest), ttlMs: marker ? ttlOf(marker) : null });
  };
  for (const tool of (request.tools as Json[] | undefined) ?? []) add('tool', tool);
  const system = request.system;
  if (typeof system === 'string') add('system', { type: 'text', text: system });
  else for (const block of (system as Json[] | undefined) ?? []) add('system', block);
  for (const message of request.messages as Array<{ role: string; content: string | Json[] }>) {
    if (typeof message.content === 'string') add(message.role, { type: 'text', text: message.content });
    else for (const block of message.content) add(message.role, block);
  }
  return segments;
}

function blockTokens(block: Json): number {
  const source = block.source as { type?: string; data?: string } | undefined;
  if (block.type === 'image' && source?.type === 'base64' && typeof source.data === 'string') {
    const size = imageDimensions(Buffer.from(source.data, 'base64'));
    if (size) {
      const scale = Math.min(1, 1568 / Math.max(size.width, size.height), Math.sqrt(1_150_000 / (size.width * size.height)));
      return Math.ceil((Math.floor(size.width * scale) * Math.floor(size.height * scale)) / 750);
    }
  }
  return Math.ceil(Buffer.byteLength(JSON.stringify(block)) / 4);
}

function ttlOf(marker: unknown): number {
  return (marker as { ttl?: string }).ttl === '1h' ? 3_600_000 : 5 * 60_000;
}

/** The first problem with a Messages request body, as "field: what is wrong", or null. */
function validateMessageParams(body: Json | undefined): string | null {
  if (!body || typeof body !== 'object') return 'body: must be a JSON object';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return 'max_tokens: must be a positive integer';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  for (const [index, message] of (body.messages as Json[]).entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') return `messages.${index}.role: must be user or assistant`;
    const content = message.content;
    if (typeof content === 'string') continue;
    if (!Array.isArray(content) || content.length === 0) return `messages.${index}.content: must be a string or a non-empty array of blocks`;
    for (const [blockIndex, block] of (content as Json[]).entries()) {
      if (typeof block?.type !== 'string') return `messages.${index}.content.${blockIndex}.type: Field required`;
    }
  }
  if (body.system !== undefined && typeof body.system !== 'string') {
    if (!Array.isArray(body.system) || (body.system as Json[]).some((block) => block?.type !== 'text' || typeof block.text !== 'string')) {
      return 'system: must be a string or an array of text blocks';
    }
  }
  const tools = body.tools as Json[] | undefined;
  if (tools !== undefined && (!Array.isArray(tools) || tools.some((tool) => typeof tool?.name !== 'string'))) return 'tools: each tool needs a name';
  const choice = body.tool_choice as { type?: string; name?: string } | undefined;
  if (choice?.type === 'tool' && !(tools ?? []).some((tool) => tool.name === choice.name)) return `tool_choice.name: no tool named "${choice.name}"`;
  const markers = JSON.stringify([body.tools ?? [], body.system ?? [], body.messages]).match(/"cache_control":\{/g)?.length ?? 0;
  if (markers > 4) return `cache_control: A maximum of 4 blocks with cache_control may be provided. Found ${markers}.`;
  return null;
}

function errorBody(type: string, message: string): Json {
  return { type: 'error', error: { type, message }, request_id: requestId() };
}

function requestId(): string {
  return `req_fake_${hex(12)}`;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts a fake on a free port of 127.0.0.1. */
export function startAnthropicFake(options: AnthropicFakeOptions = {}): Promise<AnthropicFake> {
  return AnthropicFake.start(options);
}
