import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../libs/event-store/event.js';
import type { Page } from '../../common/pagination.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import { CopyRubricCommand } from './commands/copy-rubric.command.js';
import { CreateRubricCommand } from './commands/create-rubric.command.js';
import { DeleteRubricCommand } from './commands/delete-rubric.command.js';
import { UpdateRubricCommand } from './commands/update-rubric.command.js';
import { GetRubricVersionQuery } from './queries/get-rubric-version.query.js';
import { GetRubricVersionsQuery } from './queries/get-rubric-versions.query.js';
import { GetRubricQuery } from './queries/get-rubric.query.js';
import { ListRubricsQuery } from './queries/list-rubrics.query.js';
import {
  CopyRubricDto,
  CreateRubricDto,
  ListRubricsQueryDto,
  type RubricDto,
  RubricIdParams,
  type RubricSummaryDto,
  type RubricVersionDto,
  RubricVersionParams,
  type RubricVersionListDto,
  UpdateRubricDto,
} from './rubrics.dto.js';
import { parseIfMatch } from '../../common/http-params.js';

@ApiTags('rubrics')
@Controller('rubrics')
export class RubricsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** The shipped templates and your own rubrics, own ones first (most recently changed first). */
  @Get()
  list(@Query() filters: ListRubricsQueryDto, @CurrentUser() user: AuthenticatedUser): Promise<Page<RubricSummaryDto>> {
    return this.queries.execute(new ListRubricsQuery(user.id, filters));
  }

  /** A template or one of your rubrics at its current version; the ETag header is that version. */
  @Get(':id')
  async get(@Param() { id }: RubricIdParams, @CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) res: Response): Promise<RubricDto> {
    return withVersionTag(res, await this.queries.execute(new GetRubricQuery(user.id, id)));
  }

  /** Every version of the rubric, oldest first. */
  @Get(':id/versions')
  versions(@Param() { id }: RubricIdParams, @CurrentUser() user: AuthenticatedUser): Promise<RubricVersionListDto> {
    return this.queries.execute(new GetRubricVersionsQuery(user.id, id));
  }

  /** The rubric exactly as it was at this version (what grades scored with it saw). */
  @Get(':id/versions/:version')
  version(@Param() { id, version }: RubricVersionParams, @CurrentUser() user: AuthenticatedUser): Promise<RubricVersionDto> {
    return this.queries.execute(new GetRubricVersionQuery(user.id, id, version));
  }

  /** Creates your own rubric at version 1. */
  @Post()
  async create(@Body() body: CreateRubricDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<RubricDto> {
    return withVersionTag(res, await this.commands.execute(new CreateRubricCommand(actor, body)));
  }

  /** Copies a template or one of your rubrics into a new rubric of yours. */
  @Post(':id/copy')
  async copy(@Param() { id }: RubricIdParams, @Body() body: CopyRubricDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<RubricDto> {
    return withVersionTag(res, await this.commands.execute(new CopyRubricCommand(actor, id, body.name)));
  }

  /** Edits your rubric by creating its next version. With If-Match, only if that version is still current (else 409). */
  @Patch(':id')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you last read, e.g. "3"' })
  async update(
    @Param() { id }: RubricIdParams,
    @Body() body: UpdateRubricDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RubricDto> {
    return withVersionTag(res, await this.commands.execute(new UpdateRubricCommand(actor, id, body, parseIfMatch(ifMatch))));
  }

  /** Deletes your rubric (soft: grades keep the versions they were scored with). */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param() { id }: RubricIdParams, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new DeleteRubricCommand(actor, id));
  }
}

function withVersionTag<T extends { version: number }>(res: Response, rubric: T): T {
  res.setHeader('ETag', `"${rubric.version}"`);
  return rubric;
}
