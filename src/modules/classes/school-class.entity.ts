import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A teacher's class (table `classes`). `version` equals the class's event stream version. */
@Entity('classes')
export class SchoolClass {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The teacher who owns the class. */
  @Column('uuid')
  userId: string;

  @Column('uuid', { nullable: true })
  schoolId: string | null;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  gradeLevel: string | null;

  @Column('text', { nullable: true })
  subject: string | null;

  @Column('text', { nullable: true })
  academicYear: string | null;

  @Column('text', { nullable: true })
  googleClassroomId: string | null;

  /** The OneRoster sourcedId this class was imported from. */
  @Column('text', { nullable: true })
  sourcedId: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  /** Set when the class is archived (soft delete). */
  @Column('timestamptz', { nullable: true })
  archivedAt: Date | null;
}
