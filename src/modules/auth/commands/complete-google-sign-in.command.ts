import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { AccountDisabledError } from '../auth.errors.js';
import { type SignInDenialReason, UserLoginDenied } from '../auth.events.js';
import { emailDomain, googleSignInRefusal } from '../auth.rules.js';
import type { GoogleCallbackOutcome } from '../google.strategy.js';
import { SignInCommand, type SignInResult } from './sign-in.command.js';

export type GoogleSignInResult = { signedIn: SignInResult; refused?: undefined } | { refused: SignInDenialReason; signedIn?: undefined };

/**
 * Finishes a Google sign-in with what Google said (the network part is already done): a district
 * account with a verified email is signed in through SignInCommand; anything else is refused and
 * recorded as user.login_denied with the reason and the email's domain, never the address.
 */
export class CompleteGoogleSignInCommand extends Command<GoogleSignInResult> {
  constructor(
    readonly actor: Actor,
    readonly outcome: GoogleCallbackOutcome,
  ) {
    super();
  }
}

@CommandHandler(CompleteGoogleSignInCommand)
export class CompleteGoogleSignInHandler implements ICommandHandler<CompleteGoogleSignInCommand> {
  constructor(
    private readonly commands: CommandBus,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ actor, outcome }: CompleteGoogleSignInCommand): Promise<GoogleSignInResult> {
    if (!outcome.identity) return this.refuse(actor, outcome.refused, null);
    const identity = outcome.identity;
    const refusal = googleSignInRefusal(identity, this.config.auth.google?.allowedDomains ?? []);
    if (refusal) return this.refuse(actor, refusal, identity.email);
    const profile = { email: identity.email!, name: identity.name, googleId: identity.googleId, avatarUrl: identity.avatarUrl };
    try {
      return { signedIn: await this.commands.execute(new SignInCommand(actor, profile, 'google')) };
    } catch (error) {
      if (error instanceof AccountDisabledError) return this.refuse(actor, 'account_disabled', identity.email);
      throw error;
    }
  }

  private async refuse(actor: Actor, reason: SignInDenialReason, email: string | null): Promise<GoogleSignInResult> {
    await this.uow.run(actor, async (tx) => {
      tx.record(UserLoginDenied, randomUUID(), { reason, domain: emailDomain(email) }, { expectedVersion: 0 });
    });
    return { refused: reason };
  }
}
