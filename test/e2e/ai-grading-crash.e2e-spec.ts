import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AnthropicFake, reply } from '../fakes/anthropic-fake-server.js';
import { activeAssignment, createAiGradingApp, gradeReply, marker, requestText, scriptByMarker, submissionEvents, until, uploadMarkedEssay, waitForStatus } from '../factories/ai-grading.js';
import { gradeRow } from '../factories/grading.js';
import { printed, type ServerProcess, startEntry, stopServer } from '../factories/server-process.js';
import { signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';
import { testDatabaseUrl } from '../setup/test-database.js';

/**
 * A grading worker is killed (SIGKILL) while Claude is answering its job. The job comes back to
 * another worker once the dead one's heartbeat is missed, resumes its own claim, and completes
 * exactly once: one grade, one GradeRecorded, one move to grading and one to graded.
 */
describe('a grading worker killed in the middle of a job', () => {
  let fake: AnthropicFake;
  let t: TestApp & { storageDir: string };
  const workers: ServerProcess[] = [];

  beforeAll(async () => {
    fake = await AnthropicFake.start();
    // The HTTP app enqueues but leaves AI grading to the workers.
    t = await createAiGradingApp(fake, { AI_WORKER_IN_PROCESS: 'false' });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => stopServer(worker)));
    await t?.close();
    await fake?.stop();
  });

  it('completes the job exactly once after another worker takes it over', async () => {
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: testDatabaseUrl(),
      DB_POOL_MAX: '4',
      STORAGE_DIR: t.storageDir,
      UPLOAD_RENDER_THREADS: '0',
      ...fake.env,
      AI_REQUEST_TIMEOUT_MS: '60000',
    };
    const teacher = await signIn(t);
    const setup = await activeAssignment(teacher);
    const ref = marker();
    // The first answer takes a minute: the worker dies while it waits for it.
    scriptByMarker(fake, { [ref]: [reply.slow(60_000, gradeReply()), gradeReply()] });
    const submission = await uploadMarkedEssay(teacher, setup.assignmentId, ref);
    const requestsFor = () => fake.messageRequests.filter((request) => requestText(request).includes(ref));

    // `npm run worker` (src/worker.ts, from source) on the test database and the test's storage.
    const first = startEntry('src/worker.ts', env);
    workers.push(first);
    await printed(first, 'HandMark worker is running', 40_000);
    await until(() => requestsFor().length === 1, 20_000, 'the first worker calling Claude');
    expect((await waitForStatus(t.dataSource, submission.id, ['grading'])).status).toBe('grading');
    await stopServer(first);

    const second = startEntry('src/worker.ts', env);
    workers.push(second);
    await printed(second, 'HandMark worker is running', 40_000);
    await waitForStatus(t.dataSource, submission.id, ['graded'], 60_000);

    expect(requestsFor()).toHaveLength(2);
    const grade = await gradeRow(t.dataSource, submission.id);
    expect(grade).toMatchObject({ source: 'ai', total_score: '7.00', teacher_approved: false });
    const events = await submissionEvents(t.dataSource, submission.id);
    expect(events.map((event) => [event.action, event.metadata.to ?? null])).toEqual([
      ['submission.upload', null],
      ['submission.status_change', 'grading'],
      ['grade.create', null],
      ['submission.status_change', 'graded'],
    ]);
    const jobs = await t.dataSource.query(`SELECT state, retry_count FROM pgboss.job WHERE data->>'submissionId' = $1`, [submission.id]);
    // One job, completed: taken back from the dead worker (pg-boss counts the reclaim and the new claim).
    expect(jobs).toEqual([{ state: 'completed', retry_count: expect.any(Number) }]);
    expect(jobs[0].retry_count).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
