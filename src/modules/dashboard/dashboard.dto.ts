/** One class on the dashboard, archived ones included (they no longer count in the totals). */
export class DashboardClassDto {
  classId: string;
  /** Students currently on the roster. */
  students: number;
  /** Assignments of the class, whatever their status. */
  assignments: number;
  /** Submissions to the class's assignments. */
  submissions: number;
  /** Of those, the ones still waiting to be graded. */
  pending: number;
  archived: boolean;
}

/** The signed-in teacher's summary, over their non-archived classes (the seed's teacher_dashboard view). */
export class DashboardDto {
  totalClasses: number;
  totalStudents: number;
  totalAssignments: number;
  totalSubmissions: number;
  /** Submissions still waiting to be graded. */
  pendingSubmissions: number;
  /** Every class the teacher owns, ordered by id. */
  classes: DashboardClassDto[];
}
