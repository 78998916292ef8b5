/**
 * Errors that a use case raises on purpose. The HTTP layer maps `kind` to a status code;
 * `code` is a stable machine-readable name and `details` lists what exactly was wrong.
 */
export type ErrorKind = 'invalid' | 'not_found' | 'forbidden' | 'unauthorized' | 'conflict' | 'too_large' | 'unsupported' | 'unprocessable' | 'unavailable';

export interface ErrorDetail {
  /** The field, column or row the problem is about (for example "criteria[2].levels[0].points" or "row 4, column email"). */
  field?: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string) {
    super('not_found', 'NOT_FOUND', `${resource} not found`);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(message: string, details: ErrorDetail[]) {
    super('invalid', 'VALIDATION_FAILED', message, details);
  }
}

export class ConcurrencyError extends DomainError {
  constructor(message = 'This record was changed by someone else at the same time; reload it and try again') {
    super('conflict', 'CONCURRENT_EDIT', message);
  }
}
