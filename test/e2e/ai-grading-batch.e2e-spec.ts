import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ClaudeClient } from '../../libs/ai/claude-client.js';
import { AnthropicFake, type FakeBatchOutcome } from '../fakes/anthropic-fake-server.js';
import { activeAssignment, createAiGradingApp, gradeReply, marker, mathGrade, scriptByMarker, submissionEvents, until, uploadMarkedEssay, waitForStatus } from '../factories/ai-grading.js';
import { gradeRow } from '../factories/grading.js';
import { signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

/**
 * "Grade all pending" through the Message Batches API: the batch id is stored, a job polls it, its
 * results are imported one by one, and the app restarts while Claude works on the batch. Succeeded
 * entries become proposals (one repaired), expired and retryable errors go to interactive grading,
 * a request Claude rejected puts its submission in error; nothing is lost or graded twice.
 */
describe('batch grading with the Message Batches API', () => {
  let fake: AnthropicFake;
  let first: (TestApp & { storageDir: string }) | undefined;
  let second: (TestApp & { storageDir: string }) | undefined;

  beforeAll(async () => {
    fake = await AnthropicFake.start();
    first = await createAiGradingApp(fake);
  });
  afterAll(async () => {
    await first?.close().catch(() => undefined);
    await second?.close();
    await fake?.stop();
  });

  it('imports succeeded, errored and expired entries after a restart, each submission graded or failed exactly once, with progress through the API', async () => {
    const t = first!;
    const teacher = await signIn(t);
    // A draft assignment: uploads wait as pending until the teacher grades them all at once.
    const setup = await activeAssignment(teacher, { activate: false });
    const refs = { ok1: marker(), ok2: marker(), repair: marker(), rejected: marker(), expired: marker(), overloaded: marker() };
    const outcomes: Record<string, FakeBatchOutcome> = {
      [refs.ok1]: { type: 'succeeded', reply: gradeReply() },
      [refs.ok2]: { type: 'succeeded', reply: gradeReply(mathGrade({ confidence: 0.61 })) },
      [refs.repair]: { type: 'succeeded', reply: gradeReply(mathGrade({ criteria: [{ criterion_id: 'crit_1', level: 1, score: 9, reasoning: 'x', evidence_quote: 'Answer: 1/2' }] })) },
      [refs.rejected]: { type: 'errored', errorType: 'invalid_request_error', message: 'messages.0.content.1.image: image exceeds 5 MB maximum' },
      [refs.expired]: { type: 'expired' },
      [refs.overloaded]: { type: 'errored', errorType: 'overloaded_error', message: 'Overloaded' },
    };
    fake.scriptBatches({
      processingMs: 4_000,
      outcomes: (entry) => Object.entries(outcomes).find(([ref]) => JSON.stringify(entry.params).includes(ref))?.[1],
    });
    // Interactive requests (the repair, and the work sent back from the batch) get a valid grade.
    scriptByMarker(fake, {}, gradeReply());
    const submissions: Record<string, Record<string, any>> = {};
    for (const [name, ref] of Object.entries(refs)) submissions[name] = await uploadMarkedEssay(teacher, setup.assignmentId, ref);

    const started = await teacher.post(`/api/assignments/${setup.assignmentId}/grade-pending`).send({ mode: 'batch' }).expect(202);
    expect(started.body).toEqual({ mode: 'batch', enqueued: 6, batchId: expect.any(String) });
    const batchId: string = started.body.batchId;
    for (const submission of Object.values(submissions)) expect((await waitForStatus(t.dataSource, submission.id, ['grading'])).status).toBe('grading');
    await until(async () => (await t.dataSource.query(`SELECT anthropic_batch_id FROM grading_batches WHERE id = $1`, [batchId]))[0].anthropic_batch_id !== null, 20_000, 'the batch submitted');
    const submitted = (await teacher.get(`/api/grading-batches/${batchId}`).expect(200)).body;
    expect(submitted).toMatchObject({ id: batchId, assignmentId: setup.assignmentId, status: 'in_progress', anthropicBatchId: expect.stringMatching(/^msgbatch_fake_/), total: 6, done: 0 });

    // Restart while Claude works on the batch.
    await t.close();
    first = undefined;
    second = await createAiGradingApp(fake, {}, t.storageDir);
    const asTeacher = (url: string) => request(second!.http).get(url).set('Cookie', teacher.cookie);
    await until(async () => (await asTeacher(`/api/grading-batches/${batchId}`)).body.status === 'completed', 60_000, 'the batch imported');

    const progress = (await asTeacher(`/api/grading-batches/${batchId}`).expect(200)).body;
    expect(progress).toMatchObject({ status: 'completed', total: 6, done: 6, graded: 2, repaired: 1, retried: 2, failed: 1, skipped: 0, api: { processing: 0, succeeded: 3, errored: 2, expired: 1, canceled: 0 } });
    expect((await asTeacher(`/api/assignments/${setup.assignmentId}/grading-batches`).expect(200)).body.map((batch: { id: string }) => batch.id)).toEqual([batchId]);

    for (const name of ['ok1', 'ok2', 'repair', 'expired', 'overloaded']) await waitForStatus(second.dataSource, submissions[name].id, ['graded']);
    const rejected = await waitForStatus(second.dataSource, submissions.rejected.id, ['error']);
    expect(rejected.error_message).toContain('Claude could not grade this work in the batch (invalid_request_error: messages.0.content.1.image: image exceeds 5 MB maximum)');

    // One batch was created; the repair and the two retried submissions went interactive.
    expect(fake.requests.filter((received) => received.method === 'POST' && received.path === '/v1/messages/batches')).toHaveLength(1);
    for (const name of ['ok1', 'ok2']) expect((await gradeRow(second.dataSource, submissions[name].id))!.ai_reasoning).toMatchObject({ via: 'batch', batchId, repaired: false });
    expect((await gradeRow(second.dataSource, submissions.repair.id))!.ai_reasoning).toMatchObject({ via: 'batch', repaired: true, calls: [{ via: 'batch' }, { via: 'interactive' }] });
    for (const name of ['expired', 'overloaded']) expect((await gradeRow(second.dataSource, submissions[name].id))!.ai_reasoning).toMatchObject({ via: 'interactive' });
    for (const [name, submission] of Object.entries(submissions)) {
      const events = await submissionEvents(second.dataSource, submission.id);
      expect([name, events.filter((event) => event.action === 'grade.create').length]).toEqual([name, name === 'rejected' ? 0 : 1]);
      expect([name, events.filter((event) => event.metadata.to === 'grading').length]).toEqual([name, 1]);
    }
    // Batch prices: half of the interactive price for the same usage.
    const ok = (await gradeRow(second.dataSource, submissions.ok1.id))!.ai_reasoning;
    const claude = second.app.get(ClaudeClient);
    expect(ok.costUsd).toBeGreaterThan(0);
    expect(ok.costUsd).toBe(claude.costOf(ok.model, ok.usage, { batch: true }));
    expect(claude.costOf(ok.model, ok.usage)).toBeCloseTo(ok.costUsd * 2, 8);
    const batchEvents = await second.dataSource.query(`SELECT action, metadata FROM activity_logs WHERE stream_id = $1 ORDER BY stream_version`, [batchId]);
    expect(batchEvents.map((event: { action: string }) => event.action)).toEqual(['grading_batch.create', 'grading_batch.submit', 'grading_batch.end']);
    expect(batchEvents[2].metadata).toMatchObject({ succeeded: 3, errored: 2, expired: 1, retried: 2, failed: 1 });
  }, 120_000);
});
