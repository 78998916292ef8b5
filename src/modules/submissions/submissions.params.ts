import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ValidationFailedError } from '../../../libs/errors/domain-error.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key`: a retried upload with the same key (and the same files and fields) answers
 * what the first answered instead of uploading again. 1 to 255 visible ASCII characters (a UUID is ideal).
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<Request>().header('idempotency-key');
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ValidationFailedError('Invalid request: Idempotency-Key must be 1 to 255 visible ASCII characters', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters, for example a UUID' }]);
  }
  return value;
});

/** `If-Match: 3` (or `"3"`, `W/"3"`): the version the client last read; undefined when absent. */
export const IfMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const header = context.switchToHttp().getRequest<Request>().header('if-match');
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match || Number(match[1]) < 1) {
    throw new ValidationFailedError('Invalid request: If-Match must be the version number you last read', [{ field: 'If-Match', message: 'must be a version number, for example If-Match: 3' }]);
  }
  return Number(match[1]);
});
