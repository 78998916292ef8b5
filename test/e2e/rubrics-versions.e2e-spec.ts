import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type request from 'supertest';
import { TemplateRubricIds } from '../../src/modules/rubrics/rubrics.events.js';
import { loggedEvents } from '../factories/events.js';
import { createRubric, rubricBody } from '../factories/rubrics.js';
import { signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

describe('rubric versions: edits never change graded work in place', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function versionNumbers(rubricId: string): Promise<number[]> {
    const rows: Array<{ version: number }> = await t.dataSource.query(`SELECT version FROM rubric_versions WHERE rubric_id = $1 ORDER BY version`, [rubricId]);
    return rows.map((row) => row.version);
  }
  async function currentVersion(rubricId: string): Promise<number> {
    const [row] = await t.dataSource.query(`SELECT current_version FROM rubrics WHERE id = $1`, [rubricId]);
    return row.current_version;
  }

  it('editing creates version 2 while version 1 still returns the original snapshot exactly', async () => {
    const teacher = await signIn(t);
    const created = await createRubric(teacher);
    const original = await teacher.get(`/api/rubrics/${created.id}/versions/1`).expect(200);
    expect(original.body).toEqual({
      id: created.versionId,
      rubricId: created.id,
      version: 1,
      name: 'Persuasive Paragraph',
      description: '5th grade opinion writing',
      subject: 'ELA',
      gradeLevel: '5th',
      maxPoints: 6.5,
      criteria: rubricBody().criteria,
      createdAt: expect.any(String),
    });

    const criteria = [
      { id: 'claim', name: 'Claim and focus', max_points: 5, levels: [{ points: 5, description: 'Precise claim, sustained focus' }, { points: 0, description: 'No claim' }] },
      { id: 'counterclaim', name: 'Counterclaim', max_points: 3, levels: [{ points: 3, description: 'Addresses a counterclaim' }, { points: 0, description: 'None' }] },
    ];
    const edited = await teacher
      .patch(`/api/rubrics/${created.id}`)
      .set('If-Match', '"1"')
      .set('X-Request-Id', `edit-${created.id}`)
      .send({ name: 'Argument Paragraph', description: null, criteria })
      .expect(200);
    expect(edited.headers.etag).toBe('"2"');
    expect(edited.body).toMatchObject({ id: created.id, name: 'Argument Paragraph', description: null, version: 2, maxPoints: 8, criteriaCount: 2, subject: 'ELA' });
    expect(edited.body.versionId).not.toBe(created.versionId);
    expect(edited.body.criteria).toEqual(criteria);

    const again = await teacher.get(`/api/rubrics/${created.id}/versions/1`).expect(200);
    expect(again.body).toEqual(original.body);
    const second = await teacher.get(`/api/rubrics/${created.id}/versions/2`).expect(200);
    expect(second.body).toMatchObject({ id: edited.body.versionId, version: 2, name: 'Argument Paragraph', description: null, maxPoints: 8, criteria });
    const list = await teacher.get(`/api/rubrics/${created.id}/versions`).expect(200);
    expect(list.body).toMatchObject({
      rubricId: created.id,
      currentVersion: 2,
      items: [
        { id: created.versionId, version: 1, name: 'Persuasive Paragraph', maxPoints: 6.5, criteriaCount: 2 },
        { id: edited.body.versionId, version: 2, name: 'Argument Paragraph', maxPoints: 8, criteriaCount: 2 },
      ],
    });
    const current = await teacher.get(`/api/rubrics/${created.id}`).expect(200);
    expect(current.headers.etag).toBe('"2"');
    expect(current.body).toMatchObject({ version: 2, versionId: edited.body.versionId, name: 'Argument Paragraph' });

    const events = await loggedEvents(t.dataSource, { streamId: created.id });
    expect(events.map((e) => [e.eventType, e.action, e.streamVersion])).toEqual([
      ['RubricCreated', 'rubric.create', 1],
      ['RubricVersioned', 'rubric.update', 2],
    ]);
    expect(events[1]).toMatchObject({
      userId: teacher.id,
      requestId: `edit-${created.id}`,
      metadata: { rubricId: created.id, ownerId: teacher.id, versionId: edited.body.versionId, fromVersion: 1, toVersion: 2, changed: ['name', 'description', 'criteria'], maxPoints: 8 },
    });
    expect(JSON.stringify(events)).not.toMatch(/Counterclaim|counterclaim|sustained focus/);
    expect(await versionNumbers(created.id)).toEqual([1, 2]);
    expect(await currentVersion(created.id)).toBe(2);
  });

  it('keeps snapshots immutable in the database itself', async () => {
    const teacher = await signIn(t);
    const created = await createRubric(teacher);
    await expect(t.dataSource.query(`UPDATE rubric_versions SET name = 'Rewritten' WHERE rubric_id = $1`, [created.id])).rejects.toThrow(/immutable snapshots/);
    const snapshot = await teacher.get(`/api/rubrics/${created.id}/versions/1`).expect(200);
    expect(snapshot.body.name).toBe('Persuasive Paragraph');
    expect((await loggedEvents(t.dataSource, { streamId: created.id })).map((e) => e.eventType)).toEqual(['RubricCreated']);
  });

  it('refuses in the database a rubric without its current snapshot, an owned template and non-array criteria', async () => {
    const teacher = await signIn(t);
    const insert = (isTemplate: boolean, userId: string | null, criteria: string) =>
      t.dataSource.query(`INSERT INTO rubrics (user_id, name, is_template, criteria, max_points, current_version) VALUES ($1, 'Raw', $2, $3::jsonb, 1, 1)`, [userId, isTemplate, criteria]);
    await expect(insert(false, teacher.id, '[]')).rejects.toMatchObject({ driverError: { code: '23503', constraint: 'rubrics_current_version_fk' } });
    await expect(insert(true, teacher.id, '[]')).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'rubrics_template_owner_check' } });
    await expect(insert(false, null, '[]')).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'rubrics_template_owner_check' } });
    await expect(insert(false, teacher.id, '{}')).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'criteria_is_array' } });
    const [rows] = await t.dataSource.query(`SELECT count(*)::int AS n FROM rubrics WHERE name = 'Raw'`);
    expect(rows.n).toBe(0);
    expect(await loggedEvents(t.dataSource, { userId: teacher.id, action: 'rubric.create' })).toEqual([]);
  });

  it('versions a metadata-only edit too, and an edit that changes nothing makes no version and records nothing', async () => {
    const teacher = await signIn(t);
    const created = await createRubric(teacher);
    const reordered = created.criteria.map(({ levels, max_points, name, id, description }: Record<string, unknown>) => ({ levels, max_points, name, id, description }));
    const same = await teacher.patch(`/api/rubrics/${created.id}`).send({ name: ' Persuasive Paragraph ', subject: 'ELA', criteria: reordered }).expect(200);
    expect(same.body).toMatchObject({ version: 1, versionId: created.versionId });
    expect(await versionNumbers(created.id)).toEqual([1]);

    const regraded = await teacher.patch(`/api/rubrics/${created.id}`).send({ gradeLevel: '6th' }).expect(200);
    expect(regraded.body).toMatchObject({ version: 2, gradeLevel: '6th', maxPoints: 6.5 });
    const snapshot = await teacher.get(`/api/rubrics/${created.id}/versions/2`).expect(200);
    expect(snapshot.body).toMatchObject({ gradeLevel: '6th', criteria: created.criteria });

    const events = await loggedEvents(t.dataSource, { streamId: created.id });
    expect(events.map((e) => e.eventType)).toEqual(['RubricCreated', 'RubricVersioned']);
    expect(events[1].metadata).toMatchObject({ fromVersion: 1, toVersion: 2, changed: ['gradeLevel'] });
    expect(await versionNumbers(created.id)).toEqual([1, 2]);
  });

  it('refuses a stale or malformed If-Match and writes nothing', async () => {
    const teacher = await signIn(t);
    const created = await createRubric(teacher);
    await teacher.patch(`/api/rubrics/${created.id}`).set('If-Match', '1').send({ name: 'Second draft' }).expect(200);

    const stale = await teacher.patch(`/api/rubrics/${created.id}`).set('If-Match', '1').send({ name: 'Based on the first draft' }).expect(409);
    expect(stale.body).toMatchObject({ code: 'RUBRIC_VERSION_STALE', message: 'This rubric is at version 2, not 1; reload it and apply your changes again' });
    const malformed = await teacher.patch(`/api/rubrics/${created.id}`).set('If-Match', 'latest').send({ name: 'Whatever' }).expect(400);
    expect(malformed.body.details).toEqual([{ field: 'If-Match', message: 'If-Match must be the version you last read, for example "3"' }]);

    const current = await teacher.get(`/api/rubrics/${created.id}`).expect(200);
    expect(current.body).toMatchObject({ version: 2, name: 'Second draft' });
    expect(await versionNumbers(created.id)).toEqual([1, 2]);
    expect((await loggedEvents(t.dataSource, { streamId: created.id })).map((e) => e.eventType)).toEqual(['RubricCreated', 'RubricVersioned']);
  });

  it('lets only one of two concurrent edits of the same version win; the other gets 409', async () => {
    const teacher = await signIn(t);
    const created = await createRubric(teacher);
    const responses = await Promise.all(
      ['Edit from the laptop', 'Edit from the tablet'].map((name) => teacher.patch(`/api/rubrics/${created.id}`).set('If-Match', '1').send({ name }).then((r) => r)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = responses.find((r) => r.status === 200)!;
    const loser = responses.find((r) => r.status === 409)!;
    expect(['RUBRIC_VERSION_STALE', 'CONCURRENT_EDIT']).toContain(loser.body.code);

    const current = await teacher.get(`/api/rubrics/${created.id}`).expect(200);
    expect(current.body).toMatchObject({ version: 2, name: winner.body.name });
    expect(await versionNumbers(created.id)).toEqual([1, 2]);
    const events = await loggedEvents(t.dataSource, { streamId: created.id });
    expect(events.map((e) => [e.eventType, e.streamVersion])).toEqual([['RubricCreated', 1], ['RubricVersioned', 2]]);
  });

  it('turns an edit that lost the race after reading the same version into a 409, even without If-Match', async () => {
    const teacher = await signIn(t);
    const created = await createRubric(teacher);
    // Hold the row so both edits read version 1 and then queue on the UPDATE; release and one must lose.
    const blocker = t.dataSource.createQueryRunner();
    await blocker.connect();
    let responses: request.Response[];
    try {
      await blocker.startTransaction();
      await blocker.query(`SELECT id FROM rubrics WHERE id = $1 FOR UPDATE`, [created.id]);
      const pending = ['Edit A', 'Edit B'].map((name) => teacher.patch(`/api/rubrics/${created.id}`).send({ name }).then((r) => r));
      await waitForBlockedRubricUpdates(2);
      await blocker.commitTransaction();
      responses = await Promise.all(pending);
    } finally {
      await blocker.release();
    }

    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(responses.find((r) => r.status === 409)!.body.code).toBe('CONCURRENT_EDIT');
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body).toMatchObject({ version: 2 });
    expect(await versionNumbers(created.id)).toEqual([1, 2]);
    expect(await currentVersion(created.id)).toBe(2);
    const events = await loggedEvents(t.dataSource, { streamId: created.id });
    expect(events.map((e) => [e.eventType, e.streamVersion])).toEqual([['RubricCreated', 1], ['RubricVersioned', 2]]);
  });

  it('lists the single version of a template with its fixed version id', async () => {
    const teacher = await signIn(t);
    const versions = await teacher.get(`/api/rubrics/${TemplateRubricIds.shortAnswer}/versions`).expect(200);
    expect(versions.body).toMatchObject({
      rubricId: TemplateRubricIds.shortAnswer,
      currentVersion: 1,
      items: [{ id: '5eed0000-0000-4000-9000-000000000004', version: 1, name: 'Short Answer Response', maxPoints: 7, criteriaCount: 4 }],
    });
    const snapshot = await teacher.get(`/api/rubrics/${TemplateRubricIds.shortAnswer}/versions/1`).expect(200);
    const template = await teacher.get(`/api/rubrics/${TemplateRubricIds.shortAnswer}`).expect(200);
    expect(snapshot.body.criteria).toEqual(template.body.criteria);
    expect(await versionNumbers(TemplateRubricIds.shortAnswer)).toEqual([1]);
    expect(await loggedEvents(t.dataSource, { userId: teacher.id, action: 'rubric.update' })).toEqual([]);
  });

  async function waitForBlockedRubricUpdates(count: number): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE "rubrics"%'`,
      );
      if (row.n >= count) return;
      await sleep(25);
    }
    throw new Error(`expected ${count} rubric updates waiting on the row lock`);
  }
});
