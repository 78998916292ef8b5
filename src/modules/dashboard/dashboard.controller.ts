import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser } from '../../common/request-context.js';
import type { DashboardDto } from './dashboard.dto.js';
import { GetDashboardQuery } from './queries/get-dashboard.query.js';

@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly queries: QueryBus) {}

  /** The signed-in teacher's counts of classes, students, assignments and submissions. */
  @Get()
  get(@CurrentUser() user: AuthenticatedUser): Promise<DashboardDto> {
    return this.queries.execute(new GetDashboardQuery(user.id));
  }
}
