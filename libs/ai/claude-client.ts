/**
 * The only place that talks to Claude. Wraps @anthropic-ai/sdk with the SDK's own retries turned
 * off, because they honour any retry-after without a cap and know nothing of a call's deadline.
 * Here every call has a deadline (queueing for a slot excluded, retries and their waits included),
 * at most AI_MAX_RETRIES retries, a cap on retry-after waits (longer ones fail fast with
 * RateLimitedError so the job is rescheduled instead of holding a worker), and an adaptive
 * concurrency limit. Each result carries what is stored per grade: model, request id, latency,
 * tokens and cost.
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageBatch, MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import type { Message, MessageCreateParamsNonStreaming, Usage } from '@anthropic-ai/sdk/resources/messages';
import { AiAbortedError, AiDisabledError, AiError, AiOverloadedError, AiRequestError, AiTimeoutError, formatDuration, RateLimitedError } from './ai-errors.js';
import { AdaptiveConcurrencyLimiter, type LimiterPermit, LimiterPausedError, type LimiterSnapshot } from './concurrency-limiter.js';
import { BATCH_PRICE_FACTOR, lookupModel, type ModelPrice } from './model-catalog.js';

export { countTokensEstimate, imageTokensEstimate } from './prompt-cache.js';

export interface ClaudeClientOptions {
  /** Absent: every call fails with AiDisabledError and nothing is sent. */
  apiKey?: string;
  baseUrl?: string;
  /** Model for requests that do not name one (a dated id, pinned in config). */
  model: string;
  disabledReason?: string;
  requestTimeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  maxConcurrency: number;
  prices: Readonly<Record<string, ModelPrice>>;
  /** First backoff before retrying a failure that came without retry-after; doubles per retry. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Successes needed to raise the concurrency limit by one after a 429/529 lowered it. */
  successesToGrow?: number;
  /** Source of jitter, replaceable in tests. */
  random?: () => number;
}

/** A Messages API request; `model` defaults to the configured one. */
export type MessageRequest = Omit<MessageCreateParamsNonStreaming, 'model' | 'stream'> & { model?: string };

export interface CallOptions {
  /** Deadline of this call in ms, from its first attempt; defaults to AI_REQUEST_TIMEOUT_MS. */
  deadlineMs?: number;
  /** Cancels the call, including waiting for a slot. */
  signal?: AbortSignal;
  /** Give up waiting for a free slot after this long (AiTimeoutError); by default wait until one frees. */
  queueTimeoutMs?: number;
}

export interface ClaudeUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** All cache writes, whatever their TTL. */
  cacheWriteTokens: number;
  /** The part of cacheWriteTokens written with the 1-hour TTL (priced higher). */
  cacheWrite1hTokens: number;
}

export interface ClaudeMessageResult {
  message: Message;
  usage: ClaudeUsage;
  /** The API's request id (the request-id header): what Anthropic support asks for. */
  requestId: string | null;
  /** The model that answered, as the API reports it. */
  model: string;
  /** From the first attempt to the answer, retries and their waits included. */
  latencyMs: number;
  /** Time spent waiting for a concurrency slot before the first attempt. */
  queuedMs: number;
  attempts: number;
  /** From the price table; null when the model has no price there. */
  costUsd: number | null;
}

export interface ClaudeBatchRequest {
  /** Your id for this request, unique within the batch (results come back in any order). */
  customId: string;
  params: MessageRequest;
}

export interface ClaudeBatch {
  id: string;
  status: MessageBatch['processing_status'];
  counts: MessageBatch['request_counts'];
  createdAt: string;
  endedAt: string | null;
  expiresAt: string;
  resultsUrl: string | null;
  requestId: string | null;
}

export type ClaudeBatchResult =
  | { customId: string; type: 'succeeded'; message: Message; usage: ClaudeUsage; model: string; costUsd: number | null }
  | { customId: string; type: 'errored'; error: { type: string; message: string }; retryable: boolean }
  | { customId: string; type: 'expired' }
  | { customId: string; type: 'canceled' };

export interface ClaudeClientStatus extends LimiterSnapshot {
  enabled: boolean;
  disabledReason: string | null;
  model: string;
}

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 529]);
const RETRYABLE_BATCH_ERRORS = new Set(['api_error', 'overloaded_error', 'rate_limit_error', 'timeout_error']);

/** How a call is retried: messages retry everything retryable; creating a batch retries only refusals (429/529), never a possibly-processed request. */
type RetryPolicy = 'all' | 'refusals';

