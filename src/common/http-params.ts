import { createParamDecorator, type ExecutionContext, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { ValidationFailedError } from '../../libs/errors/domain-error.js';

/** A route parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const UuidParam = (name: string) =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new ValidationFailedError(`Invalid request: ${name} must be a UUID`, [{ field: name, message: `${name} must be a UUID` }]),
    }),
  );

const IF_MATCH_MESSAGE = 'If-Match must be the version you last read, for example "3"';

/** The version in `If-Match: 3` (or `"3"`, `W/"3"`); undefined when absent, empty or `*`. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match || Number(match[1]) < 1) throw new ValidationFailedError(`Invalid request: ${IF_MATCH_MESSAGE}`, [{ field: 'If-Match', message: IF_MATCH_MESSAGE }]);
  return Number(match[1]);
}

/**
 * The version the client last read, from If-Match: a write with a stale version answers 409
 * instead of overwriting someone else's change.
 */
export const IfMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined =>
  parseIfMatch(context.switchToHttp().getRequest<Request>().header('if-match')),
);

/** Swagger documentation of the optional If-Match header. */
export const ApiIfMatch = () => ApiHeader({ name: 'If-Match', required: false, description: 'The version you last read; a different current version answers 409' });
