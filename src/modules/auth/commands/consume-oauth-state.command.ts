import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { sha256 } from '../auth.tokens.js';

/**
 * Uses up a Google sign-in `state`: true only for a state this server issued less than ten
 * minutes ago and has not seen back yet. The row is deleted either way, so a replay finds nothing.
 */
export class ConsumeOAuthStateCommand extends Command<boolean> {
  constructor(
    readonly actor: Actor,
    readonly state: string,
  ) {
    super();
  }
}

@CommandHandler(ConsumeOAuthStateCommand)
export class ConsumeOAuthStateHandler implements ICommandHandler<ConsumeOAuthStateCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, state }: ConsumeOAuthStateCommand): Promise<boolean> {
    return this.uow.run(actor, async (tx) => {
      const rows: Array<{ valid: boolean }> = await tx.manager.query(
        `WITH consumed AS (DELETE FROM oauth_states WHERE state_hash = $1 RETURNING expires_at) SELECT expires_at > now() AS valid FROM consumed`,
        [sha256(state)],
      );
      return rows[0]?.valid === true;
    });
  }
}
