import { DomainError } from '../../../libs/errors/domain-error.js';
import type { AssignmentStatus } from './assignments.events.js';

export class ClassArchivedError extends DomainError {
  constructor() {
    super('conflict', 'CLASS_ARCHIVED', 'This class is archived; its assignments cannot be created or changed');
  }
}

export class AssignmentArchivedError extends DomainError {
  constructor() {
    super('conflict', 'ASSIGNMENT_ARCHIVED', 'This assignment is archived and can no longer be changed');
  }
}

/** The client's If-Match names a version that is no longer current. */
export class AssignmentVersionMismatchError extends DomainError {
  constructor(current: number, expected: number) {
    super('conflict', 'VERSION_MISMATCH', `The assignment is at version ${current}, not ${expected}: someone changed it since you loaded it; reload and try again`);
  }
}

export class IllegalStatusTransitionError extends DomainError {
  constructor(from: AssignmentStatus, to: AssignmentStatus, allowed: readonly AssignmentStatus[]) {
    const next = allowed.length ? `from ${from} it can only go to ${allowed.join(' or ')}` : `${from} is final`;
    super('conflict', 'ILLEGAL_STATUS_TRANSITION', `An assignment cannot go from ${from} to ${to}: ${next}`, [{ field: 'status', message: `cannot go from ${from} to ${to}` }]);
  }
}

/** The grading source (rubric or answer key) is fixed once the assignment leaves draft. */
export class GradingSourceLockedError extends DomainError {
  constructor(field: 'rubricId' | 'answerKeyData', status: AssignmentStatus) {
    const message = `${field} can only change while the assignment is a draft (it is ${status}): work may already have been graded with it`;
    super('conflict', 'GRADING_SOURCE_LOCKED', message, [{ field, message }]);
  }
}

export class AssignmentNotReadyError extends DomainError {
  constructor(field: 'rubricId' | 'answerKeyData', message: string) {
    super('conflict', 'ASSIGNMENT_NOT_READY', `The assignment cannot be activated: ${message}`, [{ field, message }]);
  }
}

/** A rubricId in a body that is not a template or the caller's own, non-deleted rubric. */
export class RubricNotFoundError extends DomainError {
  constructor() {
    const message = 'rubricId must be a template or one of your rubrics (not deleted)';
    super('not_found', 'RUBRIC_NOT_FOUND', `Rubric not found: ${message}`, [{ field: 'rubricId', message }]);
  }
}
