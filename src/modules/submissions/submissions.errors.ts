import { DomainError } from '../../../libs/errors/domain-error.js';
import { displayName, formatBytes } from '../../../libs/media/describe.js';

export class AssignmentArchivedError extends DomainError {
  constructor() {
    super('conflict', 'ASSIGNMENT_ARCHIVED', 'This assignment (or its class) is archived: it takes no more submissions');
  }
}

/** A multipart file over UPLOAD_MAX_FILE_BYTES, named (multer stops reading it, so nothing of the request is kept). */
export class FileTooLargeError extends DomainError {
  constructor(fileName: string | undefined, maxBytes: number) {
    super('too_large', 'FILE_TOO_LARGE', `${displayName(fileName)} is larger than the limit of ${formatBytes(maxBytes)} per file; nothing was uploaded`, [
      { field: 'files', message: `${displayName(fileName)} is larger than ${formatBytes(maxBytes)}` },
    ]);
  }
}

export class TooManyFilesError extends DomainError {
  constructor(maxFiles: number) {
    super('too_large', 'TOO_MANY_FILES', `At most ${maxFiles} files can be uploaded at once; nothing was uploaded (split the class set into several uploads)`, [
      { field: 'files', message: `more than ${maxFiles} files` },
    ]);
  }
}

/** The same Idempotency-Key was used for a different request (different files or fields). */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('unprocessable', 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different upload; use a new key for new work', [
      { field: 'Idempotency-Key', message: 'already used for a different request' },
    ]);
  }
}

/** A retry arrived while the first request with the same Idempotency-Key is still being written. */
export class UploadInProgressError extends DomainError {
  constructor() {
    super('conflict', 'UPLOAD_IN_PROGRESS', 'An upload with this Idempotency-Key is still in progress; retry in a moment');
  }
}

/** The stack's split does not fit the PDF; `field` names the request field to change. */
export class StackSplitError extends DomainError {
  constructor(field: string, message: string) {
    super('unprocessable', 'STACK_SPLIT_INVALID', `The stack cannot be split: ${message}`, [{ field, message }]);
  }
}

/** The student chosen in the matching queue is not on the roster of the assignment's class. */
export class StudentNotInClassError extends DomainError {
  constructor() {
    const message = 'studentId must be a student of the assignment\'s class';
    super('unprocessable', 'STUDENT_NOT_IN_CLASS', message, [{ field: 'studentId', message }]);
  }
}

export class SubmissionVersionMismatchError extends DomainError {
  constructor(current: number, expected: number) {
    super('conflict', 'VERSION_MISMATCH', `The submission is at version ${current}, not ${expected}: it changed since you loaded it; reload and try again`);
  }
}
