import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AssignmentsController } from './assignments.controller.js';
import { ChangeAssignmentStatusHandler } from './commands/change-assignment-status.command.js';
import { CreateAssignmentHandler } from './commands/create-assignment.command.js';
import { UpdateAssignmentHandler } from './commands/update-assignment.command.js';
import { GetAssignmentHandler } from './queries/get-assignment.query.js';
import { ListAssignmentsHandler } from './queries/list-assignments.query.js';

@Module({
  imports: [CqrsModule],
  controllers: [AssignmentsController],
  providers: [
    // commands
    CreateAssignmentHandler,
    UpdateAssignmentHandler,
    ChangeAssignmentStatusHandler,
    // queries
    GetAssignmentHandler,
    ListAssignmentsHandler,
  ],
})
export class AssignmentsModule {}
