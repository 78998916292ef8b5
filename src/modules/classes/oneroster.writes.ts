import { randomUUID } from 'node:crypto';
import type { Transaction } from '../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError, type ErrorDetail } from '../../../libs/errors/domain-error.js';
import { SchoolCreated, SchoolUpdated, UserCreated } from '../auth/auth.events.js';
import type { ImportCountsDto } from './classes.dto.js';
import { ClassCreated, ClassReassigned, ClassUpdated } from './classes.events.js';
import { type ClassValues, classChanges, ONEROSTER_MATCHING, planRoster } from './classes.rules.js';
import type { OneRosterBundle, OneRosterClass } from './oneroster.parser.js';
import { applyRosterPlans, loadRosters, type RosterWrite } from './roster.writes.js';

/**
 * The database side of a OneRoster import, one step per kind, each in a few set-based statements.
 * They run inside the import's UnitOfWork, in this order: schools, teachers, classes, students.
 */

type Counts = ImportCountsDto;

/** Schools by sourcedId; the district org's name goes to schools.district. Returns sourcedId → school id. */
export async function importSchools(tx: Transaction, bundle: OneRosterBundle, counts: Counts): Promise<Map<string, string>> {
  const existing: Array<{ id: string; sourced_id: string; name: string; district: string | null }> = await tx.manager.query(
    `SELECT id, sourced_id, name, district FROM schools WHERE sourced_id = ANY($1::text[])`,
    [bundle.schools.map((s) => s.sourcedId)],
  );
  const bySourcedId = new Map(existing.map((row) => [row.sourced_id, row]));
  const ids = new Map<string, string>();
  const inserts: Array<{ id: string; name: string; district: string | null; sourcedId: string }> = [];
  const updates: Array<{ id: string; name: string; district: string | null; changed: string[] }> = [];
  for (const school of bundle.schools) {
    const found = bySourcedId.get(school.sourcedId);
    if (!found) {
      const id = randomUUID();
      inserts.push({ id, name: school.name, district: school.district, sourcedId: school.sourcedId });
      ids.set(school.sourcedId, id);
      continue;
    }
    ids.set(school.sourcedId, found.id);
    const changed = (['name', 'district'] as const).filter((field) => school[field] !== found[field]);
    if (changed.length > 0) updates.push({ id: found.id, name: school.name, district: school.district, changed });
    else counts.unchanged++;
  }
  if (inserts.length > 0) {
    await tx.manager.query(`INSERT INTO schools (id, name, district, sourced_id) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`, [
      inserts.map((s) => s.id),
      inserts.map((s) => s.name),
      inserts.map((s) => s.district),
      inserts.map((s) => s.sourcedId),
    ]);
  }
  if (updates.length > 0) {
    await tx.manager.query(`UPDATE schools s SET name = v.name, district = v.district FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, name, district) WHERE s.id = v.id`, [
      updates.map((s) => s.id),
      updates.map((s) => s.name),
      updates.map((s) => s.district),
    ]);
  }
  for (const { id } of inserts) tx.record(SchoolCreated, id, { schoolId: id, source: 'oneroster' }, { expectedVersion: 0 });
  for (const { id, changed } of updates) tx.record(SchoolUpdated, id, { schoolId: id, changed });
  counts.created += inserts.length;
  counts.updated += updates.length;
  return ids;
}

/**
 * Teachers are matched to HandMark users by sourcedId, else by email; existing users are left as
 * they are (their role and school are HandMark's). The others are created as teachers, ready to
 * sign in with Google. Returns sourcedId → user id.
 */