interface Attempt {
  timeout: number;
  signal: AbortSignal;
  maxRetries: 0;
}

export class ClaudeClient {
  readonly model: string;
  readonly limiter: AdaptiveConcurrencyLimiter;
  private readonly anthropic: Anthropic | undefined;

  constructor(private readonly options: ClaudeClientOptions) {
    this.model = options.model;
    this.limiter = new AdaptiveConcurrencyLimiter(options.maxConcurrency, { successesToGrow: options.successesToGrow });
    this.anthropic = options.apiKey
      ? new Anthropic({ apiKey: options.apiKey, baseURL: options.baseUrl ?? 'https://api.anthropic.com', maxRetries: 0, timeout: options.requestTimeoutMs })
      : undefined;
  }

  get enabled(): boolean {
    return this.anthropic !== undefined;
  }

  get disabledReason(): string | null {
    return this.enabled ? null : (this.options.disabledReason ?? 'AI grading is disabled: ANTHROPIC_API_KEY is not set');
  }

  status(): ClaudeClientStatus {
    return { enabled: this.enabled, disabledReason: this.disabledReason, model: this.model, ...this.limiter.snapshot() };
  }

  async createMessage(params: MessageRequest, options: CallOptions = {}): Promise<ClaudeMessageResult> {
    const anthropic = this.requireEnabled();
    const body: MessageCreateParamsNonStreaming = { ...params, model: params.model ?? this.model, stream: false };
    const { value, attempts, latencyMs, queuedMs } = await this.call('all', true, options, (attempt) =>
      anthropic.messages.create(body, attempt).withResponse(),
    );
    const message = value.data;
    const usage = toUsage(message.usage);
    return {
      message,
      usage,
      requestId: (message as { _request_id?: string | null })._request_id ?? value.request_id ?? null,
      model: message.model,
      latencyMs,
      queuedMs,
      attempts,
      costUsd: this.costOf(message.model, usage),
    };
  }

  /** Submits requests to the Message Batches API (half price, finished within 24 hours). Store the returned id. */
  async createBatch(requests: ClaudeBatchRequest[], options: CallOptions = {}): Promise<ClaudeBatch> {
    const anthropic = this.requireEnabled();
    const body = { requests: requests.map(({ customId, params }) => ({ custom_id: customId, params: { ...params, model: params.model ?? this.model } })) };
    const { value } = await this.call('refusals', false, options, (attempt) => anthropic.messages.batches.create(body, attempt).withResponse());
    return toBatch(value.data, value.request_id ?? null);
  }

  async retrieveBatch(id: string, options: CallOptions = {}): Promise<ClaudeBatch> {
    const anthropic = this.requireEnabled();
    const { value } = await this.call('all', false, options, (attempt) => anthropic.messages.batches.retrieve(id, {}, attempt).withResponse());
    return toBatch(value.data, value.request_id ?? null);
  }

  async cancelBatch(id: string, options: CallOptions = {}): Promise<ClaudeBatch> {
    const anthropic = this.requireEnabled();
    const { value } = await this.call('all', false, options, (attempt) => anthropic.messages.batches.cancel(id, {}, attempt).withResponse());
    return toBatch(value.data, value.request_id ?? null);
  }

  /**
   * The results of an ended batch, one per request, as they are read from its results_url.
   * Succeeded entries carry usage and cost at batch prices; errored ones say whether resubmitting can help.
   * The deadline covers opening the results, not reading them.
   */
  async *batchResults(id: string, options: CallOptions = {}): AsyncGenerator<ClaudeBatchResult> {
    const anthropic = this.requireEnabled();
    const { value: decoder } = await this.call('all', false, options, (attempt) =>
      anthropic.messages.batches.results(id, {}, attempt),
    );
    for await (const entry of decoder as AsyncIterable<MessageBatchIndividualResponse>) yield this.toBatchResult(entry);
  }

  /** USD for this usage by the model's prices; batch requests cost half. Null when the model is not in the table. */
  costOf(model: string, usage: ClaudeUsage, { batch = false }: { batch?: boolean } = {}): number | null {
    const price = lookupModel(this.options.prices, model);
    if (!price) return null;
    const cacheWrite5m = usage.cacheWriteTokens - usage.cacheWrite1hTokens;
    const usd =
      (usage.inputTokens * price.input +
        usage.outputTokens * price.output +
        usage.cacheReadTokens * price.cacheRead +
        cacheWrite5m * price.cacheWrite5m +
        usage.cacheWrite1hTokens * price.cacheWrite1h) /
      1_000_000;
    return roundUsd(batch ? usd * BATCH_PRICE_FACTOR : usd);
  }

