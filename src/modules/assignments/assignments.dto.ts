import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsIn, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { ASSIGNMENT_STATUSES, type AnswerKey, type AssignmentStatus, GRADING_MODES, type GradingMode } from './assignments.events.js';
import type { OwnedAssignment } from './assignments.access.js';
import { ASSIGNMENT_LIMITS, checkAnswerKey } from './assignments.rules.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const present = (_: object, value: unknown) => value !== undefined;
const presentAndNotNull = (_: object, value: unknown) => value !== undefined && value !== null;

/** One answer with its own settings (an answer may also be just the expected text). */
export class AnswerKeyEntryDto {
  /** The expected answer: text, or a number such as 42, -3.5, 1,000 or 1/2. */
  @ApiProperty({ example: '42' })
  answer: string;
  /** Points for this question instead of points_per_question. */
  @ApiPropertyOptional({ example: 2 })
  points?: number;
  /** Numeric answers only (type numeric or mixed): the largest accepted difference. */
  @ApiPropertyOptional({ example: 0.01, minimum: 0 })
  tolerance?: number;
  /** Other answers that also count as correct. */
  @ApiPropertyOptional({ type: [String], example: ['forty-two'] })
  accept?: string[];
}

/**
 * An answer key in the stored JSON shape of handmark-data-models.md (snake_case), checked by the
 * assignment rules, whose errors name the field: `answerKeyData.answers[3].tolerance`.
 */
export class AnswerKeyDto {
  /** text compares normalized text; numeric compares numbers (within a tolerance); mixed decides per answer. */
  @ApiProperty({ enum: ['text', 'numeric', 'mixed'] })
  type: 'text' | 'numeric' | 'mixed';
  @ApiProperty({ example: 10, minimum: 1, maximum: ASSIGNMENT_LIMITS.questions })
  total_questions: number;
  @ApiProperty({ example: 5 })
  points_per_question: number;
  /** Exactly total_questions answers, each the expected text or an AnswerKeyEntryDto. */
  @ApiProperty({ type: 'array', items: { oneOf: [{ type: 'string' }, { $ref: getSchemaPath(AnswerKeyEntryDto) }] }, example: ['42', 'Yes', { answer: '0.5', tolerance: 0.01, accept: ['1/2'] }] })
  answers: Array<string | AnswerKeyEntryDto>;
}

export class CreateAssignmentDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(ASSIGNMENT_LIMITS.titleLength)
  title: string;

  /** What students are asked to do; the grader reads it too. */
  @IsOptional()
  @IsString()
  @MaxLength(ASSIGNMENT_LIMITS.instructionsLength)
  instructions?: string | null;

  @ApiProperty({ enum: GRADING_MODES })
  @IsIn(GRADING_MODES)
  gradingMode: GradingMode;

  /** Rubric mode: a template or one of your rubrics; its current version is pinned. */
  @IsOptional()
  @IsUUID()
  rubricId?: string | null;

  /** Answer-key mode: the answer key (see AnswerKeyDto). */
  @ApiPropertyOptional({ type: AnswerKeyDto })
  @IsOptional()
  answerKeyData?: unknown;

  /** ISO 8601 date or date-time, for example 2026-03-01T15:00:00Z. */
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueDate?: string | null;

  /** AI grades at or above this confidence (0 to 1) are approved without review; null or absent: always review. */
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1)
  autoApproveThreshold?: number | null;
}

/** Only the fields sent change; null clears instructions, dueDate or autoApproveThreshold. */
export class UpdateAssignmentDto {
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(ASSIGNMENT_LIMITS.titleLength)
  title?: string;

  @IsOptional()
  @IsString()
  @MaxLength(ASSIGNMENT_LIMITS.instructionsLength)
  instructions?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @ValidateIf(presentAndNotNull)
  @IsISO8601({ strict: true })
  dueDate?: string | null;

  /** Rubric mode, draft only: grade with this rubric's current version (sending the same id moves to its newest version). */
  @ValidateIf(present)
  @IsUUID()
  rubricId?: string;

  /** Answer-key mode, draft only: the complete new answer key. */
  @ApiPropertyOptional({ type: AnswerKeyDto })
  @ValidateIf(present)
  @IsDefined({ message: 'answerKeyData cannot be removed; send the complete new answer key' })
  answerKeyData?: unknown;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 1 })
  @ValidateIf(presentAndNotNull)
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1)
  autoApproveThreshold?: number | null;
}

export class ChangeAssignmentStatusDto {
  /** draft → active, active → closed, closed → active (reopen), closed → archived, draft → archived. */
  @ApiProperty({ enum: ASSIGNMENT_STATUSES })
  @IsIn(ASSIGNMENT_STATUSES)
  status: AssignmentStatus;
}

export class ListAssignmentsQueryDto extends PageQuery {
  /** Only assignments in this status. */
  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATUSES)
  status?: AssignmentStatus;
}

export class ClassIdParams {
  @IsUUID()
  classId: string;
}

export class AssignmentIdParams {
  @IsUUID()
  id: string;
}

export class AssignmentDto {
  id: string;
  classId: string;
  title: string;
  instructions: string | null;
  @ApiProperty({ enum: GRADING_MODES })
  gradingMode: GradingMode;
  rubricId: string | null;
  /** The rubric_versions id the assignment is graded with (rubric mode). */
  rubricVersionId: string | null;
  /** That version's number. */
  rubricVersion: number | null;
  @ApiProperty({ type: AnswerKeyDto, nullable: true })
  answerKeyData: AnswerKey | null;
  dueDate: Date | null;
  @ApiProperty({ enum: ASSIGNMENT_STATUSES })
  status: AssignmentStatus;
  autoApproveThreshold: number | null;
  /** PATCH or change the status with `If-Match: <version>` to act only if it is still current. */
  version: number;
  activatedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export class AssignmentPageDto {
  @ApiProperty({ type: [AssignmentDto] })
  items: AssignmentDto[];
  page: number;
  pageSize: number;
  total: number;
}

export function toAssignmentDto({ assignment, rubricVersion }: OwnedAssignment): AssignmentDto {
  return {
    id: assignment.id,
    classId: assignment.classId,
    title: assignment.title,
    instructions: assignment.instructions,
    gradingMode: assignment.gradingMode,
    rubricId: assignment.rubricId,
    rubricVersionId: assignment.rubricVersionId,
    rubricVersion,
    answerKeyData: presentStoredAnswerKey(assignment.answerKeyData),
    dueDate: assignment.dueDate,
    status: assignment.status,
    autoApproveThreshold: assignment.autoApproveThreshold,
    version: assignment.version,
    activatedAt: assignment.activatedAt,
    closedAt: assignment.closedAt,
    createdAt: assignment.createdAt,
    updatedAt: assignment.updatedAt,
  };
}

/**
 * The stored answer key in its fixed field order. A key written outside the API that does not pass
 * the rules is shown exactly as stored, so the teacher can see and replace it.
 */
function presentStoredAnswerKey(stored: AnswerKey | null): AnswerKey | null {
  if (stored === null) return null;
  const checked = checkAnswerKey(stored);
  return checked.ok ? checked.answerKey : stored;
}