export async function importTeachers(tx: Transaction, bundle: OneRosterBundle, schoolIds: Map<string, string>, counts: Counts, problems: ErrorDetail[]): Promise<Map<string, string>> {
  const existing: Array<{ id: string; email: string; sourced_id: string | null }> = await tx.manager.query(
    `SELECT id, email, sourced_id FROM users WHERE sourced_id = ANY($1::text[]) OR email = ANY($2::text[])`,
    [bundle.teachers.map((t) => t.sourcedId), bundle.teachers.map((t) => t.email)],
  );
  const bySourcedId = new Map(existing.filter((u) => u.sourced_id).map((u) => [u.sourced_id!, u]));
  const byEmail = new Map(existing.map((u) => [u.email, u]));
  const ids = new Map<string, string>();
  const claimedBy = new Map<string, string>();
  const inserts: Array<{ id: string; email: string; name: string | null; schoolId: string | null; sourcedId: string }> = [];
  for (const teacher of bundle.teachers) {
    const found = bySourcedId.get(teacher.sourcedId) ?? byEmail.get(teacher.email);
    if (!found) {
      const id = randomUUID();
      inserts.push({ id, email: teacher.email, name: teacher.name, schoolId: teacher.schoolSourcedId ? (schoolIds.get(teacher.schoolSourcedId) ?? null) : null, sourcedId: teacher.sourcedId });
      ids.set(teacher.sourcedId, id);
      continue;
    }
    const other = claimedBy.get(found.id);
    if (other) {
      problems.push({ field: `${teacher.label}, email`, message: `belongs to the HandMark user already matched to ${other}` });
      continue;
    }
    claimedBy.set(found.id, teacher.label);
    ids.set(teacher.sourcedId, found.id);
    counts.unchanged++;
  }
  if (inserts.length > 0) {
    await tx.manager.query(
      `INSERT INTO users (id, email, name, role, school_id, sourced_id)
       SELECT v.id, v.email, v.name, 'teacher', v.school_id, v.sourced_id
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[]) AS v(id, email, name, school_id, sourced_id)`,
      [inserts.map((u) => u.id), inserts.map((u) => u.email), inserts.map((u) => u.name), inserts.map((u) => u.schoolId), inserts.map((u) => u.sourcedId)],
    );
  }
  for (const user of inserts) tx.record(UserCreated, user.id, { userId: user.id, role: 'teacher', schoolId: user.schoolId, source: 'oneroster' }, { expectedVersion: 0 });
  counts.created += inserts.length;
  return ids;
}

interface ExistingClass extends ClassValues {
  id: string;
  ownerId: string;
  sourcedId: string;
  version: number;
  archived: boolean;
}

export interface ClassRoster {
  classId: string;
  ownerId: string;
  isNew: boolean;
  source: OneRosterClass;
}

