import type { EntityManager } from 'typeorm';
import { DomainError, NotFoundError } from '../../../libs/errors/domain-error.js';
import { Rubric } from './rubric.entity.js';

/**
 * Who reaches which rubric, in one place: everyone reads templates; a teacher reads and changes
 * only their own rubrics; any other id (someone else's, deleted, unknown) is "not found".
 */
export async function findVisibleRubric(manager: EntityManager, userId: string, rubricId: string, options: { includeDeleted?: boolean } = {}): Promise<Rubric> {
  const query = manager.getRepository(Rubric).createQueryBuilder('r').where('r.id = :rubricId', { rubricId }).andWhere('(r.isTemplate OR r.userId = :userId)', { userId });
  if (!options.includeDeleted) query.andWhere('r.deletedAt IS NULL');
  const rubric = await query.getOne();
  if (!rubric) throw new NotFoundError('Rubric');
  return rubric;
}

/** A rubric the user may edit or delete: their own. Templates are read-only for everyone. */
export async function findEditableRubric(manager: EntityManager, userId: string, rubricId: string): Promise<Rubric> {
  const rubric = await findVisibleRubric(manager, userId, rubricId);
  if (rubric.isTemplate) {
    throw new DomainError('forbidden', 'RUBRIC_IS_TEMPLATE', 'Template rubrics cannot be edited or deleted; copy it with POST /api/rubrics/:id/copy and change the copy');
  }
  return rubric;
}
