import { defineEvent } from '../../../libs/event-store/event.js';

/**
 * Submissions: student work uploaded to an assignment, matched to a roster student, its pages
 * rendered, and its grading status. A submission's stream version equals its `version` column.
 * Every payload carries `assignmentId` and `ownerId` (the teacher who owns the class), so read
 * models keyed by teacher, class or assignment need no lookups (every payload also has `classId`). Payloads hold ids, kinds, counts and
 * statuses only: never student names, file names, text or image bytes.
 */
export type SubmissionStatus = 'pending' | 'grading' | 'graded' | 'reviewed' | 'error';
export type SourceKind = 'image' | 'pdf' | 'text' | 'stack';
export type MatchStatus = 'matched' | 'unmatched' | 'ambiguous';
/** typed: the id or name the teacher typed (or the stack's student order); file_name: the uploaded file's name; teacher: assigned in the matching queue; ai: read from the first page. */
export type MatchMethod = 'typed' | 'file_name' | 'teacher' | 'ai';

export const SUBMISSION_STATUSES: readonly SubmissionStatus[] = ['pending', 'grading', 'graded', 'reviewed', 'error'];
export const MATCH_STATUSES: readonly MatchStatus[] = ['matched', 'unmatched', 'ambiguous'];

/** A roster student a submission might belong to (stored on the row, never in events). */
export interface MatchCandidate {
  studentId: string;
}

export const SubmissionUploaded = defineEvent<{
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  uploadId: string;
  /** The matched student, or null (unmatched or ambiguous). */
  studentId: string | null;
  matchStatus: MatchStatus;
  sourceKind: SourceKind;
  /** Pages of the work (0 for typed text); PDF pages are rendered afterwards (SubmissionPagesRendered). */
  pageCount: number;
  status: SubmissionStatus;
}>({
  type: 'SubmissionUploaded',
  action: 'submission.upload',
  streamType: 'submission',
});

/** The submission was matched to a roster student (at upload, or later by the teacher: then a correction when previousStudentId is set). */
export const SubmissionMatched = defineEvent<{
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  studentId: string;
  previousStudentId: string | null;
  method: MatchMethod;
}>({
  type: 'SubmissionMatched',
  action: 'submission.match',
  streamType: 'submission',
});

/** Every page of a PDF submission has its image and thumbnail: the work is ready for grading. */
export const SubmissionPagesRendered = defineEvent<{
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  pageCount: number;
}>({
  type: 'SubmissionPagesRendered',
  action: 'submission.pages_rendered',
  streamType: 'submission',
});

/** The grading status moved (pending → grading → graded → reviewed, or to error). */
export const SubmissionStatusChanged = defineEvent<{
  submissionId: string;
  assignmentId: string;
  /**
   * Optional only because the grading part was written before it existed: record it. The teacher
   * dashboard counts pending work per class and skips a status change without it.
   */
  classId?: string;
  ownerId: string;
  from: SubmissionStatus;
  to: SubmissionStatus;
}>({
  type: 'SubmissionStatusChanged',
  action: 'submission.status_change',
  streamType: 'submission',
});
