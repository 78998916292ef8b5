import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';

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

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApiTokenDto {
  /** What the token is for, to recognise it later ("gradebook sync"). */
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  /** Days until the token stops working; without it the token works until revoked. */
  @ApiPropertyOptional({ minimum: 1, maximum: 365 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  expiresInDays?: number;
}

export class CreatedApiTokenDto {
  id: string;
  name: string;
  /** The token itself (`hm_...`). Shown only in this response: store it now. Send it as `Authorization: Bearer <token>`. */
  token: string;
  /** The token's first characters, as shown in the token list. */
  tokenPrefix: string;
  createdAt: Date;
  expiresAt: Date | null;
}

export class ApiTokenDto {
  id: string;
  name: string;
  tokenPrefix: string;
  createdAt: Date;
  /** Last request made with the token (updated at most once a minute). */
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export class ApiTokenPageDto {
  items: ApiTokenDto[];
  page: number;
  pageSize: number;
  total: number;
}

export class ListUsersQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: ['teacher', 'admin'] })
  @IsOptional()
  @IsIn(['teacher', 'admin'])
  role?: 'teacher' | 'admin';

  /** Part of the email address or name, case-insensitive. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() || undefined : value))
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ['teacher', 'admin'] })
  @IsOptional()
  @IsIn(['teacher', 'admin'])
  role?: 'teacher' | 'admin';

  /** true signs the user out everywhere and blocks sign-in and their API tokens; false lets them back in. */
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class UserDto {
  id: string;
  email: string;
  name: string | null;
  @ApiProperty({ enum: ['teacher', 'admin'] })
  role: 'teacher' | 'admin';
  schoolId: string | null;
  disabled: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export class UserPageDto {
  items: UserDto[];
  page: number;
  pageSize: number;
  total: number;
}
