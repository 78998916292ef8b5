import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Read model: what the dashboard keeps per class, written only by the dashboard projector inside
 * each write. One small row per class, so a command rewrites only the row of the class it touched,
 * however many classes the teacher has had. A teacher's totals are the sums over the classes they
 * own and have not archived (the `teacher_dashboard` view, the seed's dashboard).
 */
@Entity('dashboard_classes')
export class DashboardClass {
  @PrimaryColumn('uuid')
  classId: string;

  /** The teacher who owns the class now; null only until the class's creation is projected. */
  @Column('uuid', { nullable: true })
  ownerId: string | null;

  /** Students on the roster. */
  @Column('integer', { default: 0 })
  students: number;

  /** Assignments of the class, whatever their status. */
  @Column('integer', { default: 0 })
  assignments: number;

  /** Submissions to the class's assignments, and those of them still waiting to be graded. */
  @Column('integer', { default: 0 })
  submissions: number;

  @Column('integer', { default: 0 })
  pending: number;

  @Column('boolean', { default: false })
  archived: boolean;
}
