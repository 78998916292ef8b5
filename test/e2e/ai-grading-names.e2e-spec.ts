import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AnthropicFake, reply } from '../fakes/anthropic-fake-server.js';
import { activeAssignment, createAiGradingApp, submissionEvents, until } from '../factories/ai-grading.js';
import { buildPdf } from '../factories/pdf.js';
import { uploadStack } from '../factories/submissions.js';
import { signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

const NAME_TOOL = 'record_student_name';

/**
 * A whole-class stack uploaded without a student order: Claude reads the name on each student's
 * first page and HandMark matches it against the roster (SubmissionMatched, method ai), keeps
 * ambiguous names in the matching queue with their candidates, and leaves unreadable ones unmatched.
 */
describe('reading student names on a class stack with Claude', () => {
  let fake: AnthropicFake;
  let t: TestApp;

  beforeAll(async () => {
    fake = await AnthropicFake.start();
    t = await createAiGradingApp(fake);
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  async function stackOfOne(teacher: Awaited<ReturnType<typeof signIn>>, assignmentId: string, read: { name: string; confidence: number }): Promise<Record<string, any>> {
    fake.respondWith((request) => reply.toolUse(NAME_TOOL, (request.body?.tool_choice as { name?: string })?.name === NAME_TOOL ? read : {}));
    const pdf = await buildPdf([{ text: `Name: ${read.name} ${Math.random()}` }, { text: 'page 2' }]);
    const uploaded = await uploadStack(teacher, assignmentId, pdf, { pagesPerStudent: '2' }).expect(201);
    const [submission] = uploaded.body.submissions;
    expect(submission.match.status).toBe('unmatched');
    await until(async () => fake.messageRequests.length >= 1, 20_000, 'the name request');
    await until(async () => {
      const [row] = await t.dataSource.query(`SELECT match_status, student_name FROM submissions WHERE id = $1`, [submission.id]);
      return row.match_status !== 'unmatched' || row.student_name !== null;
    }, 20_000, 'the name read');
    fake.reset();
    return (await teacher.get(`/api/submissions/${submission.id}`).expect(200)).body;
  }

  it('matches a readable name, keeps an ambiguous one in the queue with candidates, and only hints at an unsure one', async () => {
    const teacher = await signIn(t);
    // A draft assignment: only the names are read, nothing is graded yet.
    const setup = await activeAssignment(teacher, { activate: false, students: ['Ava Lee', 'Sam Park', 'Sam Park', 'Ben Ortiz'] });
    const [ava, sam1, sam2] = setup.students;

    const matched = await stackOfOne(teacher, setup.assignmentId, { name: 'ava lee', confidence: 0.93 });
    expect(matched).toMatchObject({ studentId: ava.id, studentName: 'Ava Lee', match: { status: 'matched', method: 'ai', candidates: [] } });
    const events = await submissionEvents(t.dataSource, matched.id);
    expect(events.find((event) => event.action === 'submission.match')!.metadata).toMatchObject({ studentId: ava.id, previousStudentId: null, method: 'ai' });
    expect(JSON.stringify(events.map((event) => event.metadata))).not.toContain('Ava');

    const ambiguous = await stackOfOne(teacher, setup.assignmentId, { name: 'Sam Park', confidence: 0.9 });
    expect(ambiguous).toMatchObject({ studentId: null, studentName: 'Sam Park', match: { status: 'ambiguous', method: null } });
    expect(ambiguous.match.candidates.map((candidate: { studentId: string }) => candidate.studentId).sort()).toEqual([sam1.id, sam2.id].sort());
    const queue = await teacher.get(`/api/assignments/${setup.assignmentId}/unmatched`).expect(200);
    expect(queue.body.items.map((item: { id: string }) => item.id)).toContain(ambiguous.id);

    const unsure = await stackOfOne(teacher, setup.assignmentId, { name: 'Ben Ortiz', confidence: 0.3 });
    expect(unsure).toMatchObject({ studentId: null, studentName: 'Ben Ortiz', match: { status: 'unmatched' } });
    expect((await submissionEvents(t.dataSource, unsure.id)).filter((event) => event.action === 'submission.match')).toEqual([]);
  }, 90_000);
});
