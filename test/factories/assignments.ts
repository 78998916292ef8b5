import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TemplateRubricIds } from '../../src/modules/rubrics/rubrics.events.js';
import type { SignedInUser } from './users.js';

/**
 * A class row owned by `teacherId`, written straight to the table: assignment tests need a class,
 * not the class module's write path (and record no class events of their own).
 */
export async function insertClass(dataSource: DataSource, teacherId: string, options: { archived?: boolean } = {}): Promise<string> {
  const [row] = await dataSource.query(`INSERT INTO classes (user_id, name, archived_at) VALUES ($1, $2, $3) RETURNING id`, [
    teacherId,
    `Period ${randomUUID().slice(0, 4)} Science`,
    options.archived ? new Date() : null,
  ]);
  return row.id;
}

/** The seed's answer key example, with any field replaced. */
export function answerKeyData(overrides: Record<string, unknown> = {}) {
  return { type: 'text', answers: ['42', 'Yes', 'Photosynthesis'], points_per_question: 5, total_questions: 3, ...overrides };
}

/** A valid rubric-mode body for POST /api/classes/:classId/assignments (the Math Problem Solving template). */
export function rubricAssignmentBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Fractions word problems',
    instructions: 'Show your work for every problem.',
    gradingMode: 'rubric',
    rubricId: TemplateRubricIds.mathProblemSolving,
    dueDate: '2026-03-02T15:00:00.000Z',
    ...overrides,
  };
}

/** A valid answer-key body for POST /api/classes/:classId/assignments. */
export function answerKeyAssignmentBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Unit 3 quiz',
    gradingMode: 'answer_key',
    answerKeyData: answerKeyData(),
    ...overrides,
  };
}

/** Creates an assignment through the API and returns the response body. */
export async function createAssignment(teacher: SignedInUser, classId: string, body: Record<string, unknown> = rubricAssignmentBody()): Promise<Record<string, any>> {
  const response = await teacher.post(`/api/classes/${classId}/assignments`).send(body).expect(201);
  return response.body;
}

/** Moves an assignment to a status through the API (along legal transitions only). */
export async function moveTo(teacher: SignedInUser, assignmentId: string, ...statuses: string[]): Promise<Record<string, any>> {
  let body: Record<string, any> = {};
  for (const status of statuses) body = (await teacher.post(`/api/assignments/${assignmentId}/status`).send({ status }).expect(200)).body;
  return body;
}

/** The assignment row as stored. */
export async function assignmentRow(dataSource: DataSource, id: string): Promise<Record<string, any> | undefined> {
  const [row] = await dataSource.query(`SELECT * FROM assignments WHERE id = $1`, [id]);
  return row;
}

/** The assignment rows of a class, oldest first. */
export async function assignmentRows(dataSource: DataSource, classId: string): Promise<Array<Record<string, any>>> {
  return dataSource.query(`SELECT id, title, status, version FROM assignments WHERE class_id = $1 ORDER BY created_at, id`, [classId]);
}

/** How many events a user has caused (per user: other test files share the database). */
export async function eventCount(dataSource: DataSource, userId: string): Promise<number> {
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM activity_logs WHERE user_id = $1`, [userId]);
  return count;
}
