import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsNull } from 'typeorm';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { UserSignedOut } from '../auth.events.js';
import { Session } from '../session.entity.js';

/** Ends a browser session; the cookie stops working at once. */
export class SignOutCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly sessionId: string,
  ) {
    super();
  }
}

@CommandHandler(SignOutCommand)
export class SignOutHandler implements ICommandHandler<SignOutCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, sessionId }: SignOutCommand): Promise<void> {
    return this.uow.run(actor, async (tx) => {
      const result = await tx.manager.update(Session, { id: sessionId, userId: actor.userId!, revokedAt: IsNull() }, { revokedAt: new Date() });
      if (result.affected) {
        tx.record(UserSignedOut, sessionId, { userId: actor.userId!, sessionId }, { resourceType: 'user', resourceId: actor.userId });
      }
    });
  }
}
