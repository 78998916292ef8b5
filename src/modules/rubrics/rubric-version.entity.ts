import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from './rubric.entity.js';
import type { RubricCriterion } from './rubrics.events.js';

/** An immutable snapshot of a rubric (a trigger rejects UPDATE). Grades store its id. */
@Entity('rubric_versions')
export class RubricVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  rubricId: string;

  @Column('integer')
  version: number;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text', { nullable: true })
  subject: string | null;

  @Column('text', { nullable: true })
  gradeLevel: string | null;

  @Column('jsonb')
  criteria: RubricCriterion[];

  @Column({ type: 'numeric', precision: 7, scale: 2, transformer: numericColumn })
  maxPoints: number;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;
}
