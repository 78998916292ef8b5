import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../../libs/errors/domain-error.js';
import { Assignment } from './assignment.entity.js';
import { RubricNotFoundError } from './assignments.errors.js';

/**
 * Who reaches which assignment, in one place: a teacher reaches the assignments of the classes
 * they own (classes.user_id), archived classes included for reading. Any other id (another
 * teacher's, unknown) is "not found", so ids of other people's work cannot be probed.
 */

export interface OwnedClass {
  id: string;
  ownerId: string;
  archived: boolean;
}

/** A class of the caller's; `lockForShare` keeps it from being archived until the transaction ends. */
export async function findOwnedClass(manager: EntityManager, userId: string | null, classId: string, options: { lockForShare?: boolean } = {}): Promise<OwnedClass> {
  const rows: Array<{ id: string; user_id: string; archived: boolean }> = userId
    ? await manager.query(`SELECT id, user_id, archived_at IS NOT NULL AS archived FROM classes WHERE id = $1 AND user_id = $2${options.lockForShare ? ' FOR SHARE' : ''}`, [classId, userId])
    : [];
  if (rows.length === 0) throw new NotFoundError('Class');
  return { id: rows[0].id, ownerId: rows[0].user_id, archived: rows[0].archived };
}

/** An assignment with what its responses and rules need from the class and the rubric version. */
export interface OwnedAssignment {
  assignment: Assignment;
  ownerId: string;
  classArchived: boolean;
  /** The number of the pinned rubric version (rubric mode), else null. */
  rubricVersion: number | null;
}

/** The assignments reachable by a user, with their class's state and pinned rubric version number. */
export function ownedAssignments(manager: EntityManager, userId: string) {
  return manager
    .getRepository(Assignment)
    .createQueryBuilder('a')
    .innerJoin('classes', 'c', 'c.id = a.class_id AND c.user_id = :userId', { userId })
    .addSelect('c.user_id', 'owner_id')
    .addSelect('c.archived_at IS NOT NULL', 'class_archived')
    .addSelect('(SELECT rv.version FROM rubric_versions rv WHERE rv.id = a.rubric_version_id)', 'rubric_version');
}

/** Pairs the entities of an ownedAssignments() query with their extra columns. */
export function withAccess({ entities, raw }: { entities: Assignment[]; raw: Array<Record<string, unknown>> }): OwnedAssignment[] {
  return entities.map((assignment, index) => ({
    assignment,
    ownerId: raw[index].owner_id as string,
    classArchived: raw[index].class_archived as boolean,
    rubricVersion: raw[index].rubric_version === null ? null : Number(raw[index].rubric_version),
  }));
}

export async function findOwnedAssignment(manager: EntityManager, userId: string | null, assignmentId: string): Promise<OwnedAssignment> {
  if (!userId) throw new NotFoundError('Assignment');
  const [found] = withAccess(await ownedAssignments(manager, userId).where('a.id = :assignmentId', { assignmentId }).getRawAndEntities());
  if (!found) throw new NotFoundError('Assignment');
  return found;
}

export interface PinnedRubric {
  rubricId: string;
  rubricVersionId: string;
  version: number;
}

/**
 * The current version of a rubric the user may grade with: a template or their own, not deleted.
 * Anything else answers 404 naming rubricId, the same for someone else's, deleted and unknown ids.
 */
export async function pinCurrentRubricVersion(manager: EntityManager, userId: string, rubricId: string): Promise<PinnedRubric> {
  const rows: Array<{ version_id: string; version: number }> = await manager.query(
    `SELECT v.id AS version_id, v.version
       FROM rubrics r JOIN rubric_versions v ON v.rubric_id = r.id AND v.version = r.current_version
      WHERE r.id = $1 AND r.deleted_at IS NULL AND (r.is_template OR r.user_id = $2)`,
    [rubricId, userId],
  );
  if (rows.length === 0) throw new RubricNotFoundError();
  return { rubricId, rubricVersionId: rows[0].version_id, version: rows[0].version };
}
