import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { DashboardClass } from '../dashboard-class.entity.js';
import type { DashboardDto } from '../dashboard.dto.js';
import { dashboardTotals } from '../projections/dashboard-classes.projector.js';

/** A user's own dashboard: the rows of the classes they own; zeros before their first class. */
export class GetDashboardQuery extends Query<DashboardDto> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(GetDashboardQuery)
export class GetDashboardHandler implements IQueryHandler<GetDashboardQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId }: GetDashboardQuery): Promise<DashboardDto> {
    const classes = await this.dataSource.getRepository(DashboardClass).find({ where: { ownerId: userId }, order: { classId: 'ASC' } });
    return {
      ...dashboardTotals(classes),
      classes: classes.map(({ classId, students, assignments, submissions, pending, archived }) => ({ classId, students, assignments, submissions, pending, archived })),
    };
  }
}
