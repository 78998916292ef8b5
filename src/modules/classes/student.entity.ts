import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One student on one class roster (table `students`). `version` equals the student's event stream version. */
@Entity('students')
export class Student {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  classId: string;

  @Column('text')
  name: string;

  /** Stored lowercase; unique within the class. */
  @Column('text', { nullable: true })
  email: string | null;

  /** The school-assigned student id; unique within the class. */
  @Column('text', { nullable: true })
  studentId: string | null;

  @Column('text', { nullable: true })
  googleId: string | null;

  /** The OneRoster user sourcedId this row was imported from. */
  @Column('text', { nullable: true })
  sourcedId: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
