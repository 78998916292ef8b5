import { defineEvent } from '../../../libs/event-store/event.js';

/**
 * Assignments: created in a class, edited, and moved through draft → active → closed → archived.
 * An assignment's stream version equals its `version` column. Every payload carries `classId` and
 * `ownerId` (the class's teacher), so read models keyed by teacher or class need no lookups.
 * Titles, instructions and answer keys are recorded as changed field names, never as values.
 */
export type GradingMode = 'rubric' | 'answer_key';
export type AssignmentStatus = 'draft' | 'active' | 'closed' | 'archived';

export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['draft', 'active', 'closed', 'archived'];
export const GRADING_MODES: readonly GradingMode[] = ['rubric', 'answer_key'];

export const AssignmentCreated = defineEvent<{
  assignmentId: string;
  classId: string;
  ownerId: string;
  gradingMode: GradingMode;
  /** The rubric and the exact rubric_versions row it is graded with (rubric mode), else null. */
  rubricId: string | null;
  rubricVersionId: string | null;
  dueDate: string | null;
}>({
  type: 'AssignmentCreated',
  action: 'assignment.create',
  streamType: 'assignment',
});

/** Values of the changed fields that are not content: dates, ids and settings. */
export interface AssignmentChangeValues {
  dueDate?: string | null;
  rubricId?: string;
  rubricVersionId?: string;
  autoApproveThreshold?: number | null;
}

export const AssignmentUpdated = defineEvent<{
  assignmentId: string;
  classId: string;
  ownerId: string;
  /** API field names that changed: title, instructions, dueDate, rubricId, rubricVersionId, answerKeyData, autoApproveThreshold. */
  changed: string[];
  values: AssignmentChangeValues;
}>({
  type: 'AssignmentUpdated',
  action: 'assignment.update',
  streamType: 'assignment',
});

export const AssignmentStatusChanged = defineEvent<{
  assignmentId: string;
  classId: string;
  ownerId: string;
  from: AssignmentStatus;
  to: AssignmentStatus;
}>({
  type: 'AssignmentStatusChanged',
  action: 'assignment.status_change',
  streamType: 'assignment',
});

export type { AnswerKey, AnswerKeyEntry, AnswerKeyEntryObject, AnswerKeyType } from '../../../libs/answer-key/answer-key.js';
