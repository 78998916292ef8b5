import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { TemplateRubricIds } from '../../src/modules/rubrics/rubrics.events.js';
import {
  answerKeyAssignmentBody,
  answerKeyData,
  assignmentRow,
  assignmentRows,
  createAssignment,
  eventCount,
  insertClass,
  moveTo,
  rubricAssignmentBody,
} from '../factories/assignments.js';
import { loggedEvents } from '../factories/events.js';
import { createRubric } from '../factories/rubrics.js';
import { signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

const MATH_TEMPLATE_VERSION_ID = '5eed0000-0000-4000-9000-000000000001';
const RESPONSE_FIELDS = [
  'activatedAt',
  'answerKeyData',
  'autoApproveThreshold',
  'classId',
  'closedAt',
  'createdAt',
  'dueDate',
  'gradingMode',
  'id',
  'instructions',
  'rubricId',
  'rubricVersion',
  'rubricVersionId',
  'status',
  'title',
  'updatedAt',
  'version',
];

describe('assignments: creating, reading, listing and editing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a draft graded with a template rubric, pins its current version and records AssignmentCreated', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const response = await teacher.post(`/api/classes/${classId}/assignments`).set('X-Request-Id', `create-${classId}`).send(rubricAssignmentBody()).expect(201);
    expect(response.headers.etag).toBe('"1"');
    expect(Object.keys(response.body).sort()).toEqual(RESPONSE_FIELDS);
    expect(response.body).toEqual({
      id: expect.any(String),
      classId,
      title: 'Fractions word problems',
      instructions: 'Show your work for every problem.',
      gradingMode: 'rubric',
      rubricId: TemplateRubricIds.mathProblemSolving,
      rubricVersionId: MATH_TEMPLATE_VERSION_ID,
      rubricVersion: 1,
      answerKeyData: null,
      dueDate: '2026-03-02T15:00:00.000Z',
      status: 'draft',
      autoApproveThreshold: null,
      version: 1,
      activatedAt: null,
      closedAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id: string = response.body.id;

    expect(await loggedEvents(t.dataSource, { requestId: `create-${classId}` })).toEqual([
      expect.objectContaining({
        eventType: 'AssignmentCreated',
        action: 'assignment.create',
        userId: teacher.id,
        streamType: 'assignment',
        streamId: id,
        streamVersion: 1,
        resourceType: 'assignment',
        resourceId: id,
        metadata: {
          assignmentId: id,
          classId,
          ownerId: teacher.id,
          gradingMode: 'rubric',
          rubricId: TemplateRubricIds.mathProblemSolving,
          rubricVersionId: MATH_TEMPLATE_VERSION_ID,
          dueDate: '2026-03-02T15:00:00.000Z',
        },
      }),
    ]);
    expect(await assignmentRow(t.dataSource, id)).toMatchObject({
      class_id: classId,
      title: 'Fractions word problems',
      grading_mode: 'rubric',
      rubric_id: TemplateRubricIds.mathProblemSolving,
      rubric_version_id: MATH_TEMPLATE_VERSION_ID,
      answer_key_data: null,
      status: 'draft',
      version: 1,
      auto_approve_threshold: null,
    });

    const read = await teacher.get(`/api/assignments/${id}`).expect(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.body).toEqual(response.body);
  });

  it('creates an answer-key assignment, storing the seed shape and extended answers exactly as validated', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const key = {
      type: 'mixed',
      total_questions: 4,
      points_per_question: 2,
      answers: [' 42 ', { answer: 'Yes', accept: ['y'] }, { tolerance: 0.05, answer: '2.5', points: 3 }, 'Photosynthesis'],
    };
    const response = await teacher
      .post(`/api/classes/${classId}/assignments`)
      .send({ title: '  Unit 3 quiz  ', instructions: '   ', gradingMode: 'answer_key', answerKeyData: key, dueDate: '2026-03-09', autoApproveThreshold: 0.85 })
      .expect(201);
    const stored = { type: 'mixed', total_questions: 4, points_per_question: 2, answers: ['42', { answer: 'Yes', accept: ['y'] }, { answer: '2.5', points: 3, tolerance: 0.05 }, 'Photosynthesis'] };
    expect(response.body).toMatchObject({
      title: 'Unit 3 quiz',
      instructions: null,
      gradingMode: 'answer_key',
      rubricId: null,
      rubricVersionId: null,
      rubricVersion: null,
      answerKeyData: stored,
      dueDate: '2026-03-09T00:00:00.000Z',
      autoApproveThreshold: 0.85,
      status: 'draft',
      version: 1,
    });
    const row = await assignmentRow(t.dataSource, response.body.id);
    expect(row).toMatchObject({ answer_key_data: stored, auto_approve_threshold: '0.85', instructions: null, rubric_id: null });

    const events = await loggedEvents(t.dataSource, { streamId: response.body.id });
    expect(events.map((e) => e.metadata)).toEqual([
      { assignmentId: response.body.id, classId, ownerId: teacher.id, gradingMode: 'answer_key', rubricId: null, rubricVersionId: null, dueDate: '2026-03-09T00:00:00.000Z' },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/Photosynthesis|Unit 3 quiz/);
  });

  it("grades with the teacher's own rubric and keeps the pinned version when the rubric is edited afterwards", async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const rubric = await createRubric(teacher);
    const assignment = await createAssignment(teacher, classId, rubricAssignmentBody({ rubricId: rubric.id }));
    expect(assignment).toMatchObject({ rubricId: rubric.id, rubricVersionId: rubric.versionId, rubricVersion: 1 });

    const edited = await teacher.patch(`/api/rubrics/${rubric.id}`).send({ name: 'Persuasive Paragraph, revised' }).expect(200);
    expect(edited.body).toMatchObject({ version: 2 });
    const after = await teacher.get(`/api/assignments/${assignment.id}`).expect(200);
    expect(after.body).toMatchObject({ rubricId: rubric.id, rubricVersionId: rubric.versionId, rubricVersion: 1, version: 1 });
    expect((await assignmentRow(t.dataSource, assignment.id))!.rubric_version_id).toBe(rubric.versionId);
    const listed = await teacher.get(`/api/classes/${classId}/assignments`).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: assignment.id, rubricVersionId: rubric.versionId, rubricVersion: 1 })]);

    // Sending the same rubric again re-pins it at its current version.
    const repinned = await teacher.patch(`/api/assignments/${assignment.id}`).set('X-Request-Id', `repin-${assignment.id}`).send({ rubricId: rubric.id }).expect(200);
    expect(repinned.headers.etag).toBe('"2"');
    expect(repinned.body).toMatchObject({ rubricId: rubric.id, rubricVersionId: edited.body.versionId, rubricVersion: 2, version: 2 });
    expect(await loggedEvents(t.dataSource, { requestId: `repin-${assignment.id}` })).toEqual([
      expect.objectContaining({
        eventType: 'AssignmentUpdated',
        action: 'assignment.update',
        streamVersion: 2,
        metadata: { assignmentId: assignment.id, classId, ownerId: teacher.id, changed: ['rubricVersionId'], values: { rubricVersionId: edited.body.versionId } },
      }),
    ]);

    // Switching to a template pins the template's version; re-sending it changes nothing.
    const switched = await teacher.patch(`/api/assignments/${assignment.id}`).send({ rubricId: TemplateRubricIds.shortAnswer }).expect(200);
    expect(switched.body).toMatchObject({ rubricId: TemplateRubricIds.shortAnswer, rubricVersionId: '5eed0000-0000-4000-9000-000000000004', rubricVersion: 1, version: 3 });
    const unchanged = await teacher.patch(`/api/assignments/${assignment.id}`).send({ rubricId: TemplateRubricIds.shortAnswer }).expect(200);
    expect(unchanged.body).toEqual(switched.body);
    const events = await loggedEvents(t.dataSource, { streamId: assignment.id });
    expect(events.map((e) => [e.eventType, e.streamVersion])).toEqual([['AssignmentCreated', 1], ['AssignmentUpdated', 2], ['AssignmentUpdated', 3]]);
    expect(events[2].metadata).toMatchObject({ changed: ['rubricId', 'rubricVersionId'], values: { rubricId: TemplateRubricIds.shortAnswer, rubricVersionId: '5eed0000-0000-4000-9000-000000000004' } });
  });

  it('refuses rubric mode without a rubric and answer-key mode without a key, naming the field, and writes nothing', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const before = await eventCount(t.dataSource, teacher.id);
    const cases: Array<{ body: Record<string, unknown>; details: Array<{ field: string; message: string }> }> = [
      { body: rubricAssignmentBody({ rubricId: undefined }), details: [{ field: 'rubricId', message: 'rubricId is required when gradingMode is rubric' }] },
      { body: rubricAssignmentBody({ rubricId: null }), details: [{ field: 'rubricId', message: 'rubricId is required when gradingMode is rubric' }] },
      { body: answerKeyAssignmentBody({ answerKeyData: undefined }), details: [{ field: 'answerKeyData', message: 'answerKeyData is required when gradingMode is answer_key' }] },
      {
        body: rubricAssignmentBody({ answerKeyData: answerKeyData() }),
        details: [{ field: 'answerKeyData', message: 'answerKeyData is only for gradingMode answer_key; leave it out in rubric mode' }],
      },
      {
        body: answerKeyAssignmentBody({ rubricId: TemplateRubricIds.mathProblemSolving }),
        details: [{ field: 'rubricId', message: 'rubricId is only for gradingMode rubric; leave it out in answer_key mode' }],
      },
    ];
    for (const { body, details } of cases) {
      const response = await teacher.post(`/api/classes/${classId}/assignments`).send(body).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', details });
    }
    expect(await assignmentRows(t.dataSource, classId)).toEqual([]);
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
  });

  it('refuses bad answer keys on create and edit with a 400 naming the exact field', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const assignment = await createAssignment(teacher, classId, answerKeyAssignmentBody());
    const before = await eventCount(t.dataSource, teacher.id);
    const cases: Array<{ key: unknown; field: string; message: string }> = [
      { key: ['42'], field: 'answerKeyData', message: 'answerKeyData must be an object with type, total_questions, points_per_question and answers' },
      { key: answerKeyData({ total_questions: 4 }), field: 'answerKeyData.answers', message: 'answers has 3 entries but total_questions is 4: give exactly one answer per question' },
      { key: answerKeyData({ points_per_question: 0 }), field: 'answerKeyData.points_per_question', message: 'points_per_question must be greater than 0' },
      { key: answerKeyData({ type: 'essay' }), field: 'answerKeyData.type', message: 'type must be one of text, numeric, mixed' },
      {
        key: answerKeyData({ type: 'numeric', total_questions: 4, answers: ['1', '2', '3', { answer: '4', tolerance: -0.5 }] }),
        field: 'answerKeyData.answers[3].tolerance',
        message: 'tolerance must be a number of at least 0',
      },
      {
        key: answerKeyData({ type: 'numeric', answers: ['1', 'two', '3'] }),
        field: 'answerKeyData.answers[1]',
        message: '"two" is not a number, and every answer of a numeric answer key must be one (for example 42, -3.5, 1,000 or 1/2)',
      },
      { key: answerKeyData({ answers: ['42', { answer: 'Yes', points: -1 }, 'x'] }), field: 'answerKeyData.answers[1].points', message: 'points must be greater than 0' },
      { key: answerKeyData({ answers: ['42', 'Yes', { answer: '3', tolerance: 1 }] }), field: 'answerKeyData.answers[2].tolerance', message: 'tolerance applies to numeric answers only: use type numeric or mixed' },
      { key: answerKeyData({ hints: [] }), field: 'answerKeyData.hints', message: 'unknown field "hints" (an answer key has type, total_questions, points_per_question and answers)' },
    ];
    for (const { key, field, message } of cases) {
      const created = await teacher.post(`/api/classes/${classId}/assignments`).send(answerKeyAssignmentBody({ answerKeyData: key })).expect(400);
      expect(created.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field, message }] });
      const patched = await teacher.patch(`/api/assignments/${assignment.id}`).send({ answerKeyData: key }).expect(400);
      expect(patched.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field, message }] });
    }
    const removed = await teacher.patch(`/api/assignments/${assignment.id}`).send({ answerKeyData: null }).expect(400);
    expect(removed.body.details).toEqual([{ field: 'answerKeyData', message: 'answerKeyData cannot be removed; send the complete new answer key' }]);

    expect(await assignmentRows(t.dataSource, classId)).toEqual([expect.objectContaining({ id: assignment.id, version: 1 })]);
    expect((await assignmentRow(t.dataSource, assignment.id))!.answer_key_data).toEqual(answerKeyData());
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
  });

  it("refuses someone else's, a deleted and an unknown rubric with a 404 naming rubricId, on create and edit", async () => {
    const teacher = await signIn(t);
    const other = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const assignment = await createAssignment(teacher, classId);
    const theirs = await createRubric(other);
    const mineDeleted = await createRubric(teacher);
    await teacher.delete(`/api/rubrics/${mineDeleted.id}`).expect(204);
    const before = await eventCount(t.dataSource, teacher.id);

    for (const rubricId of [theirs.id, mineDeleted.id, randomUUID()]) {
      const created = await teacher.post(`/api/classes/${classId}/assignments`).send(rubricAssignmentBody({ rubricId })).expect(404);
      expect(created.body).toMatchObject({
        code: 'RUBRIC_NOT_FOUND',
        details: [{ field: 'rubricId', message: 'rubricId must be a template or one of your rubrics (not deleted)' }],
      });
      const patched = await teacher.patch(`/api/assignments/${assignment.id}`).send({ rubricId }).expect(404);
      expect(patched.body).toMatchObject({ code: 'RUBRIC_NOT_FOUND', details: [{ field: 'rubricId' }] });
    }
    expect(await assignmentRows(t.dataSource, classId)).toEqual([expect.objectContaining({ id: assignment.id, version: 1 })]);
    expect((await assignmentRow(t.dataSource, assignment.id))!.rubric_id).toBe(TemplateRubricIds.mathProblemSolving);
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
  });

  it('keeps an assignment graded with a rubric that is deleted afterwards, at its pinned version', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const rubric = await createRubric(teacher);
    const assignment = await createAssignment(teacher, classId, rubricAssignmentBody({ rubricId: rubric.id }));
    await teacher.delete(`/api/rubrics/${rubric.id}`).expect(204);
    const read = await teacher.get(`/api/assignments/${assignment.id}`).expect(200);
    expect(read.body).toMatchObject({ rubricId: rubric.id, rubricVersionId: rubric.versionId, rubricVersion: 1 });
    const activated = await moveTo(teacher, assignment.id, 'active');
    expect(activated).toMatchObject({ status: 'active', rubricVersionId: rubric.versionId });
  });

  it('refuses to create an assignment in an archived class with 409 and writes nothing', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id, { archived: true });
    const before = await eventCount(t.dataSource, teacher.id);
    const response = await teacher.post(`/api/classes/${classId}/assignments`).send(rubricAssignmentBody()).expect(409);
    expect(response.body).toMatchObject({ code: 'CLASS_ARCHIVED' });
    expect(await assignmentRows(t.dataSource, classId)).toEqual([]);
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
    const listed = await teacher.get(`/api/classes/${classId}/assignments`).expect(200);
    expect(listed.body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
  });

  it("lists a class's assignments newest first, paginated and filtered by status", async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const otherClassId = await insertClass(t.dataSource, teacher.id);
    const first = await createAssignment(teacher, classId, rubricAssignmentBody({ title: 'First' }));
    const second = await createAssignment(teacher, classId, answerKeyAssignmentBody({ title: 'Second' }));
    const third = await createAssignment(teacher, classId, rubricAssignmentBody({ title: 'Third' }));
    await createAssignment(teacher, otherClassId, rubricAssignmentBody({ title: 'Elsewhere' }));
    await moveTo(teacher, second.id, 'active');

    const all = await teacher.get(`/api/classes/${classId}/assignments`).expect(200);
    expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: 3 });
    expect(all.body.items.map((item: { title: string }) => item.title)).toEqual(['Third', 'Second', 'First']);
    expect(Object.keys(all.body.items[0]).sort()).toEqual(RESPONSE_FIELDS);
    expect(all.body.items[1]).toMatchObject({ id: second.id, status: 'active', version: 2, answerKeyData: answerKeyData() });

    const page2 = await teacher.get(`/api/classes/${classId}/assignments?page=2&pageSize=2`).expect(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(page2.body.items.map((item: { id: string }) => item.id)).toEqual([first.id]);

    const active = await teacher.get(`/api/classes/${classId}/assignments?status=active`).expect(200);
    expect(active.body).toMatchObject({ total: 1, items: [{ id: second.id }] });
    const drafts = await teacher.get(`/api/classes/${classId}/assignments?status=draft`).expect(200);
    expect(drafts.body.items.map((item: { id: string }) => item.id)).toEqual([third.id, first.id]);
    const archived = await teacher.get(`/api/classes/${classId}/assignments?status=archived`).expect(200);
    expect(archived.body).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
  });

  it('edits title, instructions, due date and threshold, recording only what changed, and ignores an edit that changes nothing', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const assignment = await createAssignment(teacher, classId);

    const same = await teacher.patch(`/api/assignments/${assignment.id}`).send({ title: ' Fractions word problems ', dueDate: '2026-03-02T10:00:00-05:00' }).expect(200);
    expect(same.headers.etag).toBe('"1"');
    expect(same.body).toEqual(assignment);
    expect(await loggedEvents(t.dataSource, { streamId: assignment.id })).toHaveLength(1);

    const edited = await teacher
      .patch(`/api/assignments/${assignment.id}`)
      .set('If-Match', '"1"')
      .set('X-Request-Id', `edit-${assignment.id}`)
      .send({ title: 'Fractions, part 2', instructions: 'Use a number line.', dueDate: '2026-03-05T15:00:00Z', autoApproveThreshold: 0.9 })
      .expect(200);
    expect(edited.headers.etag).toBe('"2"');
    expect(edited.body).toMatchObject({ title: 'Fractions, part 2', instructions: 'Use a number line.', dueDate: '2026-03-05T15:00:00.000Z', autoApproveThreshold: 0.9, version: 2, status: 'draft' });
    expect(await loggedEvents(t.dataSource, { requestId: `edit-${assignment.id}` })).toEqual([
      expect.objectContaining({
        eventType: 'AssignmentUpdated',
        streamVersion: 2,
        userId: teacher.id,
        metadata: {
          assignmentId: assignment.id,
          classId,
          ownerId: teacher.id,
          changed: ['title', 'instructions', 'dueDate', 'autoApproveThreshold'],
          values: { dueDate: '2026-03-05T15:00:00.000Z', autoApproveThreshold: 0.9 },
        },
      }),
    ]);
    expect(JSON.stringify(await loggedEvents(t.dataSource, { streamId: assignment.id }))).not.toMatch(/number line|part 2/);

    const cleared = await teacher.patch(`/api/assignments/${assignment.id}`).send({ instructions: null, dueDate: null, autoApproveThreshold: null }).expect(200);
    expect(cleared.body).toMatchObject({ instructions: null, dueDate: null, autoApproveThreshold: null, version: 3 });
    const events = await loggedEvents(t.dataSource, { streamId: assignment.id });
    expect(events[2].metadata).toMatchObject({ changed: ['instructions', 'dueDate', 'autoApproveThreshold'], values: { dueDate: null, autoApproveThreshold: null } });
    expect(await assignmentRow(t.dataSource, assignment.id)).toMatchObject({ title: 'Fractions, part 2', instructions: null, due_date: null, auto_approve_threshold: null, version: 3 });
  });

  it('changes the rubric or the answer key only while the assignment is a draft', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const keyed = await createAssignment(teacher, classId, answerKeyAssignmentBody());
    const rubricMode = await createAssignment(teacher, classId);

    const newKey = answerKeyData({ answers: ['42', 'No', 'Photosynthesis'] });
    const draftEdit = await teacher.patch(`/api/assignments/${keyed.id}`).send({ answerKeyData: newKey }).expect(200);
    expect(draftEdit.body).toMatchObject({ answerKeyData: newKey, version: 2 });
    expect((await loggedEvents(t.dataSource, { streamId: keyed.id }))[1].metadata).toEqual({ assignmentId: keyed.id, classId, ownerId: teacher.id, changed: ['answerKeyData'], values: {} });

    await moveTo(teacher, keyed.id, 'active');
    await moveTo(teacher, rubricMode.id, 'active');
    const before = await eventCount(t.dataSource, teacher.id);
    const lockedKey = await teacher.patch(`/api/assignments/${keyed.id}`).send({ answerKeyData: answerKeyData() }).expect(409);
    expect(lockedKey.body).toMatchObject({
      code: 'GRADING_SOURCE_LOCKED',
      details: [{ field: 'answerKeyData', message: 'answerKeyData can only change while the assignment is a draft (it is active): work may already have been graded with it' }],
    });
    const lockedRubric = await teacher.patch(`/api/assignments/${rubricMode.id}`).send({ rubricId: TemplateRubricIds.labReport }).expect(409);
    expect(lockedRubric.body).toMatchObject({ code: 'GRADING_SOURCE_LOCKED', details: [{ field: 'rubricId' }] });
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);

    // Re-sending the same key with a new title is fine: the key does not change.
    const retitled = await teacher.patch(`/api/assignments/${keyed.id}`).send({ title: 'Unit 3 quiz (retake)', answerKeyData: { ...newKey } }).expect(200);
    expect(retitled.body).toMatchObject({ title: 'Unit 3 quiz (retake)', answerKeyData: newKey, status: 'active', version: 4 });

    const wrongMode = await teacher.patch(`/api/assignments/${keyed.id}`).send({ rubricId: TemplateRubricIds.labReport }).expect(400);
    expect(wrongMode.body.details).toEqual([{ field: 'rubricId', message: 'rubricId is only for gradingMode rubric; this assignment is graded in answer_key mode' }]);
    const wrongKey = await teacher.patch(`/api/assignments/${rubricMode.id}`).send({ answerKeyData: answerKeyData() }).expect(400);
    expect(wrongKey.body.details).toEqual([{ field: 'answerKeyData', message: 'answerKeyData is only for gradingMode answer_key; this assignment is graded in rubric mode' }]);
    expect(await assignmentRow(t.dataSource, rubricMode.id)).toMatchObject({ rubric_id: TemplateRubricIds.mathProblemSolving, answer_key_data: null, version: 2 });
  });

  it("enforces the seed's CHECKs and the pinned-version rules in the database itself", async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const insert = (columns: Record<string, unknown>) => {
      const row = { class_id: classId, title: 'Raw', grading_mode: 'answer_key', answer_key_data: JSON.stringify(answerKeyData()), ...columns };
      const names = Object.keys(row);
      return t.dataSource.query(`INSERT INTO assignments (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
    };
    const refused = (constraint: string) => ({ driverError: { code: '23514', constraint } });
    await expect(insert({ grading_mode: 'essay' })).rejects.toMatchObject(refused('assignments_grading_mode_check'));
    await expect(insert({ status: 'published' })).rejects.toMatchObject(refused('assignments_status_check'));
    await expect(insert({ answer_key_data: null })).rejects.toMatchObject(refused('assignments_grading_source_check'));
    await expect(insert({ answer_key_data: '["42"]' })).rejects.toMatchObject(refused('answer_key_is_object'));
    await expect(insert({ auto_approve_threshold: 1.5 })).rejects.toMatchObject(refused('assignments_auto_approve_threshold_check'));
    await expect(insert({ grading_mode: 'rubric', answer_key_data: null, rubric_id: TemplateRubricIds.mathProblemSolving })).rejects.toMatchObject(refused('assignments_rubric_version_check'));
    await expect(insert({ rubric_id: TemplateRubricIds.mathProblemSolving, rubric_version_id: MATH_TEMPLATE_VERSION_ID })).rejects.toMatchObject(
      refused('assignments_single_grading_source_check'),
    );
    await expect(insert({ title: '  ' })).rejects.toMatchObject({ driverError: { code: '23514' } });
    expect(await assignmentRows(t.dataSource, classId)).toEqual([]);

    await insert({});
    const [row] = await t.dataSource.query(`SELECT status, version, activated_at, closed_at FROM assignments WHERE class_id = $1`, [classId]);
    expect(row).toEqual({ status: 'draft', version: 1, activated_at: null, closed_at: null });
  });
});
