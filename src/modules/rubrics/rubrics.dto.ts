import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import type { RubricVersion } from './rubric-version.entity.js';
import type { Rubric } from './rubric.entity.js';
import type { RubricCriterion } from './rubrics.events.js';
import { presentCriteria } from './rubrics.rules.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Query filters: `?q=` with nothing in it means no filter. */
const blankIsAbsent = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value);

/** One level of a criterion. */
export class CriterionLevelDto {
  /** Points for this level: between 0 and the criterion's max_points, at most 2 decimals, unique within the criterion. */
  points: number;
  /** What work at this level looks like. */
  description: string;
}

/**
 * One criterion, in the stored JSON shape of handmark-data-models.md (snake_case `max_points`):
 * criteria are stored and returned exactly in this shape, and any other field is refused.
 */
export class CriterionDto {
  /** Unique within the rubric: 1 to 64 letters, digits, "_" or "-" (grades refer to it). */
  @ApiProperty({ example: 'crit_1', pattern: '^[A-Za-z0-9_-]{1,64}$' })
  id: string;
  @ApiProperty({ example: 'Correct Answer', maxLength: 200 })
  name: string;
  @ApiPropertyOptional({ maxLength: 2000 })
  description?: string;
  /** Positive, at most 1000, at most 2 decimals; one level must award exactly this. */
  @ApiProperty({ example: 5 })
  max_points: number;
  @ApiProperty({ type: [CriterionLevelDto] })
  levels: CriterionLevelDto[];
}

export class CreateRubricDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  /** Free text, for filtering: "Math", "ELA", "Science". */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  subject?: string | null;

  /** Free text, for filtering: "3rd", "6th-8th". */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(50)
  gradeLevel?: string | null;

  /**
   * 1 to 50 criteria in the stored JSON shape (see CriterionDto). Checked by the rubric rules, whose
   * errors name the criterion and field: `criteria[1] (crit_2).levels[0].points`.
   */
  @ApiProperty({ type: [CriterionDto] })
  @IsDefined()
  criteria: unknown;
}

/** Only the fields sent change; `null` clears description, subject or gradeLevel. Any change makes a new version. */
export class UpdateRubricDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((body: UpdateRubricDto) => body.name !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  subject?: string | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(50)
  gradeLevel?: string | null;

  /** The complete new list of criteria (replaces the current one), in the stored JSON shape. */
  @ApiPropertyOptional({ type: [CriterionDto] })
  @ValidateIf((body: UpdateRubricDto) => body.criteria !== undefined)
  @IsDefined()
  criteria?: unknown;
}

export class CopyRubricDto {
  /** Name of the copy; defaults to the source's name followed by "(copy)". */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;
}

export class ListRubricsQueryDto extends PageQuery {
  /** templates: only shipped templates; mine: only your own; all (default): both. */
  @ApiPropertyOptional({ enum: ['templates', 'mine', 'all'], default: 'all' })
  @IsOptional()
  @IsIn(['templates', 'mine', 'all'])
  scope: 'templates' | 'mine' | 'all' = 'all';

  /** Exact subject, case-insensitive. */
  @Transform(blankIsAbsent)
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subject?: string;

  /** Exact grade level, case-insensitive. */
  @Transform(blankIsAbsent)
  @IsOptional()
  @IsString()
  @MaxLength(50)
  gradeLevel?: string;

  /** Words in the name (full-text, English stemming) or a part of it. */
  @Transform(blankIsAbsent)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class RubricIdParams {
  @IsUUID()
  id: string;
}

export class RubricVersionParams extends RubricIdParams {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version: number;
}

export class RubricSummaryDto {
  id: string;
  name: string;
  description: string | null;
  /** Shipped template: readable by everyone, copied rather than edited. */
  isTemplate: boolean;
  /** The owning teacher; null for templates. */
  ownerId: string | null;
  subject: string | null;
  gradeLevel: string | null;
  /** The current version; PATCH with `If-Match: <version>` to edit only if it is still current. */
  version: number;
  /** Sum of the criteria's max_points. */
  maxPoints: number;
  criteriaCount: number;
  copiedFromId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export class RubricDto extends RubricSummaryDto {
  /** The rubric_versions id of the current version (what a grade scored now would point at). */
  versionId: string;
  @ApiProperty({ type: [CriterionDto] })
  criteria: RubricCriterion[];
}

export class RubricVersionSummaryDto {
  /** The rubric_versions id: grades store this. */
  id: string;
  version: number;
  name: string;
  maxPoints: number;
  criteriaCount: number;
  createdAt: Date;
}

export class RubricVersionListDto {
  rubricId: string;
  currentVersion: number;
  items: RubricVersionSummaryDto[];
}

/** An exact snapshot of a rubric as it was at one version. */
export class RubricVersionDto {
  id: string;
  rubricId: string;
  version: number;
  name: string;
  description: string | null;
  subject: string | null;
  gradeLevel: string | null;
  maxPoints: number;
  @ApiProperty({ type: [CriterionDto] })
  criteria: RubricCriterion[];
  createdAt: Date;
}

export function toRubricSummary(rubric: Rubric): RubricSummaryDto {
  return {
    id: rubric.id,
    name: rubric.name,
    description: rubric.description,
    isTemplate: rubric.isTemplate,
    ownerId: rubric.userId,
    subject: rubric.subject,
    gradeLevel: rubric.gradeLevel,
    version: rubric.currentVersion,
    maxPoints: rubric.maxPoints,
    criteriaCount: rubric.criteria.length,
    copiedFromId: rubric.copiedFromId,
    createdAt: rubric.createdAt,
    updatedAt: rubric.updatedAt,
  };
}

export function toRubricDto(rubric: Rubric, versionId: string): RubricDto {
  return { ...toRubricSummary(rubric), versionId, criteria: presentCriteria(rubric.criteria) };
}

export function toRubricVersionSummary(version: RubricVersion): RubricVersionSummaryDto {
  return {
    id: version.id,
    version: version.version,
    name: version.name,
    maxPoints: version.maxPoints,
    criteriaCount: version.criteria.length,
    createdAt: version.createdAt,
  };
}

export function toRubricVersionDto(version: RubricVersion): RubricVersionDto {
  return {
    id: version.id,
    rubricId: version.rubricId,
    version: version.version,
    name: version.name,
    description: version.description,
    subject: version.subject,
    gradeLevel: version.gradeLevel,
    maxPoints: version.maxPoints,
    criteria: presentCriteria(version.criteria),
    createdAt: version.createdAt,
  };
}

