import { Column, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';
import type { AnswerKey, AssignmentStatus, GradingMode } from './assignments.events.js';

/** pg returns numeric as a string; the threshold has two decimals, safe as a number. */
const numericColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * Work a class is asked to do and how it is graded: against a pinned rubric version or an answer
 * key. `version` equals the assignment's event stream version.
 */
@Entity('assignments')
export class Assignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  classId: string;

  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  instructions: string | null;

  @Column('text')
  gradingMode: GradingMode;

  @Column('uuid', { nullable: true })
  rubricId: string | null;

  /** The exact rubric snapshot the assignment is graded with (rubric mode). */
  @Column('uuid', { nullable: true })
  rubricVersionId: string | null;

  @Column('jsonb', { nullable: true })
  answerKeyData: AnswerKey | null;

  @Column('timestamptz', { nullable: true })
  dueDate: Date | null;

  @Column('text', { default: 'draft' })
  status: AssignmentStatus;

  /** AI grades at or above this confidence are approved without review; null turns that off. */
  @Column({ type: 'numeric', precision: 3, scale: 2, nullable: true, transformer: numericColumn })
  autoApproveThreshold: number | null;

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  /** When the assignment first became active (kept when it is reopened). */
  @Column('timestamptz', { nullable: true })
  activatedAt: Date | null;

  /** When it was last closed; cleared when it is reopened. */
  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;
}
