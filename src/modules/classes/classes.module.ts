import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ClassesController } from './classes.controller.js';
import { readCsvBody } from './classes.params.js';
import { AddStudentHandler } from './commands/add-student.command.js';
import { ArchiveClassHandler } from './commands/archive-class.command.js';
import { CreateClassHandler } from './commands/create-class.command.js';
import { ImportOneRosterHandler } from './commands/import-oneroster.command.js';
import { ImportRosterCsvHandler } from './commands/import-roster-csv.command.js';
import { RemoveStudentHandler } from './commands/remove-student.command.js';
import { UpdateClassHandler } from './commands/update-class.command.js';
import { UpdateStudentHandler } from './commands/update-student.command.js';
import { ExportRosterHandler } from './queries/export-roster.query.js';
import { GetClassHandler } from './queries/get-class.query.js';
import { GetStudentHandler } from './queries/get-student.query.js';
import { ListClassesHandler } from './queries/list-classes.query.js';
import { ListStudentsHandler } from './queries/list-students.query.js';
import { RostersController } from './rosters.controller.js';
import { StudentsController } from './students.controller.js';

@Module({
  imports: [CqrsModule],
  controllers: [ClassesController, StudentsController, RostersController],
  providers: [
    // commands
    CreateClassHandler,
    UpdateClassHandler,
    ArchiveClassHandler,
    AddStudentHandler,
    UpdateStudentHandler,
    RemoveStudentHandler,
    ImportRosterCsvHandler,
    ImportOneRosterHandler,
    // queries
    GetClassHandler,
    ListClassesHandler,
    GetStudentHandler,
    ListStudentsHandler,
    ExportRosterHandler,
  ],
})
export class ClassesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(readCsvBody).forRoutes({ path: 'classes/:id/students/import', method: RequestMethod.POST });
  }
}
