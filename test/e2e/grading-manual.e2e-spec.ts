import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../libs/event-store/event.js';
import { ChangeSubmissionStatusCommand } from '../../src/modules/grading/commands/change-submission-status.command.js';
import { moveTo } from '../factories/assignments.js';
import { activityLogCount } from '../factories/classes.js';
import { createGradingApp, gradeRow, gradingEvents, gradingSetup, mathScores, proposeGrade, statsRow, submissionState, uploadEssay } from '../factories/grading.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

const MATH_VERSION_ID = '5eed0000-0000-4000-9000-000000000001';

describe('manual grading and approval', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createGradingApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const grade = (teacher: SignedInUser, submissionId: string, body: object, ifMatch?: string) => {
    const test = teacher.put(`/api/submissions/${submissionId}/grade`);
    return (ifMatch === undefined ? test : test.set('If-Match', ifMatch)).send(body);
  };

  /** The events recorded since the upload (the upload's own events are the submissions module's). */
  async function eventsAfterUpload(submissionId: string) {
    return (await gradingEvents(t.dataSource, submissionId)).filter((event) => !['submission.upload', 'submission.match'].includes(event.action));
  }

  describe('PUT /api/submissions/:id/grade in rubric mode', () => {
    it('records GradeRecorded, moves the submission to reviewed and updates the assignment stats', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher, ['Ava Lee']);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId, { studentId: setup.students[0].id });
      expect(submission).toMatchObject({ status: 'pending', studentId: setup.students[0].id });
      const before = await submissionState(t.dataSource, submission.id);

      const response = await grade(teacher, submission.id, {
        criteriaScores: [
          { criterionId: 'crit_2', score: 2, reasoning: 'Skipped the check step' },
          { criterionId: 'crit_1', score: 3 },
        ],
        feedbackText: 'Nearly there: recheck your subtraction.',
      }).expect(200);

      expect(response.headers.etag).toBe('"1"');
      expect(response.body).toEqual({
        id: expect.any(String),
        submissionId: submission.id,
        totalScore: 5,
        maxScore: 8,
        percentage: 62.5,
        criteriaScores: [
          { criterionId: 'crit_1', criterionName: 'Correct Answer', score: 3, maxScore: 5, reasoning: null, evidence: null },
          { criterionId: 'crit_2', criterionName: 'Shows Work', score: 2, maxScore: 3, reasoning: 'Skipped the check step', evidence: null },
        ],
        answers: null,
        feedbackText: 'Nearly there: recheck your subtraction.',
        teacherNotes: null,
        source: 'teacher',
        aiConfidence: null,
        aiModel: null,
        transcription: null,
        flags: [],
        teacherApproved: true,
        teacherModified: false,
        rubricVersionId: MATH_VERSION_ID,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const gradeId = response.body.id;

      const events = await eventsAfterUpload(submission.id);
      expect(events.map((event) => [event.action, event.eventType, event.streamId, event.streamVersion])).toEqual([
        ['grade.create', 'GradeRecorded', gradeId, 1],
        ['submission.status_change', 'SubmissionStatusChanged', submission.id, before.version + 1],
      ]);
      expect(events[0].metadata).toEqual({
        gradeId,
        submissionId: submission.id,
        assignmentId: setup.rubricAssignmentId,
        classId: setup.classId,
        ownerId: teacher.id,
        source: 'teacher',
        mode: 'rubric',
        rubricVersionId: MATH_VERSION_ID,
        teacherApproved: true,
        aiConfidence: null,
        aiModel: null,
        flags: [],
        totalScore: 5,
        maxScore: 8,
        percentage: 62.5,
        criteria: [
          { criterionId: 'crit_1', score: 3, maxScore: 5 },
          { criterionId: 'crit_2', score: 2, maxScore: 3 },
        ],
      });
      expect(events[1].metadata).toEqual({ submissionId: submission.id, assignmentId: setup.rubricAssignmentId, classId: setup.classId, ownerId: teacher.id, from: 'pending', to: 'reviewed' });
      expect(events.every((event) => event.userId === teacher.id)).toBe(true);
      const logged = JSON.stringify(events.map((event) => event.metadata));
      expect(logged).not.toContain('subtraction');
      expect(logged).not.toContain('Skipped');

      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({
        id: gradeId,
        total_score: '5.00',
        max_score: '8.00',
        percentage: '62.50',
        source: 'teacher',
        ai_model: null,
        ai_confidence: null,
        teacher_approved: true,
        teacher_modified: false,
        approved_by: teacher.id,
        approved_at: expect.any(Date),
        rubric_version_id: MATH_VERSION_ID,
        answers: null,
        version: 1,
      });
      expect(await submissionState(t.dataSource, submission.id)).toMatchObject({ status: 'reviewed', version: before.version + 1, graded_at: expect.any(Date), reviewed_at: expect.any(Date) });

      const stats = await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/stats`).expect(200);
      expect(stats.body).toMatchObject({
        totalSubmissions: 1,
        gradedCount: 0,
        pendingCount: 0,
        byStatus: { pending: 0, grading: 0, graded: 0, reviewed: 1, error: 0 },
        gradeCount: 1,
        meanPercentage: 62.5,
        medianPercentage: 62.5,
        criteria: [
          { criterionId: 'crit_1', criterionName: 'Correct Answer', count: 1, meanScore: 3, maxScore: 5, meanFraction: 0.6 },
          { criterionId: 'crit_2', criterionName: 'Shows Work', count: 1, meanScore: 2, maxScore: 3, meanFraction: 0.6667 },
        ],
      });
      expect(stats.body.histogram[6]).toEqual({ from: 60, to: 70, count: 1 });

      const fetched = await teacher.get(`/api/submissions/${submission.id}/grade`).expect(200);
      expect(fetched.body).toEqual(response.body);
      expect(fetched.headers.etag).toBe('"1"');
    });

    it('records GradeEdited with the scores before and after when the teacher changes the grade', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      const first = await grade(teacher, submission.id, { criteriaScores: mathScores(3, 2), feedbackText: 'Good start' }).expect(200);
      const reviewed = await submissionState(t.dataSource, submission.id);

      const response = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 2), teacherNotes: 'Regraded after the retest' }, '1').expect(200);

      expect(response.headers.etag).toBe('"2"');
      expect(response.body).toMatchObject({ id: first.body.id, totalScore: 7, percentage: 87.5, version: 2, teacherModified: true, teacherApproved: true, feedbackText: 'Good start', teacherNotes: 'Regraded after the retest' });
      const events = (await eventsAfterUpload(submission.id)).slice(2);
      expect(events.map((event) => [event.action, event.streamId, event.streamVersion])).toEqual([['grade.edit', first.body.id, 2]]);
      expect(events[0].metadata).toMatchObject({
        gradeId: first.body.id,
        source: 'teacher',
        changed: ['criteriaScores', 'teacherNotes'],
        before: { totalScore: 5, maxScore: 8, percentage: 62.5, criteria: [{ criterionId: 'crit_1', score: 3, maxScore: 5 }, { criterionId: 'crit_2', score: 2, maxScore: 3 }] },
        after: { totalScore: 7, maxScore: 8, percentage: 87.5, criteria: [{ criterionId: 'crit_1', score: 5, maxScore: 5 }, { criterionId: 'crit_2', score: 2, maxScore: 3 }] },
        teacherModified: true,
      });
      expect(JSON.stringify(events[0].metadata)).not.toContain('Regraded');
      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({ total_score: '7.00', percentage: '87.50', teacher_modified: true, version: 2 });
      expect(await submissionState(t.dataSource, submission.id)).toEqual(reviewed);
      expect(await statsRow(t.dataSource, setup.rubricAssignmentId)).toMatchObject({ grade_count: 1, mean_percentage: '87.50', median_percentage: '87.500' });
    });

    it('changes nothing when the same grade is saved again', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      const first = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3), feedbackText: 'Excellent' }).expect(200);
      const eventCount = (await gradingEvents(t.dataSource, submission.id)).length;

      const again = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }).expect(200);

      expect(again.body).toEqual(first.body);
      expect(await gradingEvents(t.dataSource, submission.id)).toHaveLength(eventCount);
    });

    it.each([
      ['an unknown criterion', [...mathScores(5, 3), { criterionId: 'crit_9', score: 1 }], 'criteriaScores[2].criterionId', '"crit_9" is not a criterion of this rubric'],
      ['a missing criterion', [{ criterionId: 'crit_1', score: 5 }], 'criteriaScores', 'criterion crit_2 (Shows Work) is missing'],
      ['a score above the maximum', [{ criterionId: 'crit_1', score: 6 }, { criterionId: 'crit_2', score: 3 }], 'criteriaScores[0].score', 'criterion crit_1 (Correct Answer): 6 is above its maximum of 5'],
      ['a score between levels', [{ criterionId: 'crit_1', score: 4 }, { criterionId: 'crit_2', score: 3 }], 'criteriaScores[0].score', 'criterion crit_1 (Correct Answer): 4 is not on one of its levels; allowed scores are 5, 3, 0'],
    ])('refuses %s with a 400 naming the criterion and writes nothing', async (_, criteriaScores, field, message) => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      const state = await submissionState(t.dataSource, submission.id);
      const events = await activityLogCount(t.dataSource, teacher.id);

      const response = await grade(teacher, submission.id, { criteriaScores }).expect(400);

      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining(message) });
      expect(response.body.details).toEqual(expect.arrayContaining([{ field, message: expect.stringContaining(message) }]));
      expect(await gradeRow(t.dataSource, submission.id)).toBeUndefined();
      expect(await submissionState(t.dataSource, submission.id)).toEqual(state);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(events);
    });

    it('refuses malformed bodies and the other mode\'s fields with a 400 naming the field', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);

      const notANumber = await grade(teacher, submission.id, { criteriaScores: [{ criterionId: 'crit_1', score: 'five' }] }).expect(400);
      expect(notANumber.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'criteriaScores[0].score' })]));
      const unknownField = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3), totalScore: 8 }).expect(400);
      expect(unknownField.body.details).toEqual([expect.objectContaining({ field: 'totalScore' })]);
      const wrongMode = await grade(teacher, submission.id, { answers: ['42'] }).expect(400);
      expect(wrongMode.body).toMatchObject({ code: 'WRONG_GRADING_MODE', message: expect.stringContaining('graded with a rubric') });
      expect(await gradeRow(t.dataSource, submission.id)).toBeUndefined();
    });
  });

  describe('PUT /api/submissions/:id/grade in answer-key mode', () => {
    it('scores typed answers against the key, applies per-question overrides, and keeps the answers out of the events', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.answerKeyAssignmentId);

      const response = await grade(teacher, submission.id, { answers: [' 42 ', 'no', 'photosynthesis.'], questionScores: [{ question: 2, score: 2.5 }] }).expect(200);

      expect(response.body).toMatchObject({
        totalScore: 12.5,
        maxScore: 15,
        percentage: 83.33,
        criteriaScores: null,
        rubricVersionId: null,
        answers: [
          { question: 1, given: ' 42 ', expected: '42', correct: true, points: 5, maxPoints: 5, overridden: false },
          { question: 2, given: 'no', expected: 'Yes', correct: false, points: 2.5, maxPoints: 5, overridden: true },
          { question: 3, given: 'photosynthesis.', expected: 'Photosynthesis', correct: true, points: 5, maxPoints: 5, overridden: false },
        ],
      });
      const [recorded] = await eventsAfterUpload(submission.id);
      expect(recorded.metadata).toMatchObject({
        mode: 'answer_key',
        rubricVersionId: null,
        totalScore: 12.5,
        maxScore: 15,
        percentage: 83.33,
        criteria: [
          { criterionId: 'Q1', score: 5, maxScore: 5 },
          { criterionId: 'Q2', score: 2.5, maxScore: 5 },
          { criterionId: 'Q3', score: 5, maxScore: 5 },
        ],
      });
      expect(JSON.stringify(recorded.metadata).toLowerCase()).not.toContain('photosynthesis');
      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({ percentage: '83.33', criteria_scores: null, rubric_version_id: null });

      const refused = await grade(teacher, submission.id, { answers: ['1', '2', '3', '4'] }).expect(400);
      expect(refused.body.details).toEqual([{ field: 'answers', message: 'the answer key has 3 questions but 4 answers were sent' }]);
      const rubricScores = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }).expect(400);
      expect(rubricScores.body.code).toBe('WRONG_GRADING_MODE');
    });
  });

  describe('concurrency', () => {
    it('refuses a stale If-Match with 409 and keeps the grade', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      const noGradeYet = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }, '1').expect(409);
      expect(noGradeYet.body).toMatchObject({ code: 'VERSION_MISMATCH', message: expect.stringContaining('no grade yet') });
      await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }).expect(200);
      await grade(teacher, submission.id, { criteriaScores: mathScores(3, 3) }, '1').expect(200);
      const eventCount = (await gradingEvents(t.dataSource, submission.id)).length;

      const stale = await grade(teacher, submission.id, { criteriaScores: mathScores(0, 0) }, '"1"').expect(409);

      expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', message: expect.stringContaining('at version 2, not 1') });
      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({ total_score: '6.00', version: 2 });
      expect(await gradingEvents(t.dataSource, submission.id)).toHaveLength(eventCount);
    });

    it('lets exactly one of two concurrent edits of the same version through', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      await grade(teacher, submission.id, { criteriaScores: mathScores(3, 2) }).expect(200);

      const responses = await Promise.all([
        grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }, '1'),
        grade(teacher, submission.id, { criteriaScores: mathScores(0, 0) }, '1'),
      ]);

      expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
      const winner = responses.find((response) => response.status === 200)!;
      const row = await gradeRow(t.dataSource, submission.id);
      expect(row).toMatchObject({ version: 2, total_score: `${winner.body.totalScore}.00` });
      const edits = (await gradingEvents(t.dataSource, submission.id)).filter((event) => event.action === 'grade.edit');
      expect(edits).toHaveLength(1);
      expect(edits[0].metadata.after.totalScore).toBe(winner.body.totalScore);
      expect(await statsRow(t.dataSource, setup.rubricAssignmentId)).toMatchObject({ grade_count: 1, mean_percentage: row!.percentage });
    });
  });

  describe('lists, refusals and archived work', () => {
    it('lists an assignment\'s grades page by page and by approval', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submissions = [await uploadEssay(teacher, setup.rubricAssignmentId), await uploadEssay(teacher, setup.rubricAssignmentId), await uploadEssay(teacher, setup.rubricAssignmentId)];
      for (const submission of submissions.slice(0, 2)) await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }).expect(200);
      const proposal = await proposeGrade(t, submissions[2].id, { criteriaScores: mathScores(3, 2) });

      const first = await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/grades?pageSize=2`).expect(200);
      const second = await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/grades?pageSize=2&page=2`).expect(200);
      const unapproved = await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/grades?teacherApproved=false`).expect(200);

      expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
      expect([...first.body.items, ...second.body.items].map((item: { submissionId: string }) => item.submissionId)).toEqual(submissions.map((submission) => submission.id));
      expect(unapproved.body).toMatchObject({ total: 1, items: [{ id: proposal.id, source: 'ai', teacherApproved: false, aiConfidence: 0.86, percentage: 62.5 }] });
      await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/grades?teacherApproved=maybe`).expect(400);
      const none = await teacher.get(`/api/submissions/${(await uploadEssay(teacher, setup.rubricAssignmentId)).id}/grade`).expect(404);
      expect(none.body.message).toBe('Grade not found');
    });

    it('refuses to grade work the AI grader is busy with', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      await t.app.get(CommandBus).execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, submission.id, 'grading'));

      const response = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }).expect(409);

      expect(response.body).toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION', message: expect.stringContaining('from grading to reviewed') });
      expect(await gradeRow(t.dataSource, submission.id)).toBeUndefined();
    });

    it('keeps the grades of an archived assignment as they are', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      await grade(teacher, submission.id, { criteriaScores: mathScores(3, 3) }).expect(200);
      await moveTo(teacher, setup.rubricAssignmentId, 'archived');

      const response = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }).expect(409);

      expect(response.body.code).toBe('ASSIGNMENT_ARCHIVED');
      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({ total_score: '6.00', version: 1 });
      await teacher.get(`/api/submissions/${submission.id}/grade`).expect(200);
    });
  });

  describe('approving AI proposals', () => {
    it('approves a proposal: GradeApproved, and the submission moves graded → reviewed', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      const proposal = await proposeGrade(t, submission.id, { criteriaScores: mathScores(3, 2) }, { flags: ['illegible'] });
      expect(proposal).toMatchObject({ source: 'ai', teacherApproved: false, aiConfidence: 0.86, flags: ['illegible'], version: 1 });
      const graded = await submissionState(t.dataSource, submission.id);
      expect(graded).toMatchObject({ status: 'graded', graded_at: expect.any(Date) });
      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({ ai_model: 'claude-sonnet-4-5', ai_reasoning: { transcription: 'x = 42', inputTokens: 1200, outputTokens: 310 }, approved_at: null });

      const response = await teacher.post(`/api/grades/${proposal.id}/approve`).set('If-Match', '1').expect(200);

      expect(response.headers.etag).toBe('"2"');
      expect(response.body).toMatchObject({ id: proposal.id, source: 'ai', teacherApproved: true, teacherModified: false, version: 2, totalScore: 5 });
      const events = (await eventsAfterUpload(submission.id)).slice(-2);
      expect(events.map((event) => [event.action, event.streamId])).toEqual([
        ['grade.approve', proposal.id],
        ['submission.status_change', submission.id],
      ]);
      expect(events[0].metadata).toEqual({ gradeId: proposal.id, submissionId: submission.id, assignmentId: setup.rubricAssignmentId, classId: setup.classId, ownerId: teacher.id, source: 'ai', percentage: 62.5, teacherModified: false });
      expect(events[1].metadata).toMatchObject({ from: 'graded', to: 'reviewed' });
      expect(events.every((event) => event.userId === teacher.id)).toBe(true);
      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({ teacher_approved: true, approved_by: teacher.id, approved_at: expect.any(Date), version: 2 });
      expect(await submissionState(t.dataSource, submission.id)).toMatchObject({ status: 'reviewed', version: graded.version + 1 });

      const count = (await gradingEvents(t.dataSource, submission.id)).length;
      const again = await teacher.post(`/api/grades/${proposal.id}/approve`).expect(200);
      expect(again.body.version).toBe(2);
      expect(await gradingEvents(t.dataSource, submission.id)).toHaveLength(count);
      const stale = await teacher.post(`/api/grades/${proposal.id}/approve`).set('If-Match', '1').expect(409);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
    });

    it('records the teacher\'s change of a proposal with before and after, and approves it with the same save', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      const proposal = await proposeGrade(t, submission.id, { criteriaScores: mathScores(3, 2) });

      const response = await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3) }, '1').expect(200);

      expect(response.body).toMatchObject({ id: proposal.id, source: 'ai', aiConfidence: 0.86, totalScore: 8, teacherApproved: true, teacherModified: true, version: 3, feedbackText: 'Check step 3 again.' });
      const events = (await eventsAfterUpload(submission.id)).slice(-3);
      expect(events.map((event) => [event.action, event.streamVersion])).toEqual([
        ['grade.edit', 2],
        ['grade.approve', 3],
        ['submission.status_change', expect.any(Number)],
      ]);
      expect(events[0].metadata).toMatchObject({ source: 'teacher', changed: ['criteriaScores'], before: { totalScore: 5 }, after: { totalScore: 8 }, teacherApproved: true });
      expect(events[1].metadata).toMatchObject({ percentage: 100, teacherModified: true });
      expect(events[2].metadata).toMatchObject({ from: 'graded', to: 'reviewed' });
    });

    it('approves several proposals at once, all or nothing', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const works = [];
      for (let i = 0; i < 4; i++) works.push(await uploadEssay(teacher, setup.rubricAssignmentId));
      const proposals = [];
      for (const work of works.slice(0, 3)) proposals.push(await proposeGrade(t, work.id, { criteriaScores: mathScores(3, 3) }));
      const own = (await grade(teacher, works[3].id, { criteriaScores: mathScores(5, 3) }).expect(200)).body;

      const response = await teacher
        .post(`/api/assignments/${setup.rubricAssignmentId}/grades/approve`)
        .send({ gradeIds: [proposals[1].id, own.id, proposals[0].id] })
        .expect(200);

      expect(response.body).toEqual({ approved: [proposals[1].id, proposals[0].id], alreadyApproved: [own.id] });
      for (const proposal of proposals.slice(0, 2)) {
        const events = (await gradingEvents(t.dataSource, proposal.submissionId)).slice(-2);
        expect(events.map((event) => event.action)).toEqual(['grade.approve', 'submission.status_change']);
      }
      expect((await submissionState(t.dataSource, works[0].id)).status).toBe('reviewed');

      // One grade of another assignment (or nobody's) refuses the whole request.
      const elsewhere = await uploadEssay(teacher, setup.answerKeyAssignmentId);
      const foreign = (await grade(teacher, elsewhere.id, { answers: ['42', 'yes', 'x'] }).expect(200)).body;
      const refused = await teacher.post(`/api/assignments/${setup.rubricAssignmentId}/grades/approve`).send({ gradeIds: [proposals[2].id, foreign.id] }).expect(404);
      expect(refused.body.details).toEqual([{ field: 'gradeIds[1]', message: `${foreign.id} is not a grade of this assignment` }]);

      // A proposal whose work went back to the AI grader cannot be approved, and neither can the rest.
      const regrading = await proposeGrade(t, works[3].id, { criteriaScores: mathScores(0, 0) });
      await t.app.get(CommandBus).execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, works[3].id, 'grading'));
      const blocked = await teacher.post(`/api/assignments/${setup.rubricAssignmentId}/grades/approve`).send({ gradeIds: [proposals[2].id, regrading.id] }).expect(409);
      expect(blocked.body).toMatchObject({ code: 'ILLEGAL_STATUS_TRANSITION', details: [{ field: 'gradeIds[1]', message: 'its submission is grading and cannot go from grading to reviewed' }] });
      expect(await gradeRow(t.dataSource, works[2].id)).toMatchObject({ teacher_approved: false, version: 1 });
      await teacher.post(`/api/assignments/${setup.rubricAssignmentId}/grades/approve`).send({ gradeIds: [] }).expect(400);
    });

    it('lets the AI grader regrade reviewed work, recording before and after, unapproved again', async () => {
      const teacher = await signIn(t);
      const setup = await gradingSetup(teacher);
      const submission = await uploadEssay(teacher, setup.rubricAssignmentId);
      const own = (await grade(teacher, submission.id, { criteriaScores: mathScores(5, 3), teacherNotes: 'Keep' }).expect(200)).body;

      const regraded = await proposeGrade(t, submission.id, { criteriaScores: mathScores(3, 2) });

      expect(regraded).toMatchObject({ id: own.id, source: 'ai', teacherApproved: false, teacherModified: false, totalScore: 5, version: 2, teacherNotes: 'Keep' });
      const events = (await eventsAfterUpload(submission.id)).slice(-3);
      expect(events.map((event) => [event.action, event.metadata.from ?? null, event.metadata.to ?? null])).toEqual([
        ['submission.status_change', 'reviewed', 'grading'],
        ['grade.edit', null, null],
        ['submission.status_change', 'grading', 'graded'],
      ]);
      expect(events[1].metadata).toMatchObject({ source: 'ai', before: { totalScore: 8 }, after: { totalScore: 5 }, teacherApproved: false });
      expect(events[1].userId).toBeNull();
      expect(await gradeRow(t.dataSource, submission.id)).toMatchObject({ approved_at: null, approved_by: null, source: 'ai' });
    });
  });

  describe('isolation', () => {
    it('answers 404 to another teacher on every grading endpoint and changes nothing', async () => {
      const owner = await signIn(t);
      const setup = await gradingSetup(owner, ['Ava Lee']);
      const graded = await uploadEssay(owner, setup.rubricAssignmentId);
      const own = (await grade(owner, graded.id, { criteriaScores: mathScores(5, 3) }).expect(200)).body;
      const proposed = await uploadEssay(owner, setup.rubricAssignmentId);
      const proposal = await proposeGrade(t, proposed.id, { criteriaScores: mathScores(3, 2) });
      const pending = await uploadEssay(owner, setup.rubricAssignmentId);
      const other = await signIn(t);
      const otherSetup = await gradingSetup(other);
      const snapshot = async () => ({
        grades: await Promise.all([graded.id, proposed.id, pending.id].map((id) => gradeRow(t.dataSource, id))),
        submissions: await Promise.all([graded.id, proposed.id, pending.id].map((id) => submissionState(t.dataSource, id))),
        stats: await statsRow(t.dataSource, setup.rubricAssignmentId),
      });
      const before = await snapshot();
      const otherEvents = await activityLogCount(t.dataSource, other.id);

      const attempts: Array<[string, Promise<request.Response>]> = [
        ['PUT grade', other.put(`/api/submissions/${graded.id}/grade`).send({ criteriaScores: mathScores(0, 0) })],
        ['PUT grade (new)', other.put(`/api/submissions/${pending.id}/grade`).send({ criteriaScores: mathScores(0, 0) })],
        ['GET grade', other.get(`/api/submissions/${graded.id}/grade`)],
        ['POST status', other.post(`/api/submissions/${pending.id}/status`).send({ status: 'error', message: 'blurry' })],
        ['POST approve', other.post(`/api/grades/${proposal.id}/approve`)],
        ['POST approve (own assignment, their grade)', other.post(`/api/assignments/${otherSetup.rubricAssignmentId}/grades/approve`).send({ gradeIds: [proposal.id] })],
        ['POST bulk approve', other.post(`/api/assignments/${setup.rubricAssignmentId}/grades/approve`).send({ gradeIds: [proposal.id] })],
        ['GET grades', other.get(`/api/assignments/${setup.rubricAssignmentId}/grades`)],
        ['GET export', other.get(`/api/assignments/${setup.rubricAssignmentId}/grades/export.csv`)],
        ['GET stats', other.get(`/api/assignments/${setup.rubricAssignmentId}/stats`)],
      ];
      for (const [name, attempt] of attempts) {
        const response = await attempt;
        expect({ name, status: response.status }).toEqual({ name, status: 404 });
        expect(response.body.code).toBe('NOT_FOUND');
      }

      expect(await snapshot()).toEqual(before);
      expect(await activityLogCount(t.dataSource, other.id)).toBe(otherEvents);
      expect(own.id).toEqual(before.grades[0]!.id);
      const anonymous = await request(t.http).get(`/api/submissions/${graded.id}/grade`).expect(401);
      expect(anonymous.body.code).toBe('UNAUTHENTICATED');
      await owner.get(`/api/submissions/not-a-uuid/grade`).expect(400);
    });
  });
});
