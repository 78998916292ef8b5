import { describe, expect, it } from '@jest/globals';
import { AdaptiveConcurrencyLimiter, type LimiterPermit, LimiterPausedError } from '../../libs/ai/concurrency-limiter.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('AdaptiveConcurrencyLimiter', () => {
  it('grants up to the limit at once and the rest in arrival order as permits are released', async () => {
    const limiter = new AdaptiveConcurrencyLimiter(2);
    const granted: number[] = [];
    const permits: LimiterPermit[] = [];
    for (let i = 0; i < 5; i += 1) {
      void limiter.acquire().then((permit) => {
        granted.push(i);
        permits.push(permit);
      });
    }
    await tick();
    expect(granted).toEqual([0, 1]);
    expect(limiter.snapshot()).toMatchObject({ inFlight: 2, queueLength: 3 });

    permits[0].release('success');
    await tick();
    permits[1].release('success');
    await tick();

    expect(granted).toEqual([0, 1, 2, 3]);
    expect(limiter.queueLength).toBe(1);
  });

  it('puts a retry at the front of the queue', async () => {
    const limiter = new AdaptiveConcurrencyLimiter(1);
    const first = await limiter.acquire();
    const order: string[] = [];
    void limiter.acquire().then((permit) => {
      order.push('new');
      permit.release('neutral');
    });
    void limiter.acquire({ front: true }).then((permit) => {
      order.push('retry');
      permit.release('neutral');
    });

    first.release('neutral');
    await tick();
    await tick();

    expect(order).toEqual(['retry', 'new']);
  });

  it('halves once for requests that were throttled together, and grows by one per run of successes', async () => {
    const limiter = new AdaptiveConcurrencyLimiter(8, { successesToGrow: 3 });
    const together = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);

    for (const permit of together) permit.release('throttled');
    expect(limiter.limit).toBe(4);

    (await limiter.acquire()).release('throttled');
    expect(limiter.limit).toBe(2);
    (await limiter.acquire()).release('throttled');
    (await limiter.acquire()).release('throttled');
    expect(limiter.limit).toBe(1);

    for (let i = 0; i < 6; i += 1) (await limiter.acquire()).release('success');
    expect(limiter.limit).toBe(3);
    for (let i = 0; i < 30; i += 1) (await limiter.acquire()).release('success');
    expect(limiter.limit).toBe(8);
  });

  it('holds everyone during a retry-after pause, and fails those unwilling to wait that long', async () => {
    const limiter = new AdaptiveConcurrencyLimiter(4);
    limiter.pause(120);
    const started = performance.now();

    await expect(limiter.acquire({ maxPauseMs: 50 })).rejects.toBeInstanceOf(LimiterPausedError);
    const permit = await limiter.acquire({ maxPauseMs: 1_000 });

    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    permit.release('success');
  });

  it('removes a waiter whose signal aborts', async () => {
    const limiter = new AdaptiveConcurrencyLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal });

    controller.abort(new Error('cancelled'));

    await expect(waiting).rejects.toThrow('cancelled');
    expect(limiter.queueLength).toBe(0);
    held.release('neutral');
    expect(limiter.inFlight).toBe(0);
  });
});
