import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericColumn } from './grade.entity.js';

/** Per criterion (or question, `Q<n>`), over the assignment's grades. */
export interface CriterionStats {
  /** Grades that scored it. */
  count: number;
  /** Mean points, 2 decimals. */
  meanScore: number;
  /** Its maximum (the largest seen, should rubric versions differ). */
  maxScore: number;
  /** Mean of score / max, 4 decimals: where the class struggles (low) or shines (high). */
  meanFraction: number;
}

/** One grade as the statistics need it, in whole cents so sums are exact: percentage and per-criterion [score, max]. */
export interface GradeSample {
  p: number;
  s: Record<string, [number, number]>;
}

/**
 * Read model: one row per assignment, written only by the assignment stats projector inside each
 * write. The counts follow the seed's assignment_stats view; `grades` keeps every grade's numbers
 * (class-sized), so an edit replaces its values and the median stays exact.
 */
@Entity('assignment_stats')
export class AssignmentStats {
  @PrimaryColumn('uuid')
  assignmentId: string;

  @Column('integer', { default: 0 })
  totalSubmissions: number;

  @Column('integer', { default: 0 })
  pendingCount: number;

  @Column('integer', { default: 0 })
  gradingCount: number;

  /** Submissions in status graded (the seed view's graded_count: proposals awaiting review). */
  @Column('integer', { default: 0 })
  gradedCount: number;

  @Column('integer', { default: 0 })
  reviewedCount: number;

  @Column('integer', { default: 0 })
  errorCount: number;

  /** Grades recorded (teacher grades and AI proposals, approved or not, as the seed view averages them). */
  @Column('integer', { default: 0 })
  gradeCount: number;

  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true, transformer: numericColumn })
  meanPercentage: number | null;

  /** Exact: the middle percentage, or the mean of the two middle ones (3 decimals). */
  @Column({ type: 'numeric', precision: 6, scale: 3, nullable: true, transformer: numericColumn })
  medianPercentage: number | null;

  /** Grades per 10-point band of percentage: [0,10), [10,20), …, [90,100]. */
  @Column('jsonb')
  histogram: number[];

  @Column('jsonb', { default: {} })
  criteria: Record<string, CriterionStats>;

  /** Grade id → its numbers. */
  @Column('jsonb', { default: {} })
  grades: Record<string, GradeSample>;
}
