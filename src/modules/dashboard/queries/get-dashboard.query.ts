import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { DashboardDto } from '../dashboard.dto.js';
import { ownedClasses, teacherDashboardProjector } from '../projections/teacher-dashboard.projector.js';
import { TeacherDashboard } from '../teacher-dashboard.entity.js';

/** A user's own dashboard row; zeros before their first class. */
export class GetDashboardQuery extends Query<DashboardDto> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(GetDashboardQuery)
export class GetDashboardHandler implements IQueryHandler<GetDashboardQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId }: GetDashboardQuery): Promise<DashboardDto> {
    const row = (await this.dataSource.getRepository(TeacherDashboard).findOneBy({ userId })) ?? teacherDashboardProjector.initial(userId);
    return {
      totalClasses: row.totalClasses,
      totalStudents: row.totalStudents,
      totalAssignments: row.totalAssignments,
      totalSubmissions: row.totalSubmissions,
      pendingSubmissions: row.pendingSubmissions,
      classes: ownedClasses(row).map(({ classId, students, assignments, submissions, pending, archived }) => ({
        classId,
        students,
        assignments: assignments ?? 0,
        submissions: submissions ?? 0,
        pending: pending ?? 0,
        archived,
      })),
    };
  }
}
