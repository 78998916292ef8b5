/**
 * How many requests to Claude may be in flight, adapted to what the API accepts (AIMD): the limit
 * starts at the configured maximum, halves when the API answers 429 or 529, and grows by one after
 * a run of successes, up to the maximum again. Callers wait in FIFO order; a retry goes to the
 * front, since it has waited longest. A retry-after pauses every caller, not only the one that got it.
 */
export type PermitOutcome = 'success' | 'throttled' | 'neutral';

export interface LimiterPermit {
  /** Ends the request; `throttled` (429/529) halves the limit, `success` counts toward growing it. */
  release(outcome: PermitOutcome): void;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Skip the queue (a retry of a request that already waited). */
  front?: boolean;
  /** Fail with LimiterPausedError instead of waiting out a pause longer than this. */
  maxPauseMs?: number;
}

export interface LimiterSnapshot {
  limit: number;
  max: number;
  inFlight: number;
  queueLength: number;
  /** Milliseconds until a retry-after pause ends; 0 when not paused. */
  pausedForMs: number;
}

/** A pause (from a retry-after) is longer than the caller is willing to wait. */
export class LimiterPausedError extends Error {
  constructor(readonly remainingMs: number) {
    super(`Requests to Claude are paused for another ${Math.ceil(remainingMs)} ms`);
    this.name = 'LimiterPausedError';
  }
}

interface Waiter {
  grant: (permit: LimiterPermit) => void;
  fail: (error: unknown) => void;
  maxPauseMs: number;
}

export class AdaptiveConcurrencyLimiter {
  private current: number;
  private active = 0;
  private successes = 0;
  /** Bumped on every decrease: requests started before it do not halve the limit again. */
  private epoch = 0;
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly max: number,
    private readonly options: { successesToGrow?: number; now?: () => number } = {},
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`The concurrency limit must be a positive integer (got ${max})`);
    this.current = max;
  }

  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.active;
  }

  get queueLength(): number {
    return this.waiters.length;
  }

  get pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  snapshot(): LimiterSnapshot {
    return { limit: this.current, max: this.max, inFlight: this.active, queueLength: this.waiters.length, pausedForMs: this.pausedForMs };
  }

  acquire(options: AcquireOptions = {}): Promise<LimiterPermit> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const maxPauseMs = options.maxPauseMs ?? Number.POSITIVE_INFINITY;
    if (this.pausedForMs > maxPauseMs) return Promise.reject(new LimiterPausedError(this.pausedForMs));
    if (this.waiters.length === 0 && this.canStart()) return Promise.resolve(this.start());

    return new Promise<LimiterPermit>((resolve, reject) => {
      const onAbort = () => {
        this.remove(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (permit) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(permit);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        maxPauseMs,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.front) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
      this.drain();
    });
  }

  /** Holds every new request for `ms` (a retry-after); waiters unwilling to wait that long fail now. */
  pause(ms: number): void {
    const until = this.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    for (const waiter of [...this.waiters]) {
      if (ms > waiter.maxPauseMs) {
        this.remove(waiter);
        waiter.fail(new LimiterPausedError(ms));
      }
    }
    this.schedule();
  }

  private canStart(): boolean {
    return this.active < this.current && this.pausedForMs === 0;
  }

  private start(): LimiterPermit {
    this.active += 1;
    const epoch = this.epoch;
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.active -= 1;
        this.record(outcome, epoch);
        this.drain();
      },
    };
  }

  private record(outcome: PermitOutcome, epoch: number): void {
    if (outcome === 'throttled') {
      if (epoch !== this.epoch) return;
      this.current = Math.max(1, Math.floor(this.current / 2));
      this.epoch += 1;
      this.successes = 0;
    } else if (outcome === 'success') {
      this.successes += 1;
      if (this.successes >= (this.options.successesToGrow ?? 5) && this.current < this.max) {
        this.current += 1;
        this.successes = 0;
      }
    }
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.canStart()) this.waiters.shift()!.grant(this.start());
    if (this.waiters.length > 0) this.schedule();
  }

  private schedule(): void {
    if (this.pauseTimer || this.pausedForMs === 0) return;
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      this.drain();
    }, this.pausedForMs);
    this.pauseTimer.unref();
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
