import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CopyRubricHandler } from './commands/copy-rubric.command.js';
import { CreateRubricHandler } from './commands/create-rubric.command.js';
import { DeleteRubricHandler } from './commands/delete-rubric.command.js';
import { UpdateRubricHandler } from './commands/update-rubric.command.js';
import { GetRubricVersionHandler } from './queries/get-rubric-version.query.js';
import { GetRubricVersionsHandler } from './queries/get-rubric-versions.query.js';
import { GetRubricHandler } from './queries/get-rubric.query.js';
import { ListRubricsHandler } from './queries/list-rubrics.query.js';
import { RubricsController } from './rubrics.controller.js';

@Module({
  imports: [CqrsModule],
  controllers: [RubricsController],
  providers: [
    // commands
    CreateRubricHandler,
    CopyRubricHandler,
    UpdateRubricHandler,
    DeleteRubricHandler,
    // queries
    ListRubricsHandler,
    GetRubricHandler,
    GetRubricVersionsHandler,
    GetRubricVersionHandler,
  ],
})
export class RubricsModule {}
