import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class DevLoginDto {
  /** Any email address: the development sign-in trusts it. */
  @IsEmail()
  @MaxLength(254)
  email: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ['teacher', 'admin'], default: 'teacher' })
  @IsOptional()
  @IsIn(['teacher', 'admin'])
  role?: 'teacher' | 'admin';
}

export class MeDto {
  id: string;
  email: string;
  name: string | null;
  @ApiProperty({ enum: ['teacher', 'admin'] })
  role: 'teacher' | 'admin';
  /** Send this in X-CSRF-Token on every state-changing request made with the session cookie. */
  csrfToken: string | null;
  @ApiProperty({ enum: ['session', 'token'] })
  via: 'session' | 'token';
}

export class AuthOptionsDto {
  /** Google sign-in is configured. */
  google: boolean;
  /** The development sign-in (POST /api/auth/dev-login) is enabled. Never in production. */
  devLogin: boolean;
}
