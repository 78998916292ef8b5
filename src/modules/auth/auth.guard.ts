import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { DomainError } from '../../../libs/errors/domain-error.js';
import type { AuthenticatedUser, HandMarkRequest } from '../../common/request-context.js';
import { IS_PUBLIC, REQUIRED_ROLES } from '../../common/auth.decorators.js';
import { API_TOKEN_PREFIX, SESSION_COOKIE, safeEqual, sha256 } from './auth.tokens.js';
import type { Role } from './user.entity.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface PrincipalRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  school_id: string | null;
  session_id?: string;
  csrf_token?: string;
  token_id?: string;
  last_used_stale?: boolean;
}

/**
 * The global guard: every route needs a signed-in user unless marked @Public(). Browsers
 * authenticate with the session cookie and must echo the session's CSRF token in X-CSRF-Token on
 * every state-changing request; scripts use `Authorization: Bearer <api token>` and need none.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HandMarkRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;

    request.user = await this.authenticate(request);
    if (isPublic) return true;
    const user = request.user;
    if (!user) throw new DomainError('unauthorized', 'UNAUTHENTICATED', 'Sign in first: no valid session cookie or API token was sent');

    if (user.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.header('x-csrf-token') ?? '';
      if (!user.csrfToken || !safeEqual(sent, user.csrfToken)) {
        throw new DomainError('forbidden', 'CSRF_TOKEN_INVALID', 'Missing or wrong X-CSRF-Token header (get the token from GET /api/auth/me)');
      }
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(user.role)) {
      throw new DomainError('forbidden', 'FORBIDDEN', `This needs the ${roles.join(' or ')} role`);
    }
    return true;
  }

  private async authenticate(request: HandMarkRequest): Promise<AuthenticatedUser | undefined> {
    const authorization = request.header('authorization');
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match || !match[1].startsWith(API_TOKEN_PREFIX)) {
        throw new DomainError('unauthorized', 'INVALID_TOKEN', 'The Authorization header must be "Bearer <HandMark API token>"');
      }
      const rows: PrincipalRow[] = await this.dataSource.query(
        `SELECT u.id, u.email, u.name, u.role, u.school_id, t.id AS token_id,
                (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS last_used_stale
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL`,
        [sha256(match[1])],
      );
      if (rows.length === 0) throw new DomainError('unauthorized', 'INVALID_TOKEN', 'The API token is unknown, expired or revoked');
      // Usage bookkeeping for the token list, not a domain change: at most one write a minute per token.
      if (rows[0].last_used_stale) await this.dataSource.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [rows[0].token_id]);
      return { ...pick(rows[0]), via: 'token' };
    }

    const cookie = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (!cookie) return undefined;
    const rows: PrincipalRow[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.name, u.role, u.school_id, s.id AS session_id, s.csrf_token
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [sha256(cookie)],
    );
    if (rows.length === 0) return undefined;
    return { ...pick(rows[0]), via: 'session', sessionId: rows[0].session_id, csrfToken: rows[0].csrf_token };
  }
}

function pick(row: PrincipalRow) {
  return { id: row.id, email: row.email, name: row.name, role: row.role, schoolId: row.school_id };
}
