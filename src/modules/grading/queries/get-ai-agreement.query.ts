import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { answerKeyQuestions } from '../../../../libs/answer-key/answer-key.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { assignmentAgreement, type ScorePair } from '../ai-grading.agreement.js';
import type { AgreementDto } from '../ai-grading.dto.js';
import { findGradedAssignment, type GradedAssignment, rubricCriteria } from '../grading.access.js';
import { questionId } from '../grading.rules.js';

/** How often the teacher kept the AI's scores on one of the viewer's assignments (also part of its stats). */
export class GetAiAgreementQuery extends Query<AgreementDto> {
  constructor(
    readonly viewer: Actor,
    readonly assignmentId: string,
  ) {
    super();
  }
}

@QueryHandler(GetAiAgreementQuery)
export class GetAiAgreementHandler implements IQueryHandler<GetAiAgreementQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, assignmentId }: GetAiAgreementQuery): Promise<AgreementDto> {
    const assignment = await findGradedAssignment(this.dataSource.manager, viewer, assignmentId);
    return agreementOf(this.dataSource.manager, assignment);
  }
}

/**
 * Pairs (AI score, final score) per criterion from the assignment's approved AI grades. The AI's
 * scores are those it proposed (ai_reasoning.scores, kept through a teacher's edit); grades approved
 * automatically and never touched by a teacher are left out, since nobody judged them.
 */
export async function agreementOf(manager: EntityManager, assignment: GradedAssignment): Promise<AgreementDto> {
  const rows: Array<{ ai_scores: Array<{ criterionId: string; score: number }>; criteria_scores: Array<{ criterion_id: string; score: number | string }> | null; answers: Array<{ question: number; points: number | string }> | null }> =
    await manager.query(
      `SELECT g.ai_reasoning->'scores' AS ai_scores, g.criteria_scores, g.answers
         FROM grades g JOIN submissions s ON s.id = g.submission_id
        WHERE s.assignment_id = $1 AND g.source = 'ai' AND g.teacher_approved AND (g.approved_by IS NOT NULL OR g.teacher_modified)
          AND jsonb_typeof(g.ai_reasoning->'scores') = 'array'`,
      [assignment.assignmentId],
    );
  const pairs = new Map<string, ScorePair[]>();
  for (const row of rows) {
    const final = new Map<string, number>(
      row.criteria_scores
        ? row.criteria_scores.map((score) => [score.criterion_id, Number(score.score)])
        : (row.answers ?? []).map((answer) => [questionId(answer.question), Number(answer.points)]),
    );
    for (const ai of row.ai_scores) {
      if (!final.has(ai.criterionId)) continue;
      const list = pairs.get(ai.criterionId) ?? [];
      list.push({ ai: Number(ai.score), final: final.get(ai.criterionId)! });
      pairs.set(ai.criterionId, list);
    }
  }
  const order =
    assignment.gradingMode === 'rubric' && assignment.rubricVersionId
      ? (await rubricCriteria(manager, assignment.rubricVersionId)).map((criterion) => ({ id: criterion.id, name: criterion.name as string | null, levels: criterion.levels.map((level) => level.points) }))
      : assignment.answerKey
        ? answerKeyQuestions(assignment.answerKey).map((question) => ({ id: questionId(question.question), name: null, levels: [0, question.points] }))
        : [];
  const names = new Map(order.map((criterion) => [criterion.id, criterion.name]));
  const agreement = assignmentAgreement(rows.length, order, pairs);
  return { ...agreement, criteria: agreement.criteria.map((criterion) => ({ ...criterion, criterionName: names.get(criterion.criterionId) ?? null })) };
}