  private toBatchResult(entry: MessageBatchIndividualResponse): ClaudeBatchResult {
    const customId = entry.custom_id;
    const result = entry.result;
    switch (result.type) {
      case 'succeeded': {
        const usage = toUsage(result.message.usage);
        return { customId, type: 'succeeded', message: result.message, usage, model: result.message.model, costUsd: this.costOf(result.message.model, usage, { batch: true }) };
      }
      case 'errored': {
        const body = result.error as unknown as { type?: string; message?: string; error?: { type?: string; message?: string } };
        const type = body.error?.type ?? body.type ?? 'api_error';
        const message = body.error?.message ?? body.message ?? 'The request failed inside the batch';
        return { customId, type: 'errored', error: { type, message }, retryable: RETRYABLE_BATCH_ERRORS.has(type) };
      }
      default:
        return { customId, type: result.type };
    }
  }

  private requireEnabled(): Anthropic {
    if (!this.anthropic) throw new AiDisabledError(this.disabledReason ?? 'AI grading is disabled');
    return this.anthropic;
  }

  /**
   * Runs `send` with a deadline and bounded retries. Each attempt gets the time left as its
   * timeout and a signal that fires at the deadline or when the caller cancels.
   */
  private async call<T>(
    policy: RetryPolicy,
    limited: boolean,
    options: CallOptions,
    send: (attempt: Attempt) => Promise<T>,
  ): Promise<{ value: T; attempts: number; latencyMs: number; queuedMs: number }> {
    const deadlineMs = options.deadlineMs ?? this.options.requestTimeoutMs;
    const queueStarted = performance.now();
    let permit = limited ? await this.acquire(options, { waitMs: options.queueTimeoutMs, attempts: 0, retry: false }) : undefined;
    const started = performance.now();
    const queuedMs = Math.round(started - queueStarted);
    const deadlineAt = started + deadlineMs;
    let attempts = 0;

    for (;;) {
      const remaining = deadlineAt - performance.now();
      if (remaining <= 0) {
        permit?.release('neutral');
        throw new AiTimeoutError(deadlineMs, attempts);
      }
      attempts += 1;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new Error('deadline')), remaining);
      const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
      let failure: unknown;
      try {
        const value = await send({ timeout: Math.max(1, Math.ceil(remaining)), signal, maxRetries: 0 });
        permit?.release('success');
        return { value, attempts, latencyMs: Math.round(performance.now() - started), queuedMs };
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timer);
      }

      const outcome = this.classify(failure, attempts, deadlineMs, options.signal);
      permit?.release(outcome.throttled ? 'throttled' : 'neutral');
      permit = undefined;
      if (outcome.status === 429 && outcome.retryAfterMs !== null) this.limiter.pause(outcome.retryAfterMs);

      const retryable = policy === 'all' ? outcome.retryable : outcome.throttled;
      if (!retryable || attempts > this.options.maxRetries) throw outcome.error;
      if (outcome.retryAfterMs !== null && outcome.retryAfterMs > this.options.maxRetryAfterMs) throw outcome.error;
      const wait = outcome.retryAfterMs ?? this.backoff(attempts);
      if (performance.now() + wait >= deadlineAt) {
        throw outcome.status === 429 ? new RateLimitedError(wait, attempts, outcome.requestId) : outcome.error;
      }
      await sleep(wait, options.signal).catch(() => {
        throw new AiAbortedError(attempts);
      });
      if (limited) permit = await this.acquire(options, { waitMs: deadlineAt - performance.now(), attempts, retry: true });
    }
  }

  /**
   * A concurrency slot. Fails fast with RateLimitedError while the API has asked everyone to wait
   * longer than AI_MAX_RETRY_AFTER_MS; with AiTimeoutError when no slot frees up within `waitMs`.
   * A retry (`retry: true`) goes to the front of the queue and its wait counts against the deadline.
   */
  private async acquire(options: CallOptions, { waitMs, attempts, retry }: { waitMs?: number; attempts: number; retry: boolean }): Promise<LimiterPermit> {
    const waitLimit = waitMs === undefined ? undefined : AbortSignal.timeout(Math.max(1, Math.ceil(waitMs)));
    const signals = [options.signal, waitLimit].filter((signal): signal is AbortSignal => signal !== undefined);
    try {
      return await this.limiter.acquire({
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
        front: retry,
        maxPauseMs: this.options.maxRetryAfterMs,
      });
    } catch (error) {
      if (error instanceof LimiterPausedError) throw new RateLimitedError(Math.ceil(error.remainingMs), attempts);
      if (options.signal?.aborted) throw new AiAbortedError(attempts);
      if (retry) throw new AiTimeoutError(options.deadlineMs ?? this.options.requestTimeoutMs, attempts);
      const waited = formatDuration(waitMs ?? 0);
      throw new AiTimeoutError(waitMs ?? 0, attempts, `No slot to call Claude freed up within ${waited} (${this.limiter.queueLength} calls waiting); the grading will be retried later`);
    }
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 500;
    const ceiling = Math.min(this.options.backoffMaxMs ?? 8_000, base * 2 ** (attempt - 1));
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  /** What a failed attempt means: the typed error to throw, whether to retry, and how long the API asked us to wait. */
  private classify(
    error: unknown,
    attempts: number,
    deadlineMs: number,
    callerSignal: AbortSignal | undefined,
  ): { error: AiError; retryable: boolean; throttled: boolean; retryAfterMs: number | null; status: number | null; requestId: string | null } {
    const plain = (mapped: AiError, retryable = false) => ({ error: mapped, retryable, throttled: false, retryAfterMs: null, status: null, requestId: null });
    if (callerSignal?.aborted) return plain(new AiAbortedError(attempts));
    if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) return plain(new AiTimeoutError(deadlineMs, attempts));
    if (error instanceof APIConnectionError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return plain(new AiRequestError(`Could not reach the Claude API at ${this.options.baseUrl ?? 'https://api.anthropic.com'}${cause}`, null, attempts), true);
    }
    if (!(error instanceof APIError) || error.status === undefined) {
      const text = error instanceof Error ? error.message : String(error);
      return plain(new AiRequestError(`The call to Claude failed: ${text}`, null, attempts));
    }

    const status = error.status;
    const requestId = error.requestID ?? null;
    const retryAfterMs = parseRetryAfter(error.headers);
    const shouldRetry = error.headers?.get('x-should-retry');
    const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : RETRYABLE_STATUSES.has(status);
    const throttled = status === 429 || status === 529;
    const detail = error.apiMessage ?? undefined;
    let mapped: AiError;
    if (status === 429) mapped = new RateLimitedError(retryAfterMs, attempts, requestId);
    else if (status === 529) mapped = new AiOverloadedError(attempts, requestId);
    else mapped = new AiRequestError(describeStatus(status, detail, this.model, attempts), status, attempts, requestId, error.type);
    return { error: mapped, retryable, throttled, retryAfterMs, status, requestId };
  }
}

