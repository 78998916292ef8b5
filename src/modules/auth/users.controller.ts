import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../libs/event-store/event.js';
import { Roles } from '../../common/auth.decorators.js';
import { CurrentActor } from '../../common/request-context.js';
import { ListUsersQueryDto, UpdateUserDto, type UserDto, type UserPageDto } from './auth.dto.js';
import { UpdateUserAccessCommand } from './commands/update-user-access.command.js';
import { ListUsersQuery } from './queries/list-users.query.js';

/** District users and their roles. Admins only. */
@ApiTags('users')
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Users by email, filtered by role and by part of the email or name. */
  @Get()
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.queries.execute(new ListUsersQuery({ role: query.role, q: query.q }, query));
  }

  /** Changes a user's role or disables/enables them (disabling ends their sessions). Not for yourself. */
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateUserDto, @CurrentActor() actor: Actor): Promise<UserDto> {
    return this.commands.execute(new UpdateUserAccessCommand(actor, id, { role: body.role, disabled: body.disabled }));
  }
}
