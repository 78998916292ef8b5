import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../libs/event-store/event.js';
import type { Page } from '../../common/pagination.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import { ArchiveClassCommand } from './commands/archive-class.command.js';
import { CreateClassCommand } from './commands/create-class.command.js';
import { UpdateClassCommand } from './commands/update-class.command.js';
import { ClassDto, ClassPageDto, CreateClassDto, ListClassesParams, UpdateClassDto } from './classes.dto.js';
import { ApiIfMatch, IfMatchVersion, UuidParam } from '../../common/http-params.js';
import { GetClassQuery } from './queries/get-class.query.js';
import { ListClassesQuery } from './queries/list-classes.query.js';

/** A teacher's classes. Only the owner reaches a class; any other id answers 404. */
@ApiTags('classes')
@Controller('classes')
export class ClassesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Creates a class owned by the signed-in teacher, in their school. */
  @Post()
  create(@Body() body: CreateClassDto, @CurrentActor() actor: Actor, @CurrentUser() user: AuthenticatedUser): Promise<ClassDto> {
    return this.commands.execute(new CreateClassCommand(actor, user.schoolId, body));
  }

  /** The signed-in teacher's classes, sorted by name; archived classes only with includeArchived=true. */
  @Get()
  @ApiOkResponse({ type: ClassPageDto })
  list(@Query() params: ListClassesParams, @CurrentUser() user: AuthenticatedUser): Promise<Page<ClassDto>> {
    return this.queries.execute(new ListClassesQuery(user.id, params));
  }

  @Get(':id')
  get(@UuidParam('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<ClassDto> {
    return this.queries.execute(new GetClassQuery(user.id, id));
  }

  /** Renames or edits a class. Send If-Match with the version you read to avoid overwriting someone else's change. */
  @Patch(':id')
  @ApiIfMatch()
  update(@UuidParam('id') id: string, @Body() body: UpdateClassDto, @IfMatchVersion() version: number | undefined, @CurrentActor() actor: Actor): Promise<ClassDto> {
    return this.commands.execute(new UpdateClassCommand(actor, id, body, version));
  }

  /** Archives the class (soft delete): hidden from the list, read-only, roster and history kept. */
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch()
  archive(@UuidParam('id') id: string, @IfMatchVersion() version: number | undefined, @CurrentActor() actor: Actor): Promise<void> {
    return this.commands.execute(new ArchiveClassCommand(actor, id, version));
  }
}
