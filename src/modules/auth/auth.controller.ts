import { Body, Controller, Get, HttpCode, Inject, Optional, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiFoundResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import type { Actor } from '../../../libs/event-store/event.js';
import { NotFoundError } from '../../../libs/errors/domain-error.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import { Public } from '../../common/auth.decorators.js';
import { type AuthOptionsDto, DevLoginDto, type MeDto } from './auth.dto.js';
import { GoogleSignInNotConfiguredError } from './auth.errors.js';
import { OAUTH_STATE_COOKIE, OAUTH_STATE_COOKIE_PATH, SESSION_COOKIE } from './auth.tokens.js';
import { CompleteGoogleSignInCommand } from './commands/complete-google-sign-in.command.js';
import { SignInCommand, type SignInResult } from './commands/sign-in.command.js';
import { SignOutCommand } from './commands/sign-out.command.js';
import { GoogleStrategy } from './google.strategy.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(GoogleStrategy) private readonly googleSignIn: GoogleStrategy | null,
  ) {}

  /** Which sign-in methods this server offers (for the sign-in page). */
  @Public()
  @Get('options')
  options(): AuthOptionsDto {
    return { google: Boolean(this.config.auth.google), devLogin: this.config.auth.devLogin };
  }

  /** Development sign-in: only when NODE_ENV is not production and AUTH_DEV_LOGIN=true or Google is not configured. */
  @Public()
  @Post('dev-login')
  @HttpCode(200)
  async devLogin(@Body() body: DevLoginDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<MeDto> {
    if (!this.config.auth.devLogin) throw new NotFoundError('Development sign-in');
    const result = await this.commands.execute(new SignInCommand(actor, { email: body.email, name: body.name, requestedRole: body.role ?? 'teacher' }, 'dev'));
    setSessionCookie(res, result, this.config);
    return { ...result.user, csrfToken: result.csrfToken, via: 'session' };
  }

  /** Starts Google sign-in: redirects the browser to Google with a one-time state. */
  @Public()
  @Get('google')
  @ApiFoundResponse({ description: "Redirect to Google's consent page" })
  @ApiNotFoundResponse({ description: 'Google sign-in is not configured' })
  async google(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(302, await this.googleStrategy().authorizationUrl(req));
  }

  /**
   * Where Google sends the browser back. Signs the person in and redirects to `/`, or redirects to
   * `/sign-in?error=<reason>` (domain_not_allowed, email_not_verified, account_disabled,
   * access_denied, invalid_state, invalid_request, google_error).
   */
  @Public()
  @Get('google/callback')
  @ApiFoundResponse({ description: 'Redirect to / (signed in) or to /sign-in?error=<reason>' })
  async googleCallback(@Req() req: Request, @CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    const outcome = await this.googleStrategy().callbackOutcome(req);
    const result = await this.commands.execute(new CompleteGoogleSignInCommand(actor, outcome));
    res.clearCookie(OAUTH_STATE_COOKIE, { path: OAUTH_STATE_COOKIE_PATH });
    if (result.signedIn) setSessionCookie(res, result.signedIn, this.config);
    res.redirect(302, result.signedIn ? '/' : `/sign-in?error=${result.refused}`);
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): MeDto {
    return { id: user.id, email: user.email, name: user.name, role: user.role, csrfToken: user.csrfToken ?? null, via: user.via };
  }

  /** Ends the browser session (the cookie stops working) and records user.logout. */
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthenticatedUser, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<void> {
    if (user.sessionId) await this.commands.execute(new SignOutCommand(actor, user.sessionId));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  private googleStrategy(): GoogleStrategy {
    if (!this.googleSignIn) throw new GoogleSignInNotConfiguredError();
    return this.googleSignIn;
  }
}

export function setSessionCookie(res: Response, result: SignInResult, config: AppConfig): void {
  res.cookie(SESSION_COOKIE, result.sessionToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.auth.cookieSecure,
    path: '/',
    expires: result.expiresAt,
  });
}