function describeStatus(status: number, detail: string | undefined, model: string, attempts: number): string {
  const because = detail ? `: ${detail}` : '';
  switch (status) {
    case 400:
      return `Claude rejected the request as invalid (400)${because}`;
    case 401:
      return 'The Anthropic API key was rejected (401): check ANTHROPIC_API_KEY';
    case 402:
      return `The Anthropic account cannot be billed (402)${because}`;
    case 403:
      return `The Anthropic API key is not allowed to do this (403)${because}`;
    case 404:
      return `Not found at the Claude API (404): check ANTHROPIC_MODEL ("${model}") and ANTHROPIC_BASE_URL${because}`;
    case 413:
      return `The request is too large for Claude (413): the submission has too many or too large pages${because}`;
    default:
      return status >= 500
        ? `The Claude API failed with ${status} (${attempts} attempt${attempts === 1 ? '' : 's'})${because}`
        : `Claude refused the request (${status})${because}`;
  }
}

/** retry-after-ms (milliseconds), else retry-after (seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(headers: Headers | undefined): number | null {
  const ms = headers?.get('retry-after-ms');
  if (ms) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const retryAfter = headers?.get('retry-after');
  if (!retryAfter) return null;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export function toUsage(usage: Usage): ClaudeUsage {
  const cacheWriteTokens = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens,
    cacheWrite1hTokens: Math.min(cacheWriteTokens, usage.cache_creation?.ephemeral_1h_input_tokens ?? 0),
  };
}

function toBatch(batch: MessageBatch, requestId: string | null): ClaudeBatch {
  return {
    id: batch.id,
    status: batch.processing_status,
    counts: batch.request_counts,
    createdAt: batch.created_at,
    endedAt: batch.ended_at,
    expiresAt: batch.expires_at,
    resultsUrl: batch.results_url,
    requestId,
  };
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
