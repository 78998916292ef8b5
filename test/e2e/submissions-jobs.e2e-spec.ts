import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../libs/event-store/event.js';
import { UnitOfWork } from '../../libs/event-store/unit-of-work.js';
import { defineJob, JobQueue } from '../../libs/jobs/job-queue.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

/** libs/jobs: pg-boss jobs enqueued in the UnitOfWork transaction, retried after a failure. */
describe('the job queue (libs/jobs)', () => {
  let t: TestApp;
  let queue: JobQueue;
  const job = defineJob<{ n: number }>(`test.jobs.${randomUUID()}`);
  const calls: Array<{ n: number; attempt: number }> = [];

  beforeAll(async () => {
    t = await createTestApp();
    // A queue of its own beside the app's (its name is unique, so no other process takes its jobs).
    queue = new JobQueue(t.dataSource);
    queue.work(job, { batchSize: 4 }, async (data, context) => {
      calls.push({ n: data.n, attempt: context.retryCount + 1 });
      if (data.n < 0 && context.retryCount === 0) throw new Error('the first attempt fails');
    });
    await queue.onApplicationBootstrap();
  });
  afterAll(async () => {
    await queue?.onModuleDestroy();
    await t?.close();
  });

  const jobRows = () => t.dataSource.query(`SELECT data->>'n' AS n, state, retry_count FROM pgboss.job WHERE name = $1 ORDER BY (data->>'n')::int`, [job.name]);
  async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    for (const started = Date.now(); !(await condition()); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out; calls: ${JSON.stringify(calls)}, jobs: ${JSON.stringify(await jobRows())}`);
    }
  }

  it('enqueues jobs only when the transaction commits: a rolled-back command leaves no job', async () => {
    const uow = t.app.get(UnitOfWork);
    await expect(
      uow.run(SYSTEM_ACTOR, async (tx) => {
        await queue.sendMany(job, [{ n: 100 }], tx);
        throw new Error('the command fails after enqueueing');
      }),
    ).rejects.toThrow('the command fails after enqueueing');
    await uow.run(SYSTEM_ACTOR, (tx) => queue.sendMany(job, [{ n: 1 }, { n: 2 }], tx));
    await until(() => calls.length >= 2);
    await until(async () => (await jobRows()).every((row: { state: string }) => row.state === 'completed'));
    expect(await jobRows()).toEqual([
      { n: '1', state: 'completed', retry_count: 0 },
      { n: '2', state: 'completed', retry_count: 0 },
    ]);
    expect(calls.filter((call) => call.n === 100)).toEqual([]);
  });

  it('retries a failed job after its delay (polling catches retries, which send no notification)', async () => {
    await t.app.get(UnitOfWork).run(SYSTEM_ACTOR, (tx) => queue.send(job, { n: -1 }, tx));
    await until(() => calls.some((call) => call.n === -1 && call.attempt === 2));
    await until(async () => (await jobRows()).find((row: { n: string }) => row.n === '-1')?.state === 'completed');
    expect(calls.filter((call) => call.n === -1)).toEqual([
      { n: -1, attempt: 1 },
      { n: -1, attempt: 2 },
    ]);
  });
});
