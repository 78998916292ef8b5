import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { TemplateRubricIds } from '../../src/modules/rubrics/rubrics.events.js';
import { checkCriteria } from '../../src/modules/rubrics/rubrics.rules.js';
import { loggedEvents } from '../factories/events.js';
import { createRubric, rubricBody } from '../factories/rubrics.js';
import { signIn, type SignedInUser } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

const MATH_TEMPLATE_CRITERIA = [
  {
    id: 'crit_1',
    name: 'Correct Answer',
    description: 'Student provides correct final answer',
    max_points: 5,
    levels: [
      { points: 5, description: 'Completely correct' },
      { points: 3, description: 'Minor calculation error' },
      { points: 0, description: 'Incorrect or missing' },
    ],
  },
  {
    id: 'crit_2',
    name: 'Shows Work',
    description: 'Student shows all steps clearly',
    max_points: 3,
    levels: [
      { points: 3, description: 'All steps shown clearly' },
      { points: 2, description: 'Most steps shown' },
      { points: 0, description: 'No work shown' },
    ],
  },
];

describe('rubrics: templates, own rubrics, copies and deletion', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function activityCount(userId: string): Promise<number> {
    const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM activity_logs WHERE user_id = $1`, [userId]);
    return row.n;
  }
  async function rubricRows(userId: string): Promise<Array<{ id: string; current_version: number; deleted_at: Date | null }>> {
    return t.dataSource.query(`SELECT id, current_version, deleted_at FROM rubrics WHERE user_id = $1 ORDER BY created_at`, [userId]);
  }
  async function versionRows(rubricId: string): Promise<Array<{ id: string; version: number; name: string; max_points: string }>> {
    return t.dataSource.query(`SELECT id, version, name, max_points FROM rubric_versions WHERE rubric_id = $1 ORDER BY version`, [rubricId]);
  }

  it('shows the shipped templates to every teacher, with fixed ids, valid criteria and version 1', async () => {
    const first = await signIn(t);
    const second = await signIn(t);
    const allIds = Object.values(TemplateRubricIds).sort();
    for (const teacher of [first, second]) {
      const list = await teacher.get('/api/rubrics?scope=templates').expect(200);
      expect(list.body).toMatchObject({ page: 1, pageSize: 50, total: allIds.length });
      expect(list.body.items.map((item: { id: string }) => item.id).sort()).toEqual(allIds);
      expect(list.body.items.every((item: { isTemplate: boolean; ownerId: string | null; version: number }) => item.isTemplate && item.ownerId === null && item.version === 1)).toBe(true);
    }

    const math = await second.get(`/api/rubrics/${TemplateRubricIds.mathProblemSolving}`).expect(200);
    expect(math.headers.etag).toBe('"1"');
    expect(math.body).toMatchObject({
      id: TemplateRubricIds.mathProblemSolving,
      name: 'Math Problem Solving',
      description: '3rd grade math rubric for problem-solving assignments',
      isTemplate: true,
      ownerId: null,
      subject: 'Math',
      gradeLevel: '3rd',
      version: 1,
      versionId: '5eed0000-0000-4000-9000-000000000001',
      maxPoints: 8,
      criteriaCount: 2,
      copiedFromId: null,
    });
    expect(math.body.criteria).toEqual(MATH_TEMPLATE_CRITERIA);

    const writing = await first.get(`/api/rubrics/${TemplateRubricIds.sixTraitWriting}`).expect(200);
    expect(writing.body.criteria.map((c: { name: string }) => c.name)).toEqual(['Ideas', 'Organization', 'Voice', 'Word Choice', 'Sentence Fluency', 'Conventions']);
    expect(writing.body.maxPoints).toBe(30);
    for (const id of allIds) {
      const template = await first.get(`/api/rubrics/${id}`).expect(200);
      const checked = checkCriteria(template.body.criteria);
      expect(checked).toEqual({ ok: true, criteria: template.body.criteria, maxPoints: template.body.maxPoints });
    }

    const [versions] = await t.dataSource.query(`SELECT count(*)::int AS n, min(version) AS v FROM rubric_versions WHERE rubric_id = ANY($1::uuid[])`, [allIds]);
    expect(versions).toEqual({ n: allIds.length, v: 1 });
    expect(await loggedEvents(t.dataSource, { userId: first.id, action: 'rubric.create' })).toEqual([]);
  });

  it('creates an own rubric at version 1, records RubricCreated and shows it only to its owner', async () => {
    const owner = await signIn(t);
    const other = await signIn(t);
    const response = await owner.post('/api/rubrics').set('X-Request-Id', `create-${owner.id}`).send(rubricBody()).expect(201);
    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toMatchObject({
      name: 'Persuasive Paragraph',
      description: '5th grade opinion writing',
      isTemplate: false,
      ownerId: owner.id,
      subject: 'ELA',
      gradeLevel: '5th',
      version: 1,
      maxPoints: 6.5,
      criteriaCount: 2,
      copiedFromId: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(Object.keys(response.body).sort()).toEqual(
      ['copiedFromId', 'createdAt', 'criteria', 'criteriaCount', 'description', 'gradeLevel', 'id', 'isTemplate', 'maxPoints', 'name', 'ownerId', 'subject', 'updatedAt', 'version', 'versionId'],
    );
    expect(response.body.criteria).toEqual(rubricBody().criteria);
    const id: string = response.body.id;

    const events = await loggedEvents(t.dataSource, { requestId: `create-${owner.id}` });
    expect(events).toEqual([
      expect.objectContaining({
        eventType: 'RubricCreated',
        action: 'rubric.create',
        userId: owner.id,
        streamType: 'rubric',
        streamId: id,
        streamVersion: 1,
        resourceType: 'rubric',
        resourceId: id,
        metadata: { rubricId: id, ownerId: owner.id, versionId: response.body.versionId, version: 1, copiedFromId: null, criterionIds: ['claim', 'reasons'], maxPoints: 6.5 },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain('arguable');

    expect(await rubricRows(owner.id)).toEqual([{ id, current_version: 1, deleted_at: null }]);
    expect(await versionRows(id)).toEqual([{ id: response.body.versionId, version: 1, name: 'Persuasive Paragraph', max_points: '6.50' }]);

    const mine = await owner.get('/api/rubrics?scope=mine').expect(200);
    expect(mine.body).toMatchObject({ total: 1, items: [{ id, version: 1, maxPoints: 6.5 }] });
    const all = await owner.get('/api/rubrics').expect(200);
    expect(all.body.items[0].id).toBe(id);
    const theirs = await other.get('/api/rubrics?pageSize=200').expect(200);
    expect(theirs.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
    expect(await rubricRows(other.id)).toEqual([]);
  });

  it('copies a template into an own rubric, edits the copy and leaves the template untouched', async () => {
    const teacher = await signIn(t);
    const copy = await teacher.post(`/api/rubrics/${TemplateRubricIds.mathProblemSolving}/copy`).send({}).expect(201);
    expect(copy.body).toMatchObject({
      name: 'Math Problem Solving (copy)',
      isTemplate: false,
      ownerId: teacher.id,
      subject: 'Math',
      gradeLevel: '3rd',
      version: 1,
      maxPoints: 8,
      copiedFromId: TemplateRubricIds.mathProblemSolving,
    });
    expect(copy.body.criteria).toEqual(MATH_TEMPLATE_CRITERIA);

    const criteria = [...MATH_TEMPLATE_CRITERIA, { id: 'crit_3', name: 'Units', max_points: 1, levels: [{ points: 1, description: 'Labels units' }, { points: 0, description: 'No units' }] }];
    const edited = await teacher.patch(`/api/rubrics/${copy.body.id}`).send({ name: 'Fractions word problems', criteria }).expect(200);
    expect(edited.body).toMatchObject({ id: copy.body.id, name: 'Fractions word problems', version: 2, maxPoints: 9, criteriaCount: 3, copiedFromId: TemplateRubricIds.mathProblemSolving });

    const named = await teacher.post(`/api/rubrics/${copy.body.id}/copy`).send({ name: 'Fractions, period 2' }).expect(201);
    expect(named.body).toMatchObject({ name: 'Fractions, period 2', version: 1, maxPoints: 9, copiedFromId: copy.body.id });
    expect(named.body.criteria).toEqual(criteria);

    const copyEvents = await loggedEvents(t.dataSource, { streamId: copy.body.id });
    expect(copyEvents.map((e) => [e.eventType, e.streamVersion])).toEqual([['RubricCreated', 1], ['RubricVersioned', 2]]);
    expect(copyEvents[0].metadata).toMatchObject({ copiedFromId: TemplateRubricIds.mathProblemSolving, criterionIds: ['crit_1', 'crit_2'], maxPoints: 8 });
    expect(copyEvents[1].metadata).toEqual({ rubricId: copy.body.id, ownerId: teacher.id, versionId: edited.body.versionId, fromVersion: 1, toVersion: 2, changed: ['name', 'criteria'], maxPoints: 9 });
    const namedEvents = await loggedEvents(t.dataSource, { streamId: named.body.id });
    expect(namedEvents.map((e) => e.metadata.copiedFromId)).toEqual([copy.body.id]);

    expect(await loggedEvents(t.dataSource, { streamId: TemplateRubricIds.mathProblemSolving })).toEqual([]);
    const template = await teacher.get(`/api/rubrics/${TemplateRubricIds.mathProblemSolving}`).expect(200);
    expect(template.body).toMatchObject({ version: 1, name: 'Math Problem Solving', maxPoints: 8 });
    expect(template.body.criteria).toEqual(MATH_TEMPLATE_CRITERIA);
    expect(await versionRows(TemplateRubricIds.mathProblemSolving)).toHaveLength(1);
    expect((await rubricRows(teacher.id)).map((row) => row.current_version)).toEqual([2, 1]);
  });

  it('refuses bad rubrics of every kind with a 400 naming the criterion and field, and writes nothing', async () => {
    const teacher = await signIn(t);
    const before = await activityCount(teacher.id);
    const good = rubricBody().criteria;
    const cases: Array<{ body: Record<string, unknown>; details: Array<{ field: string; message: string }> }> = [
      { body: rubricBody({ criteria: { claim: good[0] } }), details: [{ field: 'criteria', message: 'criteria must be an array of criteria' }] },
      { body: rubricBody({ criteria: [] }), details: [{ field: 'criteria', message: 'criteria must contain at least one criterion' }] },
      { body: rubricBody({ criteria: [good[0], { ...good[1], id: 'claim' }] }), details: [{ field: 'criteria[1] (claim).id', message: 'id "claim" is already used by criteria[0]' }] },
      { body: rubricBody({ criteria: [good[0], { ...good[1], id: 'no spaces allowed' }] }), details: [{ field: 'criteria[1].id', message: 'id must be 1 to 64 letters, digits, "_" or "-"' }] },
      { body: rubricBody({ criteria: [good[0], { ...good[1], max_points: 0 }] }), details: [{ field: 'criteria[1] (reasons).max_points', message: 'max_points must be greater than 0' }] },
      { body: rubricBody({ criteria: [{ ...good[0], max_points: -4 }] }), details: [{ field: 'criteria[0] (claim).max_points', message: 'max_points must be greater than 0' }] },
      {
        body: rubricBody({ criteria: [good[0], { ...good[1], levels: [{ points: 3, description: 'Too many' }, { points: 2.5, description: 'Full' }] }] }),
        details: [{ field: 'criteria[1] (reasons).levels[0].points', message: 'points must be between 0 and max_points (2.5)' }],
      },
      {
        body: rubricBody({ criteria: [{ ...good[0], levels: [{ points: 4, description: 'All' }, { points: -1, description: 'Negative' }] }] }),
        details: [{ field: 'criteria[0] (claim).levels[1].points', message: 'points must be between 0 and max_points (4)' }],
      },
      { body: rubricBody({ criteria: [{ ...good[0], levels: [] }] }), details: [{ field: 'criteria[0] (claim).levels', message: 'levels must contain at least one level' }] },
      {
        body: rubricBody({ criteria: [{ ...good[0], levels: [{ points: 2, description: 'Half' }] }] }),
        details: [{ field: 'criteria[0] (claim).levels', message: 'one level must award the full max_points (4)' }],
      },
      { body: rubricBody({ criteria: [{ ...good[0], name: '' }] }), details: [{ field: 'criteria[0] (claim).name', message: 'name must be a non-empty string' }] },
      {
        body: rubricBody({ criteria: [{ id: 'claim', name: 'Claim', maxPoints: 4, levels: good[0].levels }] }),
        details: [
          { field: 'criteria[0] (claim).maxPoints', message: 'unknown field "maxPoints" (a criterion has id, name, description, max_points and levels, stored as JSON exactly as sent)' },
          { field: 'criteria[0] (claim).max_points', message: 'max_points must be a number' },
        ],
      },
      { body: rubricBody({ name: '   ' }), details: [{ field: 'name', message: 'name must be longer than or equal to 1 characters' }] },
      { body: { name: 'No criteria' }, details: [{ field: 'criteria', message: 'criteria should not be null or undefined' }] },
      { body: rubricBody({ ownerId: teacher.id }), details: [{ field: 'ownerId', message: 'property ownerId should not exist' }] },
    ];
    for (const { body, details } of cases) {
      const response = await teacher.post('/api/rubrics').send(body);
      expect({ status: response.status, code: response.body.code, details: response.body.details }).toEqual({ status: 400, code: 'VALIDATION_FAILED', details });
    }

    const several = await teacher.post('/api/rubrics').send(rubricBody({ criteria: [{ ...good[0], max_points: 'four' }, { ...good[1], levels: 'none' }] })).expect(400);
    expect(several.body.message).toContain('criteria[0] (claim).max_points: max_points must be a number');
    expect(several.body.details.map((d: { field: string }) => d.field)).toEqual(['criteria[0] (claim).max_points', 'criteria[1] (reasons).levels']);

    expect(await activityCount(teacher.id)).toBe(before);
    expect(await rubricRows(teacher.id)).toEqual([]);

    const existing = await createRubric(teacher);
    const badEdit = await teacher.patch(`/api/rubrics/${existing.id}`).send({ criteria: [{ ...good[0], levels: [{ points: 4, description: 'All' }, { points: 4, description: 'Twice' }] }] }).expect(400);
    expect(badEdit.body.details).toEqual([{ field: 'criteria[0] (claim).levels[1].points', message: 'points 4 is already used by levels[0]' }]);
    const nullName = await teacher.patch(`/api/rubrics/${existing.id}`).send({ name: null }).expect(400);
    expect(nullName.body.details[0].field).toBe('name');
    expect(await rubricRows(teacher.id)).toEqual([{ id: existing.id, current_version: 1, deleted_at: null }]);
    expect(await versionRows(existing.id)).toHaveLength(1);
    expect((await loggedEvents(t.dataSource, { streamId: existing.id })).map((e) => e.eventType)).toEqual(['RubricCreated']);
  });

  it('filters the list by scope, subject, grade level and name words, and paginates', async () => {
    const teacher = await signIn(t);
    const essay = await createRubric(teacher, { name: 'Argumentative essays', subject: 'ELA', gradeLevel: '8th' });
    const lab = await createRubric(teacher, { name: 'Density lab', subject: 'Science', gradeLevel: '7th' });
    const quiz = await createRubric(teacher, { name: 'Weekly quiz', subject: 'Science', gradeLevel: '8th' });
    const before = await activityCount(teacher.id);
    const ids = (response: request.Response) => response.body.items.map((item: { id: string }) => item.id);

    const science = await teacher.get('/api/rubrics?subject=science').expect(200);
    expect(ids(science)).toEqual([quiz.id, lab.id, TemplateRubricIds.labReport]);
    const scienceMine = await teacher.get('/api/rubrics?subject=SCIENCE&scope=mine&gradeLevel=8th').expect(200);
    expect(ids(scienceMine)).toEqual([quiz.id]);
    const words = await teacher.get('/api/rubrics?q=essay').expect(200);
    expect(ids(words)).toEqual([essay.id]);
    const partial = await teacher.get('/api/rubrics?q=ensit&scope=mine').expect(200);
    expect(ids(partial)).toEqual([lab.id]);
    const templateWords = await teacher.get('/api/rubrics?q=writing&scope=templates').expect(200);
    expect(ids(templateWords)).toEqual([TemplateRubricIds.sixTraitWriting]);
    const wildcard = await teacher.get('/api/rubrics?q=%25&scope=mine').expect(200);
    expect(ids(wildcard)).toEqual([]);
    const blank = await teacher.get('/api/rubrics?q=&subject=%20&scope=mine').expect(200);
    expect(ids(blank)).toEqual([quiz.id, lab.id, essay.id]);

    const page2 = await teacher.get('/api/rubrics?scope=mine&pageSize=2&page=2').expect(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(ids(page2)).toEqual([essay.id]);
    const badScope = await teacher.get('/api/rubrics?scope=everyone').expect(400);
    expect(badScope.body.details).toEqual([{ field: 'scope', message: 'scope must be one of the following values: templates, mine, all' }]);

    expect(await activityCount(teacher.id)).toBe(before);
    expect((await rubricRows(teacher.id)).map((row) => row.id)).toEqual([essay.id, lab.id, quiz.id]);
  });

  it('soft-deletes an own rubric: 204, gone from reads, lists and edits, versions kept, RubricDeleted recorded', async () => {
    const teacher = await signIn(t);
    const rubric = await createRubric(teacher);
    await teacher.patch(`/api/rubrics/${rubric.id}`).send({ subject: 'Writing' }).expect(200);
    await teacher.delete(`/api/rubrics/${rubric.id}`).expect(204);

    await teacher.get(`/api/rubrics/${rubric.id}`).expect(404);
    await teacher.patch(`/api/rubrics/${rubric.id}`).send({ name: 'Back again' }).expect(404);
    await teacher.post(`/api/rubrics/${rubric.id}/copy`).send({}).expect(404);
    await teacher.delete(`/api/rubrics/${rubric.id}`).expect(404);
    const mine = await teacher.get('/api/rubrics?scope=mine').expect(200);
    expect(mine.body).toMatchObject({ total: 0, items: [] });
    // Grades scored with it must stay explainable: the owner still reads its versions.
    const versions = await teacher.get(`/api/rubrics/${rubric.id}/versions`).expect(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const first = await teacher.get(`/api/rubrics/${rubric.id}/versions/1`).expect(200);
    expect(first.body).toMatchObject({ version: 1, subject: 'ELA', criteria: rubric.criteria });

    const events = await loggedEvents(t.dataSource, { streamId: rubric.id });
    expect(events.map((e) => [e.eventType, e.streamVersion])).toEqual([['RubricCreated', 1], ['RubricVersioned', 2], ['RubricDeleted', 3]]);
    expect(events[2]).toMatchObject({ action: 'rubric.delete', userId: teacher.id, metadata: { rubricId: rubric.id, ownerId: teacher.id, version: 2 } });
    const [row] = await rubricRows(teacher.id);
    expect(row).toMatchObject({ id: rubric.id, current_version: 2 });
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(await versionRows(rubric.id)).toHaveLength(2);
  });

  it("answers 404 on every endpoint for another teacher's rubric and changes nothing", async () => {
    const owner = await signIn(t);
    const intruder = await signIn(t);
    const rubric = await createRubric(owner);
    const [rowBefore] = await t.dataSource.query(`SELECT * FROM rubrics WHERE id = $1`, [rubric.id]);
    const attempts: Array<[string, (u: SignedInUser) => request.Test]> = [
      ['read', (u) => u.get(`/api/rubrics/${rubric.id}`)],
      ['versions', (u) => u.get(`/api/rubrics/${rubric.id}/versions`)],
      ['version 1', (u) => u.get(`/api/rubrics/${rubric.id}/versions/1`)],
      ['copy', (u) => u.post(`/api/rubrics/${rubric.id}/copy`).send({ name: 'Mine now' })],
      ['patch', (u) => u.patch(`/api/rubrics/${rubric.id}`).set('If-Match', '1').send({ name: 'Taken over' })],
      ['delete', (u) => u.delete(`/api/rubrics/${rubric.id}`)],
    ];
    for (const [what, send] of attempts) {
      const response = await send(intruder);
      expect({ what, status: response.status, code: response.body.code, message: response.body.message }).toEqual({ what, status: 404, code: 'NOT_FOUND', message: 'Rubric not found' });
    }

    const [rowAfter] = await t.dataSource.query(`SELECT * FROM rubrics WHERE id = $1`, [rubric.id]);
    expect(rowAfter).toEqual(rowBefore);
    expect(await versionRows(rubric.id)).toHaveLength(1);
    expect((await loggedEvents(t.dataSource, { streamId: rubric.id })).map((e) => e.eventType)).toEqual(['RubricCreated']);
    const intruderEvents = await loggedEvents(t.dataSource, { userId: intruder.id });
    expect(intruderEvents.filter((e) => e.action.startsWith('rubric.'))).toEqual([]);
    expect(await rubricRows(intruder.id)).toEqual([]);
    await owner.get(`/api/rubrics/${rubric.id}`).expect(200);
  });

  it('never lets anyone edit or delete a template, admins included', async () => {
    const teacher = await signIn(t);
    const admin = await signIn(t, { role: 'admin' });
    const [before] = await t.dataSource.query(`SELECT * FROM rubrics WHERE id = $1`, [TemplateRubricIds.readingComprehension]);
    for (const user of [teacher, admin]) {
      const edit = await user.patch(`/api/rubrics/${TemplateRubricIds.readingComprehension}`).send({ name: 'Mine' }).expect(403);
      expect(edit.body).toMatchObject({ code: 'RUBRIC_IS_TEMPLATE', message: expect.stringContaining('copy it') });
      const remove = await user.delete(`/api/rubrics/${TemplateRubricIds.readingComprehension}`).expect(403);
      expect(remove.body.code).toBe('RUBRIC_IS_TEMPLATE');
    }
    const [after] = await t.dataSource.query(`SELECT * FROM rubrics WHERE id = $1`, [TemplateRubricIds.readingComprehension]);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ current_version: 1, deleted_at: null, user_id: null, is_template: true });
    expect(await versionRows(TemplateRubricIds.readingComprehension)).toHaveLength(1);
    expect(await loggedEvents(t.dataSource, { streamId: TemplateRubricIds.readingComprehension })).toEqual([]);
  });

  it('answers 400 naming the parameter for ids that are not UUIDs, and 401 without a session', async () => {
    const teacher = await signIn(t);
    const before = await activityCount(teacher.id);
    const idProblem = [{ field: 'id', message: 'id must be a UUID' }];
    for (const response of [
      await teacher.get('/api/rubrics/42'),
      await teacher.get('/api/rubrics/42/versions'),
      await teacher.post('/api/rubrics/42/copy').send({}),
      await teacher.patch('/api/rubrics/not-a-uuid').send({ name: 'x' }),
      await teacher.delete('/api/rubrics/not-a-uuid'),
    ]) {
      expect({ status: response.status, details: response.body.details }).toEqual({ status: 400, details: idProblem });
    }
    const badVersion = await teacher.get(`/api/rubrics/${TemplateRubricIds.labReport}/versions/first`).expect(400);
    expect(badVersion.body.details.map((d: { field: string }) => d.field)).toEqual(['version', 'version']);
    const zeroVersion = await teacher.get(`/api/rubrics/${TemplateRubricIds.labReport}/versions/0`).expect(400);
    expect(zeroVersion.body.details).toEqual([{ field: 'version', message: 'version must not be less than 1' }]);
    const missingVersion = await teacher.get(`/api/rubrics/${TemplateRubricIds.labReport}/versions/2`).expect(404);
    expect(missingVersion.body.message).toBe('Version 2 of this rubric not found');

    const anonymous = await request(t.http).get('/api/rubrics').expect(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    expect(await activityCount(teacher.id)).toBe(before);
    expect(await rubricRows(teacher.id)).toEqual([]);
  });
});
