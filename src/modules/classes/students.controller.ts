import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../libs/event-store/event.js';
import type { Page } from '../../common/pagination.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import { AddStudentCommand } from './commands/add-student.command.js';
import { RemoveStudentCommand } from './commands/remove-student.command.js';
import { UpdateStudentCommand } from './commands/update-student.command.js';
import { CreateStudentDto, ListStudentsParams, StudentDto, StudentPageDto, UpdateStudentDto } from './classes.dto.js';
import { ApiIfMatch, IfMatchVersion, UuidParam } from '../../common/http-params.js';
import { GetStudentQuery } from './queries/get-student.query.js';
import { ListStudentsQuery } from './queries/list-students.query.js';

/** Class rosters. A student is reached through their class: only its owner sees them. */
@ApiTags('students')
@Controller()
export class StudentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** The roster of a class, by name; `q` filters by part of the name. */
  @Get('classes/:id/students')
  @ApiOkResponse({ type: StudentPageDto })
  list(@UuidParam('id') classId: string, @Query() params: ListStudentsParams, @CurrentUser() user: AuthenticatedUser): Promise<Page<StudentDto>> {
    return this.queries.execute(new ListStudentsQuery(user.id, classId, params));
  }

  /** Adds a student to the class. Email and student id must be unique in the class (409 naming the field). */
  @Post('classes/:id/students')
  add(@UuidParam('id') classId: string, @Body() body: CreateStudentDto, @CurrentActor() actor: Actor): Promise<StudentDto> {
    return this.commands.execute(new AddStudentCommand(actor, classId, body));
  }

  @Get('students/:id')
  get(@UuidParam('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<StudentDto> {
    return this.queries.execute(new GetStudentQuery(user.id, id));
  }

  /** Corrects a student. Send If-Match with the version you read to avoid overwriting someone else's change. */
  @Patch('students/:id')
  @ApiIfMatch()
  update(@UuidParam('id') id: string, @Body() body: UpdateStudentDto, @IfMatchVersion() version: number | undefined, @CurrentActor() actor: Actor): Promise<StudentDto> {
    return this.commands.execute(new UpdateStudentCommand(actor, id, body, version));
  }

  /** Removes the student from the roster. */
  @Delete('students/:id')
  @HttpCode(204)
  @ApiIfMatch()
  remove(@UuidParam('id') id: string, @IfMatchVersion() version: number | undefined, @CurrentActor() actor: Actor): Promise<void> {
    return this.commands.execute(new RemoveStudentCommand(actor, id, version));
  }
}
