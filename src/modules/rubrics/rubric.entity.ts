import { Column, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';
import type { RubricCriterion } from './rubrics.events.js';

/** pg returns numeric as a string; points are small decimals, safe as numbers. */
export const numericColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * A template (no owner, shipped by migration, read-only) or a teacher's own rubric. The row
 * mirrors its current version; the versions themselves live in rubric_versions and never change.
 */
@Entity('rubrics')
export class Rubric {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The owner; null for templates. */
  @Column('uuid', { nullable: true })
  userId: string | null;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('boolean', { default: false })
  isTemplate: boolean;

  @Column('text', { nullable: true })
  subject: string | null;

  @Column('text', { nullable: true })
  gradeLevel: string | null;

  @Column('jsonb')
  criteria: RubricCriterion[];

  /** Sum of the criteria's max_points. */
  @Column({ type: 'numeric', precision: 7, scale: 2, transformer: numericColumn })
  maxPoints: number;

  @Column('integer')
  currentVersion: number;

  @Column('uuid', { nullable: true })
  copiedFromId: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  /** Soft delete: grades and assignments that used the rubric keep their version. */
  @Column('timestamptz', { nullable: true })
  deletedAt: Date | null;
}
