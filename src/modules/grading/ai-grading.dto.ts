import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import type { GradingBatchItemState, GradingBatchStatus } from './grading-batches.js';

export const GRADE_PENDING_MODES = ['interactive', 'batch'] as const;

/** "Grade all pending": one request per submission now, or a Message Batch at half the price (results within 24 hours, usually much sooner). */
export class GradePendingDto {
  @ApiPropertyOptional({ enum: GRADE_PENDING_MODES, default: 'interactive' })
  @IsOptional()
  @IsIn(GRADE_PENDING_MODES)
  mode?: (typeof GRADE_PENDING_MODES)[number];
}

export class GradePendingResultDto {
  @ApiProperty({ enum: GRADE_PENDING_MODES })
  mode: (typeof GRADE_PENDING_MODES)[number];
  /** Submissions sent to the AI grader. */
  enqueued: number;
  /** Batch mode: the run to follow at GET /api/grading-batches/:id. */
  batchId: string | null;
}

export class BatchApiCountsDto {
  processing: number;
  succeeded: number;
  errored: number;
  expired: number;
  canceled: number;
}

/** Progress of a Message Batches run: `done` of `total` results imported, and what became of them. */
export class GradingBatchDto {
  id: string;
  assignmentId: string;
  /** submitting → in_progress (Claude is working) → importing → completed; failed when Claude refused the batch (its work went to interactive grading). */
  @ApiProperty({ enum: ['submitting', 'in_progress', 'importing', 'completed', 'failed'] })
  status: GradingBatchStatus;
  /** The Message Batches API's id, once Claude accepted the batch. */
  anthropicBatchId: string | null;
  model: string;
  total: number;
  /** Results handled so far (graded, repaired, sent to interactive grading, failed or skipped). */
  done: number;
  graded: number;
  /** Graded after one repair attempt. */
  repaired: number;
  /** Expired, canceled or failed with a retryable error: sent to interactive grading. */
  retried: number;
  failed: number;
  /** Work that left the batch meanwhile (graded elsewhere, archived). */
  skipped: number;
  /** The API's counts at the last poll. */
  api: BatchApiCountsDto;
  errorMessage: string | null;
  createdAt: Date;
  submittedAt: Date | null;
  endedAt: Date | null;
  completedAt: Date | null;
}

export type { GradingBatchItemState };

export class ReviewQueueQueryDto extends PageQuery {}

export class ReviewStudentDto {
  /** The roster student; null while the work is unmatched. */
  id: string | null;
  /** The roster name, or what the teacher typed for unmatched work. */
  name: string | null;
}

/** An AI proposal waiting for the teacher. */
export class ReviewQueueItemDto {
  submissionId: string;
  gradeId: string;
  /** Send as If-Match when approving. */
  gradeVersion: number;
  student: ReviewStudentDto;
  status: string;
  /** 0 to 1: how likely the AI thinks the teacher keeps its grade. */
  confidence: number | null;
  /** illegible, blank, off_topic, addressed_to_grader. Flagged grades are never approved in bulk. */
  flags: string[];
  totalScore: number;
  maxScore: number;
  percentage: number;
  thumbnailUrl: string | null;
}

export class ReviewQueuePageDto {
  @ApiProperty({ type: [ReviewQueueItemDto] })
  items: ReviewQueueItemDto[];
  page: number;
  pageSize: number;
  total: number;
  /** Of `total`, how many are flagged. */
  flagged: number;
}

export class CriterionAgreementDto {
  criterionId: string;
  criterionName: string | null;
  /** Approved AI grades that scored it. */
  count: number;
  /** Share (0 to 1) whose AI score the teacher kept. */
  exactAgreement: number | null;
  /** Share whose final score is at most one level from the AI's. */
  withinOneLevel: number | null;
  /** Cohen's kappa with quadratic weights over the criterion's levels; null when undefined. */
  quadraticWeightedKappa: number | null;
  /** Mean of final − AI score in points (negative: the teacher lowers the AI's scores). */
  meanChange: number | null;
}

/** How often the teacher kept the AI's scores, from approved AI grades (auto-approved grades nobody touched are left out). */
export class AgreementDto {
  gradeCount: number;
  exactAgreement: number | null;
  withinOneLevel: number | null;
  /** The criteria's kappas weighted by their counts. */
  quadraticWeightedKappa: number | null;
  meanChange: number | null;
  @ApiProperty({ type: [CriterionAgreementDto] })
  criteria: CriterionAgreementDto[];
}

export class AiConcurrencyDto {
  /** Requests to Claude allowed at once now (halved on 429/529, grown back on success). */
  limit: number;
  max: number;
  inFlight: number;
  /** Calls waiting for a slot. */
  waiting: number;
  /** A retry-after pause in progress (0 when none). */
  pausedForMs: number;
}

export class AiStatusDto {
  enabled: boolean;
  /** Why AI grading is off; null when it is on. */
  reason: string | null;
  model: string;
  concurrency: AiConcurrencyDto;
}
