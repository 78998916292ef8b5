import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { SignInHandler } from './commands/sign-in.command.js';
import { SignOutHandler } from './commands/sign-out.command.js';

@Module({
  imports: [CqrsModule],
  controllers: [AuthController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    // commands
    SignInHandler,
    SignOutHandler,
  ],
})
export class AuthModule {}
