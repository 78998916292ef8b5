import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SignedInUser } from './users.js';

export interface CreatedClass {
  id: string;
  name: string;
  version: number;
  [key: string]: unknown;
}

export interface CreatedStudent {
  id: string;
  classId: string;
  name: string;
  email: string | null;
  studentId: string | null;
  version: number;
}

/** Creates a class through the API, as its teacher would. */
export async function createClass(teacher: SignedInUser, fields: { name?: string; gradeLevel?: string; subject?: string; academicYear?: string } = {}): Promise<CreatedClass> {
  const response = await teacher
    .post('/api/classes')
    .send({ name: `Period ${randomUUID().slice(0, 4)} Math`, ...fields })
    .expect(201);
  return response.body;
}

/** Adds a student through the API. */
export async function addStudent(teacher: SignedInUser, classId: string, fields: { name?: string; email?: string; studentId?: string } = {}): Promise<CreatedStudent> {
  const response = await teacher
    .post(`/api/classes/${classId}/students`)
    .send({ name: `Student ${randomUUID().slice(0, 6)}`, ...fields })
    .expect(201);
  return response.body;
}

/** The class row as stored. */
export async function classRow(dataSource: DataSource, id: string): Promise<Record<string, any> | undefined> {
  const [row] = await dataSource.query(`SELECT * FROM classes WHERE id = $1`, [id]);
  return row;
}

/** The roster rows of a class as stored, by name. */
export async function studentRows(dataSource: DataSource, classId: string): Promise<Array<Record<string, any>>> {
  return dataSource.query(`SELECT id, name, email, student_id, sourced_id, version FROM students WHERE class_id = $1 ORDER BY name, id`, [classId]);
}

/**
 * How many events a user has caused: a rejected request must not change it. Counted per user
 * because other test files write to the same database at the same time.
 */
export async function activityLogCount(dataSource: DataSource, userId: string): Promise<number> {
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM activity_logs WHERE user_id = $1`, [userId]);
  return count;
}
