import type { EntityManager } from 'typeorm';
import type { AnswerKey } from '../../../libs/answer-key/answer-key.js';
import { DomainError, NotFoundError } from '../../../libs/errors/domain-error.js';
import type { Actor } from '../../../libs/event-store/event.js';
import type { RubricCriterion } from '../rubrics/rubrics.events.js';
import type { SubmissionStatus } from '../submissions/submissions.events.js';
import type { GradingMode } from './grading.events.js';

/**
 * Who reaches which grade, in one place: a teacher reaches the submissions of the assignments of the
 * classes they own (classes.user_id), and their grades. Any other id (another teacher's, unknown) is
 * "not found", so ids of other people's work cannot be probed. The system actor (the AI grader's jobs,
 * never an HTTP request: every API route needs a signed-in user) reaches every submission.
 * Submissions, assignments, classes and rubric versions belong to other modules and are read with SQL.
 */

/** A submission with what grading needs from its assignment and class. */
export interface GradableSubmission {
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  studentId: string | null;
  status: SubmissionStatus;
  /** The submission's event stream version. */
  version: number;
  gradingMode: GradingMode;
  /** The rubric version the assignment is graded with (rubric mode). */
  rubricVersionId: string | null;
  answerKey: AnswerKey | null;
  /** The assignment or its class is archived: grades stay as they are. */
  archived: boolean;
}

interface SubmissionRow {
  id: string;
  assignment_id: string;
  class_id: string;
  owner_id: string;
  student_id: string | null;
  status: SubmissionStatus;
  version: number;
  grading_mode: GradingMode;
  rubric_version_id: string | null;
  answer_key_data: AnswerKey | null;
  archived: boolean;
}

const isSystem = (actor: Actor) => actor.userId === null && actor.role === 'system';

/** Whom a query may show a row to: `c.user_id = $n` for a teacher, everything for the system actor. */
function ownerClause(actor: Actor, params: unknown[]): string | null {
  if (isSystem(actor)) return 'TRUE';
  if (!actor.userId) return null;
  params.push(actor.userId);
  return `c.user_id = $${params.length}`;
}

/**
 * A submission the actor may grade. `lock` takes its row until the transaction ends, which
 * serializes every grade write of that submission, and keeps its assignment and class from being
 * archived meanwhile.
 */
export async function findGradableSubmission(manager: EntityManager, actor: Actor, submissionId: string, options: { lock?: boolean } = {}): Promise<GradableSubmission> {
  const params: unknown[] = [submissionId];
  const owner = ownerClause(actor, params);
  const rows: SubmissionRow[] = owner
    ? await manager.query(
        `SELECT s.id, s.assignment_id, a.class_id, c.user_id AS owner_id, s.student_id, s.status, s.version,
                a.grading_mode, a.rubric_version_id, a.answer_key_data, (a.status = 'archived' OR c.archived_at IS NOT NULL) AS archived
           FROM submissions s JOIN assignments a ON a.id = s.assignment_id JOIN classes c ON c.id = a.class_id
          WHERE s.id = $1 AND ${owner}${options.lock ? ' FOR NO KEY UPDATE OF s FOR SHARE OF a, c' : ''}`,
        params,
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
    status: row.status,
    version: row.version,
    gradingMode: row.grading_mode,
    rubricVersionId: row.rubric_version_id,
    answerKey: row.answer_key_data,
    archived: row.archived,
  };
}

/** The submission a grade belongs to, if the actor reaches it (else 404 naming the grade). */
export async function findSubmissionOfGrade(manager: EntityManager, actor: Actor, gradeId: string): Promise<string> {
  const params: unknown[] = [gradeId];
  const owner = ownerClause(actor, params);
  const rows: Array<{ submission_id: string }> = owner
    ? await manager.query(
        `SELECT g.submission_id
           FROM grades g JOIN submissions s ON s.id = g.submission_id JOIN assignments a ON a.id = s.assignment_id JOIN classes c ON c.id = a.class_id
          WHERE g.id = $1 AND ${owner}`,
        params,
      )
    : [];
  if (rows.length === 0) throw new NotFoundError('Grade');
  return rows[0].submission_id;
}

/** An assignment with what grade lists, statistics and exports need. */
export interface GradedAssignment {
  assignmentId: string;
  classId: string;
  ownerId: string;
  title: string;
  gradingMode: GradingMode;
  rubricVersionId: string | null;
  answerKey: AnswerKey | null;
  archived: boolean;
}

/** An assignment of the caller's classes; `lock` keeps it (and its class) from being archived until the transaction ends. */
export async function findGradedAssignment(manager: EntityManager, actor: Actor, assignmentId: string, options: { lock?: boolean } = {}): Promise<GradedAssignment> {
  const params: unknown[] = [assignmentId];
  const owner = ownerClause(actor, params);
  const rows: Array<{ id: string; class_id: string; owner_id: string; title: string; grading_mode: GradingMode; rubric_version_id: string | null; answer_key_data: AnswerKey | null; archived: boolean }> =
    owner
      ? await manager.query(
          `SELECT a.id, a.class_id, c.user_id AS owner_id, a.title, a.grading_mode, a.rubric_version_id, a.answer_key_data,
                  (a.status = 'archived' OR c.archived_at IS NOT NULL) AS archived
             FROM assignments a JOIN classes c ON c.id = a.class_id
            WHERE a.id = $1 AND ${owner}${options.lock ? ' FOR SHARE OF a, c' : ''}`,
          params,
        )
      : [];
  if (rows.length === 0) throw new NotFoundError('Assignment');
  const [row] = rows;
  return {
    assignmentId: row.id,
    classId: row.class_id,
    ownerId: row.owner_id,
    title: row.title,
    gradingMode: row.grading_mode,
    rubricVersionId: row.rubric_version_id,
    answerKey: row.answer_key_data,
    archived: row.archived,
  };
}

/** The criteria of a rubric version (immutable snapshots, so no lock is needed). */
export async function rubricCriteria(manager: EntityManager, rubricVersionId: string): Promise<RubricCriterion[]> {
  const rows: Array<{ criteria: RubricCriterion[] }> = await manager.query(`SELECT criteria FROM rubric_versions WHERE id = $1`, [rubricVersionId]);
  if (rows.length === 0) throw new DomainError('conflict', 'ASSIGNMENT_NOT_READY', 'The rubric version this assignment is graded with no longer exists');
  return rows[0].criteria;
}
