import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../../libs/event-store/event.js';

/** The signed-in user, as the auth guard resolved it. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string | null;
  role: 'teacher' | 'admin';
  /** The school the user belongs to, when known (OneRoster imports set it). */
  schoolId: string | null;
  /** How this request was authenticated. */
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
}

export interface HandMarkRequest extends Request {
  requestId: string;
  user?: AuthenticatedUser;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Every request gets an id (kept from X-Request-Id when sane), echoed back and written on its events. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  (req as HandMarkRequest).requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function actorFrom(req: HandMarkRequest): Actor {
  return {
    userId: req.user?.id ?? null,
    role: req.user?.role ?? 'system',
    ip: req.ip ?? null,
    userAgent: req.header('user-agent')?.slice(0, 500) ?? null,
    requestId: req.requestId,
  };
}

/** The acting user of this request, with ip, user agent and request id, for the UnitOfWork. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => actorFrom(context.switchToHttp().getRequest<HandMarkRequest>()));

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<HandMarkRequest>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});
