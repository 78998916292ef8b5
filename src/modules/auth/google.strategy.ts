import { Logger } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import passport from 'passport';
import { type Profile, Strategy } from 'passport-google-oauth20';
import type { StateStore } from 'passport-oauth2';
import type { AppConfig } from '../../../libs/config/config.js';
import type { SignInDenialReason } from './auth.events.js';
import type { GoogleIdentity } from './auth.rules.js';
import type { OAuthStateStore, RefusedState } from './oauth-state.store.js';

export type GoogleConfig = NonNullable<AppConfig['auth']['google']>;

/** What came back from Google: who the person is, or why there is nobody to sign in. */
export type GoogleCallbackOutcome = { identity: GoogleIdentity; refused?: undefined } | { refused: SignInDenialReason; identity?: undefined };

/** How one run of a passport strategy ended (the actions passport-strategy defines). */
type StrategyResult =
  | { kind: 'success'; user: GoogleIdentity }
  | { kind: 'fail'; challenge?: Partial<RefusedState> }
  | { kind: 'redirect'; url: string }
  | { kind: 'error'; error: unknown };

/** A strategy object as passport's middleware prepares it for one request. */
interface StrategyAttempt {
  authenticate(req: Request, options: object): void;
  success(user: GoogleIdentity): void;
  fail(challenge?: unknown): void;
  redirect(url: string): void;
  error(error: unknown): void;
  pass(): void;
}

/**
 * Google sign-in with passport-google-oauth20. Registered only when Google is configured; its
 * endpoints come from config, so tests drive the whole redirect flow against a local OAuth mock.
 * It only talks to Google: the sign-in itself is CompleteGoogleSignInCommand.
 */
export class GoogleStrategy extends PassportStrategy(Strategy, 'google') {
  private readonly logger = new Logger('GoogleSignIn');

  constructor(
    private readonly google: GoogleConfig,
    publicUrl: string,
    stateStore: OAuthStateStore,
  ) {
    super({
      clientID: google.clientId,
      clientSecret: google.clientSecret,
      callbackURL: `${publicUrl}/api/auth/google/callback`,
      authorizationURL: google.authorizationUrl,
      tokenURL: google.tokenUrl,
      userProfileURL: google.userProfileUrl,
      scope: ['openid', 'email', 'profile'],
      // passport-oauth2 calls store/verify by arity, which its overloaded StateStore type cannot express.
      store: stateStore as unknown as StateStore,
    });
    // Send the access token to userinfo in the Authorization header, not in the URL (where proxies log it).
    this._oauth2.useAuthorizationHeaderforGET(true);
  }

  /** Maps Google's OpenID userinfo to the identity the sign-in rules look at. */
  validate(_accessToken: string, _refreshToken: string, profile: Profile): GoogleIdentity {
    const claims = profile._json;
    return {
      googleId: profile.id,
      email: claims.email?.trim().toLowerCase() ?? null,
      // Google sends a boolean; some gateways send the string "true".
      emailVerified: claims.email_verified === true || String(claims.email_verified) === 'true',
      hostedDomain: claims.hd ?? null,
      name: claims.name ?? null,
      avatarUrl: claims.picture ?? null,
    };
  }

  /** Where to send the browser: Google's consent page with a freshly stored state. */
  async authorizationUrl(req: Request): Promise<string> {
    const hostedDomain = this.google.allowedDomains.length === 1 ? this.google.allowedDomains[0] : undefined;
    const result = await this.run(req, { prompt: 'select_account', hostedDomain });
    if (result.kind === 'redirect') return result.url;
    throw result.kind === 'error' ? result.error : new Error(`Google sign-in could not start (${result.kind})`);
  }

  /**
   * Finishes the redirect from Google: consumes the state, exchanges the code and reads the
   * profile. Problems on Google's side or with the state become a refusal, never an exception.
   */
  async callbackOutcome(req: Request): Promise<GoogleCallbackOutcome> {
    const query = req.query as Record<string, unknown>;
    // Without a code or an error, passport would start a new sign-in instead of finishing one.
    if (query.code === undefined && query.error === undefined) return { refused: 'invalid_request' };
    const result = await this.run(req, {});
    switch (result.kind) {
      case 'success':
        return { identity: result.user };
      case 'fail':
        return { refused: result.challenge?.code ?? 'access_denied' };
      case 'error':
        this.logger.warn(`Google sign-in failed: ${result.error instanceof Error ? result.error.message : String(result.error)}`);
        return { refused: 'google_error' };
      case 'redirect':
        return { refused: 'invalid_request' };
    }
  }

  /**
   * Runs the strategy on this request and reports how it ended, as passport's own middleware
   * does (a per-request object whose success/fail/redirect/error are bound to the outcome), but
   * as a promise and without touching the response: the controller decides what to send.
   */
  private run(req: Request, options: object): Promise<StrategyResult> {
    return new Promise((resolve) => {
      const attempt = Object.create(this) as StrategyAttempt;
      attempt.success = (user) => resolve({ kind: 'success', user });
      attempt.fail = (challenge) => resolve({ kind: 'fail', challenge: typeof challenge === 'object' && challenge !== null ? (challenge as Partial<RefusedState>) : undefined });
      attempt.redirect = (url) => resolve({ kind: 'redirect', url });
      attempt.error = (error) => resolve({ kind: 'error', error });
      attempt.pass = () => resolve({ kind: 'fail' });
      try {
        attempt.authenticate(req, options);
      } catch (error) {
        resolve({ kind: 'error', error });
      }
    });
  }

  /**
   * @nestjs/passport registers every strategy in passport's process-wide registry by name. This
   * one is run directly (see `run`), so it gets a private registry: two applications in one
   * process (tests) then never answer with each other's Google settings.
   */
  getPassportInstance(): passport.PassportStatic {
    return new passport.Passport() as passport.PassportStatic;
  }
}
