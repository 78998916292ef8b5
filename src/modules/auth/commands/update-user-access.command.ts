import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsNull } from 'typeorm';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { NotFoundError, ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import { AdminRoleFromConfigError, CannotChangeOwnAccessError } from '../auth.errors.js';
import { UserDisabled, UserEnabled, UserRoleChanged } from '../auth.events.js';
import { toUserSummary, type UserSummary } from '../queries/list-users.query.js';
import { Session } from '../session.entity.js';
import { type Role, User } from '../user.entity.js';

export interface UserAccessChange {
  role?: Role;
  disabled?: boolean;
}

/**
 * An admin changes a user's role or disables/enables them. Disabling signs the user out
 * everywhere (their API tokens stop working while they are disabled). Admins cannot demote or
 * disable themselves, so the district always keeps at least the admin who is acting.
 */
export class UpdateUserAccessCommand extends Command<UserSummary> {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly change: UserAccessChange,
  ) {
    super();
  }
}

@CommandHandler(UpdateUserAccessCommand)
export class UpdateUserAccessHandler implements ICommandHandler<UpdateUserAccessCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ actor, userId, change }: UpdateUserAccessCommand): Promise<UserSummary> {
    if (change.role === undefined && change.disabled === undefined) {
      throw new ValidationFailedError('Send role or disabled', [{ field: 'role', message: 'role or disabled must be given' }]);
    }
    if (userId === actor.userId && (change.role === 'teacher' || change.disabled === true)) throw new CannotChangeOwnAccessError();

    return this.uow.run(actor, async (tx) => {
      const users = tx.manager.getRepository(User);
      const user = await users.findOne({ where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');

      if (change.role !== undefined && change.role !== user.role) {
        if (change.role === 'teacher' && this.config.auth.adminEmails.includes(user.email)) throw new AdminRoleFromConfigError();
        tx.record(UserRoleChanged, user.id, { userId: user.id, from: user.role, to: change.role });
        user.role = change.role;
      }
      if (change.disabled === true && user.disabledAt === null) {
        const now = new Date();
        const revoked = await tx.manager.update(Session, { userId: user.id, revokedAt: IsNull() }, { revokedAt: now });
        tx.record(UserDisabled, user.id, { userId: user.id, sessionsRevoked: revoked.affected ?? 0 });
        user.disabledAt = now;
      } else if (change.disabled === false && user.disabledAt !== null) {
        tx.record(UserEnabled, user.id, { userId: user.id });
        user.disabledAt = null;
      }
      await users.save(user);
      return toUserSummary(user);
    });
  }
}
