import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the dashboard keeps per class, so archiving or moving a class can drop its counts without reading other tables. */
export interface ClassTally {
  /** 1 while the class is this teacher's, 0 once reassigned away (a count, so that changes commute). */
  owned: number;
  /** Students on the roster. */
  students: number;
  /** Assignments of the class (any status). Absent in rows written before assignments existed. */
  assignments?: number;
  /** Submissions to the class's assignments, and those of them still pending (absent before submissions existed). */
  submissions?: number;
  pending?: number;
  archived: boolean;
}

/**
 * Read model: one row per teacher, written only by the teacher dashboard projector inside each
 * write. The totals cover non-archived classes, as the seed's teacher_dashboard view does.
 */
@Entity('teacher_dashboard')
export class TeacherDashboard {
  @PrimaryColumn('uuid')
  userId: string;

  @Column('integer', { default: 0 })
  totalClasses: number;

  @Column('integer', { default: 0 })
  totalStudents: number;

  @Column('integer', { default: 0 })
  totalAssignments: number;

  @Column('integer', { default: 0 })
  totalSubmissions: number;

  @Column('integer', { default: 0 })
  pendingSubmissions: number;

  /** Per-class breakdown keyed by class id, archived classes included. */
  @Column('jsonb', { default: {} })
  classes: Record<string, ClassTally>;
}
