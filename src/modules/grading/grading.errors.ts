import { DomainError } from '../../../libs/errors/domain-error.js';
import type { SubmissionStatus } from '../submissions/submissions.events.js';

export class IllegalSubmissionTransitionError extends DomainError {
  constructor(from: SubmissionStatus, to: SubmissionStatus, allowed: readonly SubmissionStatus[]) {
    const next = allowed.length > 0 ? `from ${from} it can only go to ${allowed.join(' or ')}` : `${from} is final`;
    super('conflict', 'ILLEGAL_STATUS_TRANSITION', `A submission cannot go from ${from} to ${to}: ${next}`, [{ field: 'status', message: `cannot go from ${from} to ${to}` }]);
  }
}

/** The client's If-Match names a grade version that is no longer current (or there is no grade yet). */
export class GradeVersionMismatchError extends DomainError {
  constructor(current: number | null, expected: number) {
    const message =
      current === null
        ? `This submission has no grade yet, so there is no version ${expected} to replace; send the grade without If-Match`
        : `The grade is at version ${current}, not ${expected}: someone changed it since you loaded it; reload and try again`;
    super('conflict', 'VERSION_MISMATCH', message, [{ field: 'If-Match', message }]);
  }
}

/** The client's If-Match names a submission version that is no longer current. */
export class SubmissionVersionMismatchError extends DomainError {
  constructor(current: number, expected: number) {
    const message = `The submission is at version ${current}, not ${expected}: it changed since you loaded it; reload and try again`;
    super('conflict', 'VERSION_MISMATCH', message, [{ field: 'If-Match', message }]);
  }
}

/** Grades of an archived assignment or class are kept as they are. */
export class GradingClosedError extends DomainError {
  constructor() {
    super('conflict', 'ASSIGNMENT_ARCHIVED', 'This assignment (or its class) is archived; its grades can no longer be changed');
  }
}

/** The assignment is graded one way and the body scores it the other way. */
export class WrongGradingModeError extends DomainError {
  constructor(mode: 'rubric' | 'answer_key') {
    const message =
      mode === 'rubric'
        ? 'This assignment is graded with a rubric: send criteriaScores (one per criterion), not answers or questionScores'
        : 'This assignment is graded with an answer key: send answers and/or questionScores, not criteriaScores';
    super('invalid', 'WRONG_GRADING_MODE', message, [{ field: mode === 'rubric' ? 'criteriaScores' : 'answers', message }]);
  }
}

export class NotGradableError extends DomainError {
  constructor(message: string) {
    super('conflict', 'NOT_GRADABLE', message);
  }
}

/** No ANTHROPIC_API_KEY (or another reason the AI grader is off): work waits for manual grading. */
export class AiGradingDisabledError extends DomainError {
  constructor(reason: string) {
    super('conflict', 'AI_GRADING_DISABLED', reason);
  }
}

/** Claude is grading this submission right now. */
export class AlreadyGradingError extends DomainError {
  constructor() {
    super('conflict', 'ALREADY_GRADING', 'The AI grader is working on this submission right now; wait for its proposal');
  }
}

/** Bulk approval never includes flagged AI grades: a teacher must open each one. */
export class FlaggedGradesError extends DomainError {
  constructor(flagged: Array<{ gradeId: string; field: string; flags: string[] }>) {
    super(
      'conflict',
      'FLAGGED_GRADES',
      `These grades are flagged and must be reviewed and approved one by one: ${flagged.map((grade) => `${grade.gradeId} (${grade.flags.join(', ')})`).join(', ')}`,
      flagged.map((grade) => ({ field: grade.field, message: `flagged ${grade.flags.join(', ')}: open it and approve it on its own` })),
    );
  }
}
