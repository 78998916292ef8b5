import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { newSecret, OAUTH_STATE_TTL_MS, sha256 } from '../auth.tokens.js';

/** Starts a Google sign-in: a fresh random `state`, stored only as its hash, valid for ten minutes. */
export class IssueOAuthStateCommand extends Command<string> {
  constructor(readonly actor: Actor) {
    super();
  }
}

@CommandHandler(IssueOAuthStateCommand)
export class IssueOAuthStateHandler implements ICommandHandler<IssueOAuthStateCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor }: IssueOAuthStateCommand): Promise<string> {
    const state = newSecret();
    return this.uow.run(actor, async (tx) => {
      // Abandoned sign-ins leave rows behind; each new one sweeps the expired ones.
      await tx.manager.query(`DELETE FROM oauth_states WHERE expires_at < now()`);
      await tx.manager.query(`INSERT INTO oauth_states (state_hash, expires_at) VALUES ($1, now() + make_interval(secs => $2))`, [sha256(state), OAUTH_STATE_TTL_MS / 1000]);
      return state;
    });
  }
}
