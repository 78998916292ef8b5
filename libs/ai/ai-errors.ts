import { DomainError } from '../errors/domain-error.js';

/**
 * Why a call to Claude failed, in words a teacher or an administrator can act on. `retryable`
 * tells a job whether trying again later can help; `attempts` how many HTTP requests were made.
 */
export abstract class AiError extends DomainError {
  abstract readonly retryable: boolean;
  constructor(
    code: string,
    message: string,
    readonly attempts: number,
    readonly requestId: string | null = null,
  ) {
    super('unavailable', code, message);
    this.name = new.target.name;
  }
}

/** No ANTHROPIC_API_KEY: AI grading is off and nothing is sent. */
export class AiDisabledError extends AiError {
  readonly retryable = false;
  constructor(reason: string) {
    super('AI_DISABLED', reason, 0);
  }
}

/** The call's deadline passed (a slow reply, or retries that did not fit in it). */
export class AiTimeoutError extends AiError {
  readonly retryable = true;
  constructor(
    readonly deadlineMs: number,
    attempts: number,
    message = `Claude did not answer within ${formatDuration(deadlineMs)} (${attempts} attempt${attempts === 1 ? '' : 's'}); the grading will be retried later`,
  ) {
    super('AI_TIMEOUT', message, attempts);
  }
}

/**
 * Claude's rate limit was reached. `retryAfterMs` is how long the API asked us to wait; when it is
 * longer than AI_MAX_RETRY_AFTER_MS (or than the call's deadline) the call fails at once instead
 * of holding a worker, and the job should be rescheduled after that wait.
 */
export class RateLimitedError extends AiError {
  readonly retryable = true;
  constructor(
    readonly retryAfterMs: number | null,
    attempts: number,
    requestId: string | null = null,
  ) {
    super(
      'AI_RATE_LIMITED',
      retryAfterMs === null
        ? `Claude's rate limit for this account was reached (${attempts} attempt${attempts === 1 ? '' : 's'}); the grading will be retried later`
        : `Claude's rate limit for this account was reached; it asked to wait ${formatDuration(retryAfterMs)}, so the grading will be retried after that`,
      attempts,
      requestId,
    );
  }
}

/** Claude is overloaded (HTTP 529) and stayed so through every retry. */
export class AiOverloadedError extends AiError {
  readonly retryable = true;
  constructor(attempts: number, requestId: string | null = null) {
    super('AI_OVERLOADED', `Claude is temporarily overloaded (${attempts} attempt${attempts === 1 ? '' : 's'}); the grading will be retried later`, attempts, requestId);
  }
}

/** Any other failure: the API refused the request (4xx), failed (5xx), or could not be reached (no status). */
export class AiRequestError extends AiError {
  readonly retryable: boolean;
  constructor(
    message: string,
    readonly status: number | null,
    attempts: number,
    requestId: string | null = null,
    /** The API's error type, e.g. invalid_request_error. */
    readonly apiErrorType: string | null = null,
  ) {
    super('AI_REQUEST_FAILED', message, attempts, requestId);
    this.retryable = status === null || status === 408 || status === 409 || status >= 500;
  }
}

/** The caller cancelled the call (its AbortSignal fired). */
export class AiAbortedError extends AiError {
  readonly retryable = true;
  constructor(attempts: number) {
    super('AI_ABORTED', 'The call to Claude was cancelled', attempts);
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6_000) / 10} min`;
}
