import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../libs/event-store/event.js';
import type { Page } from '../../common/pagination.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import {
  AnswerKeyEntryDto,
  type AssignmentDto,
  AssignmentIdParams,
  AssignmentPageDto,
  ChangeAssignmentStatusDto,
  ClassIdParams,
  CreateAssignmentDto,
  ListAssignmentsQueryDto,
  UpdateAssignmentDto,
} from './assignments.dto.js';
import { parseIfMatch } from '../../common/http-params.js';
import { ChangeAssignmentStatusCommand } from './commands/change-assignment-status.command.js';
import { CreateAssignmentCommand } from './commands/create-assignment.command.js';
import { UpdateAssignmentCommand } from './commands/update-assignment.command.js';
import { GetAssignmentQuery } from './queries/get-assignment.query.js';
import { ListAssignmentsQuery } from './queries/list-assignments.query.js';

const IfMatchHeader = () => ApiHeader({ name: 'If-Match', required: false, description: 'The version you last read, e.g. "3"; a different current version answers 409' });

/** Assignments of a teacher's classes. Only the class's teacher reaches them; any other id answers 404. */
@ApiTags('assignments')
@ApiExtraModels(AnswerKeyEntryDto)
@Controller()
export class AssignmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Creates a draft assignment in your class, graded with a rubric (its current version is pinned) or an answer key. */
  @Post('classes/:classId/assignments')
  async create(@Param() { classId }: ClassIdParams, @Body() body: CreateAssignmentDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<AssignmentDto> {
    return withVersionTag(res, await this.commands.execute(new CreateAssignmentCommand(actor, classId, body)));
  }

  /** The class's assignments, newest first, optionally only those in one status. */
  @Get('classes/:classId/assignments')
  @ApiOkResponse({ type: AssignmentPageDto })
  list(@Param() { classId }: ClassIdParams, @Query() filters: ListAssignmentsQueryDto, @CurrentUser() user: AuthenticatedUser): Promise<Page<AssignmentDto>> {
    return this.queries.execute(new ListAssignmentsQuery(user.id, classId, filters));
  }

  /** One assignment; the ETag header is its version. */
  @Get('assignments/:id')
  async get(@Param() { id }: AssignmentIdParams, @CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) res: Response): Promise<AssignmentDto> {
    return withVersionTag(res, await this.queries.execute(new GetAssignmentQuery(user.id, id)));
  }

  /** Edits the assignment. The rubric and the answer key change only while it is a draft. */
  @Patch('assignments/:id')
  @IfMatchHeader()
  async update(
    @Param() { id }: AssignmentIdParams,
    @Body() body: UpdateAssignmentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AssignmentDto> {
    return withVersionTag(res, await this.commands.execute(new UpdateAssignmentCommand(actor, id, body, parseIfMatch(ifMatch))));
  }

  /** Moves the assignment along draft → active → closed → archived (closed → active reopens; a draft can be archived). */
  @Post('assignments/:id/status')
  @HttpCode(200)
  @IfMatchHeader()
  async changeStatus(
    @Param() { id }: AssignmentIdParams,
    @Body() body: ChangeAssignmentStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AssignmentDto> {
    return withVersionTag(res, await this.commands.execute(new ChangeAssignmentStatusCommand(actor, id, body.status, parseIfMatch(ifMatch))));
  }
}

function withVersionTag<T extends { version: number }>(res: Response, assignment: T): T {
  res.setHeader('ETag', `"${assignment.version}"`);
  return assignment;
}
