import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Transaction } from '../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../../libs/errors/domain-error.js';
import { StudentAdded, StudentUpdated } from './classes.events.js';
import { DuplicateStudentError } from './classes.errors.js';
import type { RosterPlan, RosterStudent } from './classes.rules.js';
import { Student } from './student.entity.js';

export interface RosterWrite {
  classId: string;
  ownerId: string;
  plan: RosterPlan;
}

/**
 * Applies planned roster changes for any number of classes in a few set-based statements and
 * records StudentAdded / StudentUpdated for each student. Updates check the version each student
 * was read at; a student changed meanwhile fails the whole transaction with a 409.
 */
export async function applyRosterPlans(tx: Transaction, writes: readonly RosterWrite[], source: 'csv' | 'oneroster'): Promise<void> {
  const updates = writes.flatMap((write) => write.plan.updated.map((update) => ({ ...update, write })));
  const inserts = writes.flatMap((write) => write.plan.added.map((values) => ({ id: randomUUID(), values, write })));

  if (updates.length > 0) {
    // Unique (class, email) and (class, student id) are checked row by row, so two students that
    // swap emails would collide half-way: clear the changing values first, then set them all.
    const clearing = updates.filter((u) => u.changedFields.includes('email') || u.changedFields.includes('studentId'));
    if (clearing.length > 0) {
      await tx.manager.query(
        `UPDATE students s
            SET email = CASE WHEN v.clear_email THEN NULL ELSE s.email END,
                student_id = CASE WHEN v.clear_student_id THEN NULL ELSE s.student_id END
           FROM unnest($1::uuid[], $2::bool[], $3::bool[]) AS v(id, clear_email, clear_student_id)
          WHERE s.id = v.id`,
        [clearing.map((u) => u.student.id), clearing.map((u) => u.changedFields.includes('email')), clearing.map((u) => u.changedFields.includes('studentId'))],
      );
    }
    const [, affected]: [unknown, number] = await tx.manager.query(
      `UPDATE students s
          SET name = v.name, email = v.email, student_id = v.student_id, sourced_id = v.sourced_id, version = s.version + 1
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS v(id, version, name, email, student_id, sourced_id)
        WHERE s.id = v.id AND s.version = v.version`,
      [
        updates.map((u) => u.student.id),
        updates.map((u) => u.student.version),
        updates.map((u) => u.next.name),
        updates.map((u) => u.next.email),
        updates.map((u) => u.next.studentId),
        updates.map((u) => u.next.sourcedId),
      ],
    );
    if (affected !== updates.length) throw new ConcurrencyError('A student on this roster was changed by someone else during the import; nothing was imported, try again');
  }

  if (inserts.length > 0) {
    await tx.manager.query(
      `INSERT INTO students (id, class_id, name, email, student_id, sourced_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [
        inserts.map((i) => i.id),
        inserts.map((i) => i.write.classId),
        inserts.map((i) => i.values.name),
        inserts.map((i) => i.values.email),
        inserts.map((i) => i.values.studentId),
        inserts.map((i) => i.values.sourcedId),
      ],
    );
  }

  for (const { id, write } of inserts) {
    tx.record(StudentAdded, id, { studentId: id, classId: write.classId, ownerId: write.ownerId, source }, { expectedVersion: 0 });
  }
  for (const { student, changedFields, write } of updates) {
    tx.record(StudentUpdated, student.id, { studentId: student.id, classId: write.classId, ownerId: write.ownerId, changedFields }, { expectedVersion: student.version });
  }
}

/** The roster of the given classes, as the planner needs it. */
export async function loadRosters(tx: Transaction, classIds: readonly string[]): Promise<Map<string, RosterStudent[]>> {
  const rows: Array<RosterStudent & { classId: string }> = await tx.manager.query(
    `SELECT id, class_id AS "classId", name, email, student_id AS "studentId", sourced_id AS "sourcedId", version
       FROM students WHERE class_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    [classIds],
  );
  const rosters = new Map<string, RosterStudent[]>(classIds.map((id) => [id, []]));
  for (const { classId, ...student } of rows) rosters.get(classId)!.push(student);
  return rosters;
}

/** 409 naming the field when another student of the class already has this email or student id. */
export async function assertUniqueInClass(manager: EntityManager, classId: string, values: { email?: string | null; studentId?: string | null }, exceptStudentId?: string): Promise<void> {
  for (const field of ['email', 'studentId'] as const) {
    const value = values[field];
    if (!value) continue;
    const clash = manager.getRepository(Student).createQueryBuilder('s').where(`s.classId = :classId AND s.${field} = :value`, { classId, value });
    if (exceptStudentId) clash.andWhere('s.id <> :exceptStudentId', { exceptStudentId });
    if (await clash.getExists()) throw new DuplicateStudentError(field);
  }
}