/** Classes by sourcedId; returns the rosters to import (archived classes are skipped). */
export async function importClasses(tx: Transaction, bundle: OneRosterBundle, schoolIds: Map<string, string>, teacherIds: Map<string, string>, counts: Counts): Promise<ClassRoster[]> {
  const existing: ExistingClass[] = await tx.manager.query(
    `SELECT id, user_id AS "ownerId", school_id AS "schoolId", name, grade_level AS "gradeLevel", subject, academic_year AS "academicYear",
            sourced_id AS "sourcedId", version, archived_at IS NOT NULL AS archived
       FROM classes WHERE sourced_id = ANY($1::text[])`,
    [bundle.classes.map((c) => c.sourcedId)],
  );
  const bySourcedId = new Map(existing.map((c) => [c.sourcedId, c]));
  const rosters: ClassRoster[] = [];
  const inserts: Array<{ id: string; ownerId: string; fields: ClassValues; sourcedId: string }> = [];
  const updates: Array<{ found: ExistingClass; ownerId: string; fields: ClassValues; events: number }> = [];
  for (const source of bundle.classes) {
    const ownerId = teacherIds.get(source.ownerSourcedId)!;
    const fields: ClassValues = {
      name: source.name,
      gradeLevel: source.gradeLevel,
      subject: source.subject,
      academicYear: source.academicYear,
      schoolId: schoolIds.get(source.schoolSourcedId) ?? null,
    };
    const found = bySourcedId.get(source.sourcedId);
    if (!found) {
      const id = randomUUID();
      inserts.push({ id, ownerId, fields, sourcedId: source.sourcedId });
      rosters.push({ classId: id, ownerId, isNew: true, source });
      continue;
    }
    if (found.archived) {
      counts.unchanged++;
      continue;
    }
    rosters.push({ classId: found.id, ownerId, isNew: false, source });
    const changes = classChanges(found, fields);
    let version = found.version;
    if (Object.keys(changes).length > 0) {
      tx.record(ClassUpdated, found.id, { classId: found.id, ownerId, changes }, { expectedVersion: version++ });
    }
    if (ownerId !== found.ownerId) {
      const students = await rosterSize(tx, found.id);
      tx.record(ClassReassigned, found.id, { classId: found.id, ownerId, previousOwnerId: found.ownerId, students }, { expectedVersion: version++ });
    }
    if (version !== found.version) updates.push({ found, ownerId, fields, events: version - found.version });
    else counts.unchanged++;
  }

  if (inserts.length > 0) {
    await tx.manager.query(
      `INSERT INTO classes (id, user_id, school_id, name, grade_level, subject, academic_year, sourced_id, version)
       SELECT v.*, 1 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                      AS v(id, user_id, school_id, name, grade_level, subject, academic_year, sourced_id)`,
      [
        inserts.map((c) => c.id),
        inserts.map((c) => c.ownerId),
        inserts.map((c) => c.fields.schoolId),
        inserts.map((c) => c.fields.name),
        inserts.map((c) => c.fields.gradeLevel),
        inserts.map((c) => c.fields.subject),
        inserts.map((c) => c.fields.academicYear),
        inserts.map((c) => c.sourcedId),
      ],
    );
  }
  if (updates.length > 0) {
    const [, affected]: [unknown, number] = await tx.manager.query(
      `UPDATE classes c
          SET user_id = v.user_id, school_id = v.school_id, name = v.name, grade_level = v.grade_level, subject = v.subject,
              academic_year = v.academic_year, version = c.version + v.events
         FROM unnest($1::uuid[], $2::int[], $3::int[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[])
              AS v(id, version, events, user_id, school_id, name, grade_level, subject, academic_year)
        WHERE c.id = v.id AND c.version = v.version AND c.archived_at IS NULL`,
      [
        updates.map((u) => u.found.id),
        updates.map((u) => u.found.version),
        updates.map((u) => u.events),
        updates.map((u) => u.ownerId),
        updates.map((u) => u.fields.schoolId),
        updates.map((u) => u.fields.name),
        updates.map((u) => u.fields.gradeLevel),
        updates.map((u) => u.fields.subject),
        updates.map((u) => u.fields.academicYear),
      ],
    );
    if (affected !== updates.length) throw new ConcurrencyError('A class in the bundle was changed by its teacher during the import; nothing was imported, try again');
  }
  for (const { id, ownerId, fields } of inserts) {
    tx.record(ClassCreated, id, { classId: id, ownerId, fields, source: 'oneroster' }, { expectedVersion: 0 });
  }
  counts.created += inserts.length;
  counts.updated += updates.length;
  return rosters;
}

/** One students row per class enrollment, matched within the class by sourcedId. */
export async function importStudents(tx: Transaction, rosters: ClassRoster[], counts: Counts, problems: ErrorDetail[]): Promise<void> {
  const existing = await loadRosters(
    tx,
    rosters.filter((r) => !r.isNew).map((r) => r.classId),
  );
  const writes: RosterWrite[] = [];
  for (const roster of rosters) {
    const plan = planRoster(existing.get(roster.classId) ?? [], roster.source.students, ONEROSTER_MATCHING);
    problems.push(...plan.errors);
    counts.created += plan.added.length;
    counts.updated += plan.updated.length;
    counts.unchanged += plan.unchanged;
    if (plan.added.length > 0 || plan.updated.length > 0) writes.push({ classId: roster.classId, ownerId: roster.ownerId, plan });
  }
  if (problems.length === 0) await applyRosterPlans(tx, writes, 'oneroster');
}

async function rosterSize(tx: Transaction, classId: string): Promise<number> {
  const [{ count }]: Array<{ count: number }> = await tx.manager.query(`SELECT count(*)::int AS count FROM students WHERE class_id = $1`, [classId]);
  return count;
}
