import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { AgreementDto } from './ai-grading.dto.js';
import type { AssignmentStats } from './assignment-stats.entity.js';
import type { Grade } from './grade.entity.js';
import type { GradeSource } from './grading.events.js';
import { HISTOGRAM_BUCKETS } from './projections/assignment-stats.projector.js';

const present = (_: object, value: unknown) => value !== undefined;
const points = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 } as const;

export const GRADING_LIMITS = {
  criteria: 50,
  questions: 500,
  answerLength: 2000,
  reasoningLength: 5000,
  feedbackLength: 20_000,
  notesLength: 5000,
  errorMessageLength: 1000,
  bulkApprove: 500,
} as const;

/** The score of one rubric criterion. */
export class CriterionScoreDto {
  /** A criterion id of the assignment's rubric version. */
  @ApiProperty({ example: 'crit_1' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'criterionId must be a criterion id of the rubric (1 to 64 letters, digits, "_" or "-")' })
  criterionId: string;

  /** The points of one of the criterion's levels. */
  @ApiProperty({ example: 3 })
  @IsNumber(points)
  score: number;

  /** Why: shown to the teacher, kept with the grade. */
  @IsOptional()
  @IsString()
  @MaxLength(GRADING_LIMITS.reasoningLength)
  reasoning?: string | null;
}

/** A teacher's points for one question, replacing what the answer key gave it. */
export class QuestionScoreDto {
  /** 1-based question number. */
  @IsInt()
  @Min(1)
  question: number;

  /** From 0 to the points the question is worth (partial credit allowed). */
  @IsNumber(points)
  score: number;
}

/**
 * A grade, created or replaced. Rubric mode: criteriaScores, one per criterion of the assignment's
 * rubric version. Answer-key mode: the student's answers (scored against the key: normalised text,
 * numeric tolerance) and/or questionScores overriding single questions (all of them without answers).
 * feedbackText and teacherNotes: absent keeps the current text, null clears it.
 */
export class RecordGradeDto {
  @ApiPropertyOptional({ type: [CriterionScoreDto] })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(GRADING_LIMITS.criteria)
  @ValidateNested({ each: true })
  @Type(() => CriterionScoreDto)
  criteriaScores?: CriterionScoreDto[];

  /** Answer-key mode: the answers in question order ("" for an unanswered question). */
  @ApiPropertyOptional({ type: [String], example: ['42', 'yes', 'photosynthesis'] })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(GRADING_LIMITS.questions)
  @IsString({ each: true })
  @MaxLength(GRADING_LIMITS.answerLength, { each: true })
  answers?: string[];

  @ApiPropertyOptional({ type: [QuestionScoreDto] })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(GRADING_LIMITS.questions)
  @ValidateNested({ each: true })
  @Type(() => QuestionScoreDto)
  questionScores?: QuestionScoreDto[];

  /** Feedback for the student. */
  @IsOptional()
  @IsString()
  @MaxLength(GRADING_LIMITS.feedbackLength)
  feedbackText?: string | null;

  /** The teacher's private notes. */
  @IsOptional()
  @IsString()
  @MaxLength(GRADING_LIMITS.notesLength)
  teacherNotes?: string | null;
}

export const SETTABLE_STATUSES = ['error', 'pending'] as const;

/** Marks the submission as failed (with what went wrong) or sends failed work back to pending for another try. */
export class ChangeSubmissionStatusDto {
  /** error (from pending or grading) or pending (retry, from error). */
  @ApiProperty({ enum: SETTABLE_STATUSES })
  @IsIn(SETTABLE_STATUSES)
  status: (typeof SETTABLE_STATUSES)[number];

  /** Required with status error: what went wrong, shown to the teacher. */
  @ApiPropertyOptional({ maxLength: GRADING_LIMITS.errorMessageLength })
  @ValidateIf((body: ChangeSubmissionStatusDto) => body.status === 'error' || body.message !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(GRADING_LIMITS.errorMessageLength)
  message?: string;
}

export class ApproveGradesDto {
  /** Grades of this assignment to approve; already approved ones are left as they are. */
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GRADING_LIMITS.bulkApprove)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  gradeIds: string[];
}

export class ListGradesQueryDto extends PageQuery {
  /** Only approved (true) or only unapproved (false) grades. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'teacherApproved must be true or false' })
  teacherApproved?: boolean;
}

export class ExportGradesQueryDto {
  /** Also export AI proposals not approved yet (marked in the note column). */
  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'includeUnapproved must be true or false' })
  includeUnapproved?: boolean;
}

export class IdParams {
  @IsUUID()
  id: string;
}

/** One criterion's score as returned. */
export class CriterionScoreResultDto {
  criterionId: string;
  criterionName: string;
  score: number;
  maxScore: number;
  reasoning: string | null;
  /** AI grades: the words of the transcription the AI based this score on. */
  evidence: string | null;
}

/** One question's result as returned (answer-key mode). */
export class AnswerResultDto {
  question: number;
  /** The student's answer; null when there was none. */
  given: string | null;
  expected: string;
  correct: boolean;
  points: number;
  maxPoints: number;
  /** The teacher set the points instead of the key. */
  overridden: boolean;
}

