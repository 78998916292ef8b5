import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectorRegistry } from '../../../libs/event-store/projector.js';
import { DashboardController } from './dashboard.controller.js';
import { dashboardClassesProjector } from './projections/dashboard-classes.projector.js';
import { GetDashboardHandler } from './queries/get-dashboard.query.js';

/** Read models only: nothing imports this module; it follows the other modules' events. */
@Module({
  imports: [CqrsModule],
  controllers: [DashboardController],
  providers: [
    // queries
    GetDashboardHandler,
  ],
})
export class DashboardModule implements OnModuleInit {
  constructor(private readonly projectors: ProjectorRegistry) {}

  onModuleInit(): void {
    this.projectors.register(dashboardClassesProjector);
  }
}
