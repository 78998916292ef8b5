import { QueryFailedError } from 'typeorm';
import { DomainError } from '../../../libs/errors/domain-error.js';

export class ClassArchivedError extends DomainError {
  constructor() {
    super('conflict', 'CLASS_ARCHIVED', 'This class is archived; archived classes and their rosters cannot be changed');
  }
}

/** The client's If-Match names a version that is no longer current. */
export class VersionMismatchError extends DomainError {
  constructor(resource: string, current: number, expected: number) {
    super('conflict', 'VERSION_MISMATCH', `The ${resource} is at version ${current}, not ${expected}: someone changed it since you loaded it; reload and try again`);
  }
}

const FIELD_LABELS = { email: 'email address', studentId: 'student id' } as const;

export class DuplicateStudentError extends DomainError {
  constructor(field: keyof typeof FIELD_LABELS) {
    const message = `Another student in this class already has this ${FIELD_LABELS[field]}`;
    super('conflict', 'DUPLICATE_STUDENT', message, [{ field, message }]);
  }
}

const UNIQUE_CONSTRAINTS: Record<string, keyof typeof FIELD_LABELS> = {
  students_class_email_unique: 'email',
  students_class_student_id_unique: 'studentId',
};

/** A concurrent write can slip past the duplicate check; the database constraint then answers with the same 409. */
export function asDuplicateStudent(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const driverError = error.driverError as { code?: string; constraint?: string };
  const field = driverError.code === '23505' && driverError.constraint ? UNIQUE_CONSTRAINTS[driverError.constraint] : undefined;
  return field ? new DuplicateStudentError(field) : error;
}