export class GradeDto {
  id: string;
  submissionId: string;
  totalScore: number;
  maxScore: number;
  /** total / max × 100, 2 decimals. */
  percentage: number;
  /** Rubric mode; null in answer-key mode. */
  criteriaScores: CriterionScoreResultDto[] | null;
  /** Answer-key mode; null in rubric mode. */
  answers: AnswerResultDto[] | null;
  feedbackText: string | null;
  teacherNotes: string | null;
  /** AI grades: what the AI read on the student's pages (or the typed text), which the evidence quotes come from. */
  transcription: string | null;
  /** AI grades: the Claude model that proposed it. */
  aiModel: string | null;
  /** teacher: graded by hand; ai: proposed by the AI grader. */
  @ApiProperty({ enum: ['teacher', 'ai'] })
  source: GradeSource;
  aiConfidence: number | null;
  flags: string[];
  teacherApproved: boolean;
  teacherModified: boolean;
  rubricVersionId: string | null;
  /** Send it as If-Match to change the grade only if nobody changed it since. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export class GradePageDto {
  @ApiProperty({ type: [GradeDto] })
  items: GradeDto[];
  page: number;
  pageSize: number;
  total: number;
}

export class SubmissionStatusDto {
  id: string;
  assignmentId: string;
  status: string;
  errorMessage: string | null;
  /** The submission's version. */
  version: number;
}

export class ApproveGradesResultDto {
  /** Grades approved by this request. */
  approved: string[];
  /** Grades that were approved already (left unchanged). */
  alreadyApproved: string[];
}

export class StatusCountsDto {
  pending: number;
  grading: number;
  graded: number;
  reviewed: number;
  error: number;
}

export class HistogramBucketDto {
  /** Percentage band [from, to); the last band includes 100. */
  from: number;
  to: number;
  count: number;
}

export class CriterionStatsDto {
  /** A criterion id, or Q1 … Qn in answer-key mode. */
  criterionId: string;
  /** From the assignment's rubric version (null for questions, or a criterion it no longer has). */
  criterionName: string | null;
  count: number;
  meanScore: number;
  maxScore: number;
  /** Mean of score / max (0 to 1): low values show where the class struggles. */
  meanFraction: number;
}

export class AssignmentStatsDto {
  assignmentId: string;
  totalSubmissions: number;
  /** Submissions in status graded (AI proposals awaiting review), as the seed's assignment_stats view counts them. */
  gradedCount: number;
  pendingCount: number;
  byStatus: StatusCountsDto;
  /** Grades recorded (approved or not); the mean, median, histogram and criteria are over these. */
  gradeCount: number;
  meanPercentage: number | null;
  /** Exact: the middle grade, or the mean of the two middle ones. */
  medianPercentage: number | null;
  @ApiProperty({ type: [HistogramBucketDto] })
  histogram: HistogramBucketDto[];
  @ApiProperty({ type: [CriterionStatsDto] })
  criteria: CriterionStatsDto[];
  /** How often the teacher kept the AI's scores (from approved AI grades), per criterion and overall. */
  agreement?: AgreementDto;
}

export function toGradeDto(grade: Grade): GradeDto {
  const reasoning = grade.aiReasoning ?? {};
  const evidence = new Map<string, string>(
    (Array.isArray(reasoning.criteria) ? reasoning.criteria : []).map((criterion: { criterionId: string; evidence?: string }) => [criterion.criterionId, criterion.evidence ?? '']),
  );
  return {
    id: grade.id,
    submissionId: grade.submissionId,
    totalScore: grade.totalScore,
    maxScore: grade.maxScore,
    percentage: grade.percentage,
    criteriaScores:
      grade.criteriaScores?.map((score) => ({
        criterionId: score.criterion_id,
        criterionName: score.criterion_name,
        score: score.score,
        maxScore: score.max_score,
        reasoning: score.reasoning ?? null,
        evidence: evidence.get(score.criterion_id) || null,
      })) ?? null,
    answers:
      grade.answers?.map((answer) => ({
        question: answer.question,
        given: answer.given,
        expected: answer.expected,
        correct: answer.correct,
        points: answer.points,
        maxPoints: answer.max_points,
        overridden: answer.overridden,
      })) ?? null,
    feedbackText: grade.feedbackText,
    teacherNotes: grade.teacherNotes,
    transcription: typeof reasoning.transcription === 'string' ? reasoning.transcription : null,
    aiModel: grade.aiModel,
    source: grade.source,
    aiConfidence: grade.aiConfidence,
    flags: grade.flags,
    teacherApproved: grade.teacherApproved,
    teacherModified: grade.teacherModified,
    rubricVersionId: grade.rubricVersionId,
    version: grade.version,
    createdAt: grade.createdAt,
    updatedAt: grade.updatedAt,
  };
}

/** The stats row in the API's shape; criteria in the rubric's (or the key's) order, names from `names`. */
export function toAssignmentStatsDto(row: AssignmentStats, order: ReadonlyArray<{ id: string; name: string | null }>): AssignmentStatsDto {
  const known = new Map(order.map((criterion, index) => [criterion.id, { index, name: criterion.name }]));
  const position = (id: string) => known.get(id)?.index ?? Number.MAX_SAFE_INTEGER;
  const criteria = Object.entries(row.criteria)
    .sort(([a], [b]) => position(a) - position(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([criterionId, stats]) => ({ criterionId, criterionName: known.get(criterionId)?.name ?? null, ...stats }));
  return {
    assignmentId: row.assignmentId,
    totalSubmissions: row.totalSubmissions,
    gradedCount: row.gradedCount,
    pendingCount: row.pendingCount,
    byStatus: { pending: row.pendingCount, grading: row.gradingCount, graded: row.gradedCount, reviewed: row.reviewedCount, error: row.errorCount },
    gradeCount: row.gradeCount,
    meanPercentage: row.meanPercentage,
    medianPercentage: row.medianPercentage,
    histogram: Array.from({ length: HISTOGRAM_BUCKETS }, (_, index) => ({ from: index * 10, to: (index + 1) * 10, count: row.histogram[index] ?? 0 })),
    criteria,
  };
}
