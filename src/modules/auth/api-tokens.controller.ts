import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../libs/event-store/event.js';
import { PageQuery } from '../../common/pagination.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import { type ApiTokenPageDto, CreateApiTokenDto, type CreatedApiTokenDto } from './auth.dto.js';
import { CreateApiTokenCommand } from './commands/create-api-token.command.js';
import { RevokeApiTokenCommand } from './commands/revoke-api-token.command.js';
import { ListApiTokensQuery } from './queries/list-api-tokens.query.js';

/** Personal API tokens for scripts and integrations (`Authorization: Bearer hm_...`, no CSRF header). */
@ApiTags('auth')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('auth/tokens')
export class ApiTokensController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Creates a token and returns it once; only its hash is kept. Needs a browser session. */
  @Post()
  create(@Body() body: CreateApiTokenDto, @CurrentUser() user: AuthenticatedUser, @CurrentActor() actor: Actor): Promise<CreatedApiTokenDto> {
    return this.commands.execute(new CreateApiTokenCommand(actor, user, body.name, body.expiresInDays));
  }

  /** Your tokens that are not revoked, newest first (without the secret). */
  @Get()
  list(@Query() page: PageQuery, @CurrentUser() user: AuthenticatedUser): Promise<ApiTokenPageDto> {
    return this.queries.execute(new ListApiTokensQuery(user.id, page));
  }

  /** Revokes one of your tokens; it stops working at once. */
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser, @CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new RevokeApiTokenCommand(actor, user.id, id));
  }
}
