import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsNull } from 'typeorm';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import { ApiToken } from '../api-token.entity.js';
import { ApiTokenRevoked } from '../auth.events.js';

/** Revokes one of the user's own tokens; it stops working at once. Anyone else's is a 404. */
export class RevokeApiTokenCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly tokenId: string,
  ) {
    super();
  }
}

@CommandHandler(RevokeApiTokenCommand)
export class RevokeApiTokenHandler implements ICommandHandler<RevokeApiTokenCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, userId, tokenId }: RevokeApiTokenCommand): Promise<void> {
    return this.uow.run(actor, async (tx) => {
      const result = await tx.manager.update(ApiToken, { id: tokenId, userId, revokedAt: IsNull() }, { revokedAt: new Date() });
      if (!result.affected) throw new NotFoundError('API token');
      // A token is created (version 1) and revoked at most once (version 2).
      tx.record(ApiTokenRevoked, tokenId, { tokenId, userId }, { expectedVersion: 1 });
    });
  }
}
