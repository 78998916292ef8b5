import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { CompleteGoogleSignInHandler } from './commands/complete-google-sign-in.command.js';
import { ConsumeOAuthStateHandler } from './commands/consume-oauth-state.command.js';
import { CreateApiTokenHandler } from './commands/create-api-token.command.js';
import { IssueOAuthStateHandler } from './commands/issue-oauth-state.command.js';
import { RevokeApiTokenHandler } from './commands/revoke-api-token.command.js';
import { SignInHandler } from './commands/sign-in.command.js';
import { SignOutHandler } from './commands/sign-out.command.js';
import { UpdateUserAccessHandler } from './commands/update-user-access.command.js';
import { GoogleStrategy } from './google.strategy.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { ListApiTokensHandler } from './queries/list-api-tokens.query.js';
import { ListUsersHandler } from './queries/list-users.query.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [CqrsModule],
  controllers: [AuthController, ApiTokensController, UsersController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    // Google sign-in exists only when configured (null otherwise: the routes answer 404)
    {
      provide: GoogleStrategy,
      inject: [APP_CONFIG, CommandBus],
      useFactory: (config: AppConfig, commands: CommandBus) =>
        config.auth.google ? new GoogleStrategy(config.auth.google, config.publicUrl, new OAuthStateStore(commands, config.auth.cookieSecure)) : null,
    },
    // commands
    SignInHandler,
    SignOutHandler,
    IssueOAuthStateHandler,
    ConsumeOAuthStateHandler,
    CompleteGoogleSignInHandler,
    CreateApiTokenHandler,
    RevokeApiTokenHandler,
    UpdateUserAccessHandler,
    // queries
    ListApiTokensHandler,
    ListUsersHandler,
  ],
})
export class AuthModule {}
