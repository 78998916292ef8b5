import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../../libs/errors/domain-error.js';
import type { AssignmentStatus } from '../assignments/assignments.events.js';
import type { RosterStudent } from './submissions.rules.js';

/**
 * Who reaches which submission, in one place: a teacher reaches the assignments of the classes
 * they own (classes.user_id) and the submissions of those assignments. Any other id (another
 * teacher's, unknown, malformed) is "not found", so ids of other people's work cannot be probed.
 * Assignments and classes belong to other modules and are read with SQL.
 */
export interface OwnedAssignment {
  assignmentId: string;
  classId: string;
  ownerId: string;
  status: AssignmentStatus;
  classArchived: boolean;
}

/** An assignment of the caller's; `lock` keeps it (and its class) from being archived until the transaction ends. */
export async function findOwnedAssignment(manager: EntityManager, userId: string | null, assignmentId: string, options: { lock?: boolean } = {}): Promise<OwnedAssignment> {
  const rows: Array<{ id: string; class_id: string; owner_id: string; status: AssignmentStatus; class_archived: boolean }> = userId
    ? await manager.query(
        `SELECT a.id, a.class_id, c.user_id AS owner_id, a.status, c.archived_at IS NOT NULL AS class_archived
           FROM assignments a JOIN classes c ON c.id = a.class_id
          WHERE a.id = $1 AND c.user_id = $2${options.lock ? ' FOR SHARE OF a, c' : ''}`,
        [assignmentId, userId],
      )
    : [];
  if (rows.length === 0) throw new NotFoundError('Assignment');
  const [row] = rows;
  return { assignmentId: row.id, classId: row.class_id, ownerId: row.owner_id, status: row.status, classArchived: row.class_archived };
}

export interface OwnedSubmission {
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  studentId: string | null;
  version: number;
  assignmentArchived: boolean;
}

/** A submission of one of the caller's assignments; `lock` takes the row for update. */
export async function findOwnedSubmission(manager: EntityManager, userId: string | null, submissionId: string, options: { lock?: boolean } = {}): Promise<OwnedSubmission> {
  const rows: Array<{ id: string; assignment_id: string; class_id: string; owner_id: string; student_id: string | null; version: number; archived: boolean }> = userId
    ? await manager.query(
        `SELECT s.id, s.assignment_id, a.class_id, c.user_id AS owner_id, s.student_id, s.version,
                (a.status = 'archived' OR c.archived_at IS NOT NULL) AS archived
           FROM submissions s JOIN assignments a ON a.id = s.assignment_id JOIN classes c ON c.id = a.class_id
          WHERE s.id = $1 AND c.user_id = $2${options.lock ? ' FOR NO KEY UPDATE OF s' : ''}`,
        [submissionId, userId],
      )
    : [];
  if (rows.length === 0) throw new NotFoundError('Submission');
  const [row] = rows;
  return {
    submissionId: row.id,
    assignmentId: row.assignment_id,
    classId: row.class_id,
    ownerId: row.owner_id,
    studentId: row.student_id,
    version: row.version,
    assignmentArchived: row.archived,
  };
}

/** The class's roster as matching needs it. */
export async function loadRoster(manager: EntityManager, classId: string): Promise<RosterStudent[]> {
  const rows: Array<{ id: string; name: string; student_id: string | null }> = await manager.query(`SELECT id, name, student_id FROM students WHERE class_id = $1 ORDER BY name, id`, [classId]);
  return rows.map((row) => ({ id: row.id, name: row.name, schoolId: row.student_id }));
}
