import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { answerKeyQuestions } from '../../../../libs/answer-key/answer-key.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { AssignmentStats } from '../assignment-stats.entity.js';
import { agreementOf } from './get-ai-agreement.query.js';
import { findGradedAssignment, rubricCriteria } from '../grading.access.js';
import { type AssignmentStatsDto, toAssignmentStatsDto } from '../grading.dto.js';
import { questionId } from '../grading.rules.js';
import { assignmentStatsProjector } from '../projections/assignment-stats.projector.js';

/** The projected statistics of one of the viewer's assignments (zeros before its first submission). */
export class GetAssignmentStatsQuery extends Query<AssignmentStatsDto> {
  constructor(
    readonly viewer: Actor,
    readonly assignmentId: string,
  ) {
    super();
  }
}

@QueryHandler(GetAssignmentStatsQuery)
export class GetAssignmentStatsHandler implements IQueryHandler<GetAssignmentStatsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, assignmentId }: GetAssignmentStatsQuery): Promise<AssignmentStatsDto> {
    const assignment = await findGradedAssignment(this.dataSource.manager, viewer, assignmentId);
    const row = (await this.dataSource.getRepository(AssignmentStats).findOneBy({ assignmentId })) ?? assignmentStatsProjector.initial(assignmentId);
    const order =
      assignment.gradingMode === 'rubric' && assignment.rubricVersionId
        ? (await rubricCriteria(this.dataSource.manager, assignment.rubricVersionId)).map((criterion) => ({ id: criterion.id, name: criterion.name }))
        : assignment.answerKey
          ? answerKeyQuestions(assignment.answerKey).map((question) => ({ id: questionId(question.question), name: null }))
          : [];
    return { ...toAssignmentStatsDto(row, order), agreement: await agreementOf(this.dataSource.manager, assignment) };
  }
}
