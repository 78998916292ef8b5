import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { AccountDisabledError, GoogleEmailInUseError } from '../auth.errors.js';
import { UserCreated, UserRoleChanged, UserSignedIn } from '../auth.events.js';
import { newSecret, sha256 } from '../auth.tokens.js';
import { Session } from '../session.entity.js';
import { type Role, User } from '../user.entity.js';

export interface SignInProfile {
  email: string;
  name?: string | null;
  googleId?: string | null;
  avatarUrl?: string | null;
  /** Only the development sign-in may ask for a role. */
  requestedRole?: Role;
}

export interface SignInResult {
  /** The raw session token for the cookie; never stored. */
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string | null; role: Role };
}

/** Signs a person in: creates their user on first sign-in, applies ADMIN_EMAILS, opens a session. */
export class SignInCommand extends Command<SignInResult> {
  constructor(
    readonly actor: Actor,
    readonly profile: SignInProfile,
    readonly method: 'google' | 'dev',
  ) {
    super();
  }
}

@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ actor, profile, method }: SignInCommand): Promise<SignInResult> {
    const email = profile.email.trim().toLowerCase();
    const isConfiguredAdmin = this.config.auth.adminEmails.includes(email);
    return this.uow.run(actor, async (tx) => {
      const users = tx.manager.getRepository(User);
      // A Google account keeps its id when its address changes: find it by id first, then by email.
      let user = profile.googleId ? await users.findOne({ where: { googleId: profile.googleId }, lock: { mode: 'pessimistic_write' } }) : null;
      if (user && user.email !== email) {
        if (await users.exists({ where: { email } })) {
          throw new GoogleEmailInUseError();
        }
        user.email = email;
      }
      user ??= await users.findOne({ where: { email }, lock: { mode: 'pessimistic_write' } });
      if (user?.disabledAt) throw new AccountDisabledError();

      const wantedRole: Role = method === 'dev' && profile.requestedRole ? profile.requestedRole : isConfiguredAdmin ? 'admin' : 'teacher';
      if (!user) {
        user = await users.save(
          users.create({ email, name: profile.name ?? null, googleId: profile.googleId ?? null, avatarUrl: profile.avatarUrl ?? null, role: wantedRole }),
        );
        tx.record(UserCreated, user.id, { userId: user.id, role: user.role, schoolId: user.schoolId, source: method }, { expectedVersion: 0 });
      } else {
        const promote = (isConfiguredAdmin || (method === 'dev' && profile.requestedRole)) && user.role !== wantedRole;
        if (promote) {
          tx.record(UserRoleChanged, user.id, { userId: user.id, from: user.role, to: wantedRole });
          user.role = wantedRole;
        }
        user.name = profile.name ?? user.name;
        user.googleId = profile.googleId ?? user.googleId;
        user.avatarUrl = profile.avatarUrl ?? user.avatarUrl;
      }
      tx.actAs(user.id, user.role);
      user.lastLoginAt = new Date();
      await users.save(user);

      const sessionToken = newSecret();
      const csrfToken = newSecret();
      const expiresAt = new Date(Date.now() + this.config.auth.sessionTtlHours * 3600_000);
      const session = await tx.manager.getRepository(Session).save({
        userId: user.id,
        tokenHash: sha256(sessionToken),
        csrfToken,
        ipAddress: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        expiresAt,
      });
      tx.record(UserSignedIn, session.id, { userId: user.id, sessionId: session.id, method }, { expectedVersion: 0, resourceType: 'user', resourceId: user.id });
      return { sessionToken, csrfToken, expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
    });
  }
}
