import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { SYSTEM_ACTOR } from '../../libs/event-store/event.js';
import { ChangeSubmissionStatusCommand } from '../../src/modules/grading/commands/change-submission-status.command.js';
import { activityLogCount } from '../factories/classes.js';
import { createGradingApp, gradingEvents, gradingSetup, mathScores, statsRow, submissionState, uploadEssay } from '../factories/grading.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

describe('submission status: pending → grading → graded → reviewed, or error and retry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createGradingApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const setStatus = (teacher: SignedInUser, submissionId: string, body: object) => teacher.post(`/api/submissions/${submissionId}/status`).send(body);
  const statusChanges = async (submissionId: string) => (await gradingEvents(t.dataSource, submissionId)).filter((event) => event.action === 'submission.status_change');

  it('marks pending work as failed with what went wrong, and retries it', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);
    const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
    const uploaded = await submissionState(t.dataSource, submission.id);

    const failed = await setStatus(teacher, submission.id, { status: 'error', message: '  Page 2 is missing from the scan ' }).expect(200);

    expect(failed.body).toEqual({ id: submission.id, assignmentId: setup.rubricAssignmentId, status: 'error', errorMessage: 'Page 2 is missing from the scan', version: uploaded.version + 1 });
    expect(await submissionState(t.dataSource, submission.id)).toMatchObject({ status: 'error', error_message: 'Page 2 is missing from the scan', version: uploaded.version + 1 });
    const [toError] = await statusChanges(submission.id);
    expect(toError).toMatchObject({
      eventType: 'SubmissionStatusChanged',
      streamId: submission.id,
      streamVersion: uploaded.version + 1,
      userId: teacher.id,
      metadata: { submissionId: submission.id, assignmentId: setup.rubricAssignmentId, classId: setup.classId, ownerId: teacher.id, from: 'pending', to: 'error' },
    });
    expect(JSON.stringify(toError.metadata)).not.toContain('missing');
    expect(await statsRow(t.dataSource, setup.rubricAssignmentId)).toMatchObject({ total_submissions: 1, pending_count: 0, error_count: 1 });

    const retried = await setStatus(teacher, submission.id, { status: 'pending' }).expect(200);

    expect(retried.body).toMatchObject({ status: 'pending', errorMessage: null, version: uploaded.version + 2 });
    expect(await submissionState(t.dataSource, submission.id)).toMatchObject({ status: 'pending', error_message: null });
    expect((await statusChanges(submission.id)).map((event) => [event.metadata.from, event.metadata.to])).toEqual([
      ['pending', 'error'],
      ['error', 'pending'],
    ]);
    expect(await statsRow(t.dataSource, setup.rubricAssignmentId)).toMatchObject({ pending_count: 1, error_count: 0 });
  });

  it('refuses illegal moves with a 409 naming from and to, and writes nothing', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);
    const pending = await uploadEssay(teacher, setup.rubricAssignmentId);
    const failed = await uploadEssay(teacher, setup.rubricAssignmentId);
    await setStatus(teacher, failed.id, { status: 'error', message: 'Unreadable' }).expect(200);
    const reviewed = await uploadEssay(teacher, setup.rubricAssignmentId);
    await teacher.put(`/api/submissions/${reviewed.id}/grade`).send({ criteriaScores: mathScores(5, 3) }).expect(200);
    const states = await Promise.all([pending, failed, reviewed].map((submission) => submissionState(t.dataSource, submission.id)));
    const events = await activityLogCount(t.dataSource, teacher.id);

    const cases: Array<[string, object, string]> = [
      [pending.id, { status: 'pending' }, 'A submission cannot go from pending to pending: from pending it can only go to grading or error'],
      [failed.id, { status: 'error', message: 'Still unreadable' }, 'A submission cannot go from error to error: from error it can only go to pending'],
      [reviewed.id, { status: 'error', message: 'Wrong student' }, 'A submission cannot go from reviewed to error: from reviewed it can only go to grading'],
      [reviewed.id, { status: 'pending' }, 'A submission cannot go from reviewed to pending: from reviewed it can only go to grading'],
    ];
    for (const [submissionId, body, message] of cases) {
      const response = await setStatus(teacher, submissionId, body).expect(409);
      expect(response.body).toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION', message });
    }

    expect(await Promise.all([pending, failed, reviewed].map((submission) => submissionState(t.dataSource, submission.id)))).toEqual(states);
    expect(await activityLogCount(t.dataSource, teacher.id)).toBe(events);
  });

  it('validates the request: only error (with a message) or pending', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);
    const submission = await uploadEssay(teacher, setup.rubricAssignmentId);

    const graded = await setStatus(teacher, submission.id, { status: 'graded' }).expect(400);
    expect(graded.body.details).toEqual([expect.objectContaining({ field: 'status' })]);
    const silent = await setStatus(teacher, submission.id, { status: 'error' }).expect(400);
    expect(silent.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'message' })]));
    const blank = await setStatus(teacher, submission.id, { status: 'error', message: '   ' }).expect(400);
    expect(blank.body.details).toEqual([{ field: 'message', message: 'message is required with status error' }]);
    const chatty = await setStatus(teacher, submission.id, { status: 'pending', message: 'why not' }).expect(400);
    expect(chatty.body.details).toEqual([{ field: 'message', message: 'message is only for status error' }]);
    await setStatus(teacher, submission.id, { status: 'error', message: 'x', reason: 'y' }).expect(400);
    expect(await submissionState(t.dataSource, submission.id)).toMatchObject({ status: 'pending' });
  });

  it('refuses a stale If-Match with 409', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);
    const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
    const state = await submissionState(t.dataSource, submission.id);

    const stale = await teacher.post(`/api/submissions/${submission.id}/status`).set('If-Match', String(state.version + 1)).send({ status: 'error', message: 'Blurry' }).expect(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH' });
    await teacher.post(`/api/submissions/${submission.id}/status`).set('If-Match', String(state.version)).send({ status: 'error', message: 'Blurry' }).expect(200);
  });

  it('lets a teacher grade failed work by hand: error → reviewed', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);
    const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
    await setStatus(teacher, submission.id, { status: 'error', message: 'The AI could not read it' }).expect(200);

    await teacher.put(`/api/submissions/${submission.id}/grade`).send({ criteriaScores: mathScores(3, 3) }).expect(200);

    expect(await submissionState(t.dataSource, submission.id)).toMatchObject({ status: 'reviewed', error_message: null });
    expect((await statusChanges(submission.id)).map((event) => event.metadata.to)).toEqual(['error', 'reviewed']);
  });

  it('runs the AI grader\'s moves through the same rules, as the system', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);
    const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
    const commands = t.app.get(CommandBus);

    await commands.execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, submission.id, 'grading'));
    await expect(commands.execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, submission.id, 'reviewed'))).rejects.toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION' });
    await commands.execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, submission.id, 'error', 'Claude timed out after 3 attempts'));

    expect(await submissionState(t.dataSource, submission.id)).toMatchObject({ status: 'error', error_message: 'Claude timed out after 3 attempts' });
    const changes = await statusChanges(submission.id);
    expect(changes.map((event) => [event.metadata.from, event.metadata.to, event.userId])).toEqual([
      ['pending', 'grading', null],
      ['grading', 'error', null],
    ]);
    const stats = await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/stats`).expect(200);
    expect(stats.body.byStatus).toEqual({ pending: 0, grading: 0, graded: 0, reviewed: 0, error: 1 });
  });

  it('keeps the teacher dashboard\'s submission counts per distinct submission, as the corrected seed view counts them', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher, ['Ava Lee', 'Ben Ortiz', 'Cai Wu']);
    const works = [];
    for (let i = 0; i < 3; i++) works.push(await uploadEssay(teacher, i < 2 ? setup.rubricAssignmentId : setup.answerKeyAssignmentId));

    /** The projected counts, the corrected view's and the seed view's original pending count (multiplied by the roster). */
    const counts = async () => {
      const dashboard = (await teacher.get('/api/dashboard').expect(200)).body;
      const [view] = await t.dataSource.query(`SELECT total_submissions::int AS total, pending_submissions::int AS pending FROM teacher_dashboard_view WHERE user_id = $1`, [teacher.id]);
      const [seed] = await t.dataSource.query(
        `SELECT COUNT(CASE WHEN sub.status = 'pending' THEN 1 END)::int AS pending
           FROM users u LEFT JOIN classes c ON u.id = c.user_id AND c.archived_at IS NULL LEFT JOIN students s ON c.id = s.class_id
           LEFT JOIN assignments a ON c.id = a.class_id LEFT JOIN submissions sub ON a.id = sub.assignment_id
          WHERE u.id = $1 GROUP BY u.id`,
        [teacher.id],
      );
      return { projected: { total: dashboard.totalSubmissions, pending: dashboard.pendingSubmissions }, view, seedPending: seed.pending };
    };

    expect(await counts()).toEqual({ projected: { total: 3, pending: 3 }, view: { total: 3, pending: 3 }, seedPending: 9 });

    await setStatus(teacher, works[0].id, { status: 'error', message: 'Torn page' }).expect(200);
    await teacher.put(`/api/submissions/${works[1].id}/grade`).send({ criteriaScores: mathScores(5, 2) }).expect(200);
    expect(await counts()).toMatchObject({ projected: { total: 3, pending: 1 }, view: { total: 3, pending: 1 } });

    await setStatus(teacher, works[0].id, { status: 'pending' }).expect(200);
    expect(await counts()).toMatchObject({ projected: { total: 3, pending: 2 }, view: { total: 3, pending: 2 } });

    await teacher.delete(`/api/classes/${setup.classId}`).expect(204);
    expect(await counts()).toMatchObject({ projected: { total: 0, pending: 0 }, view: { total: 0, pending: 0 } });
  });
});
