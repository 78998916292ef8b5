import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ApiToken } from '../api-token.entity.js';
import type { AuthenticatedUser } from '../../../common/request-context.js';
import { TokenRequiresSessionError } from '../auth.errors.js';
import { ApiTokenCreated } from '../auth.events.js';
import { newApiToken, sha256 } from '../auth.tokens.js';

export interface CreatedApiToken {
  id: string;
  name: string;
  /** The secret itself: returned this once, stored only as its sha256. */
  token: string;
  tokenPrefix: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/**
 * Creates an API token for the signed-in user; it never expires unless `expiresInDays` is given.
 * Only a browser session may create one: a leaked token must not be able to mint successors
 * that outlive its own revocation.
 */
export class CreateApiTokenCommand extends Command<CreatedApiToken> {
  constructor(
    readonly actor: Actor,
    readonly user: AuthenticatedUser,
    readonly name: string,
    readonly expiresInDays?: number,
  ) {
    super();
  }
}

@CommandHandler(CreateApiTokenCommand)
export class CreateApiTokenHandler implements ICommandHandler<CreateApiTokenCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, user, name, expiresInDays }: CreateApiTokenCommand): Promise<CreatedApiToken> {
    if (user.via !== 'session') throw new TokenRequiresSessionError();
    const { token, tokenPrefix } = newApiToken();
    const expiresAt = expiresInDays === undefined ? null : new Date(Date.now() + expiresInDays * 86_400_000);
    return this.uow.run(actor, async (tx) => {
      const row = await tx.manager.getRepository(ApiToken).save({ userId: user.id, name, tokenHash: sha256(token), tokenPrefix, expiresAt });
      tx.record(ApiTokenCreated, row.id, { tokenId: row.id, userId: user.id }, { expectedVersion: 0 });
      return { id: row.id, name: row.name, token, tokenPrefix: row.tokenPrefix, createdAt: row.createdAt, expiresAt: row.expiresAt };
    });
  }
}
