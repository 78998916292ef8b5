import { CommandBus } from '@nestjs/cqrs';
import type { Request } from 'express';
import type { Metadata, StateStoreStoreCallback, StateStoreVerifyCallback } from 'passport-oauth2';
import { actorFrom, type HandMarkRequest } from '../../common/request-context.js';
import { OAUTH_STATE_COOKIE, OAUTH_STATE_COOKIE_PATH, OAUTH_STATE_TTL_MS, safeEqual } from './auth.tokens.js';
import { ConsumeOAuthStateCommand } from './commands/consume-oauth-state.command.js';
import { IssueOAuthStateCommand } from './commands/issue-oauth-state.command.js';

/** What `verify` reports when the state is refused; the strategy passes it to `fail`. */
export interface RefusedState {
  code: 'invalid_state';
  message: string;
}

/**
 * passport-oauth2's state store, without express-session: states live hashed in oauth_states for
 * ten minutes and are consumed once. The state is also set in a short-lived httpOnly cookie and
 * must come back from the same browser, so nobody can finish a sign-in they started on someone
 * else's behalf (login CSRF).
 *
 * passport-oauth2 picks the call form by the method's arity: `store(req, meta, cb)`, `verify(req, state, meta, cb)`.
 */
export class OAuthStateStore {
  constructor(
    private readonly commands: CommandBus,
    private readonly cookieSecure: boolean,
  ) {}

  store(req: Request, _meta: Metadata, callback: StateStoreStoreCallback): void {
    this.commands.execute(new IssueOAuthStateCommand(actorFrom(req as HandMarkRequest))).then(
      (state) => {
        req.res?.cookie(OAUTH_STATE_COOKIE, state, {
          httpOnly: true,
          sameSite: 'lax',
          secure: this.cookieSecure,
          path: OAUTH_STATE_COOKIE_PATH,
          maxAge: OAUTH_STATE_TTL_MS,
        });
        callback(null, state);
      },
      (error: Error) => callback(error, undefined),
    );
  }

  verify(req: Request, providedState: unknown, _meta: Metadata, callback: StateStoreVerifyCallback): void {
    const refused: RefusedState = { code: 'invalid_state', message: 'The sign-in link is unknown, expired, already used or from another browser' };
    if (typeof providedState !== 'string' || providedState.length === 0 || providedState.length > 200) {
      callback(null, false, refused);
      return;
    }
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[OAUTH_STATE_COOKIE];
    const sameBrowser = typeof cookie === 'string' && safeEqual(cookie, providedState);
    this.commands.execute(new ConsumeOAuthStateCommand(actorFrom(req as HandMarkRequest), providedState)).then(
      (issuedAndFresh) => (issuedAndFresh && sameBrowser ? callback(null, true, undefined) : callback(null, false, refused)),
      (error: Error) => callback(error, false, undefined),
    );
  }
}
