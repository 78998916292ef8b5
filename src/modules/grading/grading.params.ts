import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ValidationFailedError } from '../../../libs/errors/domain-error.js';

/** `If-Match: 3` (or `"3"`, `W/"3"`): the version the client last read; undefined when absent or `*`. */
export const IfMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const header = context.switchToHttp().getRequest<Request>().header('if-match');
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match || Number(match[1]) < 1) {
    throw new ValidationFailedError('Invalid request: If-Match must be the version number you last read', [{ field: 'If-Match', message: 'must be a version number, for example If-Match: 3' }]);
  }
  return Number(match[1]);
});
