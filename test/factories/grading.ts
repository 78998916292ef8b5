import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../libs/event-store/event.js';
import { ChangeSubmissionStatusCommand } from '../../src/modules/grading/commands/change-submission-status.command.js';
import { type GradeProposal, ProposeGradeCommand } from '../../src/modules/grading/commands/propose-grade.command.js';
import type { GradeDto } from '../../src/modules/grading/grading.dto.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';
import { answerKeyAssignmentBody, createAssignment } from './assignments.js';
import { addStudent, createClass, type CreatedStudent } from './classes.js';
import { intakeEnv, temporaryStorageDir } from './submissions.js';
import type { SignedInUser } from './users.js';

/** The application with its own storage directory (typed essays are stored as files too). */
export async function createGradingApp(): Promise<TestApp> {
  return createTestApp(intakeEnv(await temporaryStorageDir()));
}

/** Scores for the Math Problem Solving template (crit_1 Correct Answer: 5, 3 or 0; crit_2 Shows Work: 3, 2 or 0). */
export function mathScores(correct: 0 | 3 | 5, work: 0 | 2 | 3): Array<{ criterionId: string; score: number }> {
  return [
    { criterionId: 'crit_1', score: correct },
    { criterionId: 'crit_2', score: work },
  ];
}

export interface GradingSetup {
  classId: string;
  /** Rubric mode, the Math Problem Solving template (max 8). */
  rubricAssignmentId: string;
  /** Answer-key mode, the seed's key: 42, Yes, Photosynthesis at 5 points each (max 15). */
  answerKeyAssignmentId: string;
  students: CreatedStudent[];
}

/** A class with students (named as given) and one assignment of each grading mode, all through the API. */
export async function gradingSetup(teacher: SignedInUser, studentNames: string[] = []): Promise<GradingSetup> {
  const created = await createClass(teacher);
  const students: CreatedStudent[] = [];
  for (const [index, name] of studentNames.entries()) students.push(await addStudent(teacher, created.id, { name, studentId: `S-${1000 + index}` }));
  const rubric = await createAssignment(teacher, created.id);
  const answerKey = await createAssignment(teacher, created.id, answerKeyAssignmentBody());
  return { classId: created.id, rubricAssignmentId: rubric.id, answerKeyAssignmentId: answerKey.id, students };
}

/** Uploads a typed essay (unique text, so never a duplicate) and returns the new submission. */
export async function uploadEssay(teacher: SignedInUser, assignmentId: string, options: { studentId?: string; studentName?: string; text?: string } = {}): Promise<Record<string, any>> {
  const body = {
    text: options.text ?? `My answer, written ${randomUUID()}`,
    ...(options.studentId ? { studentId: options.studentId } : {}),
    ...(options.studentName ? { studentName: options.studentName } : {}),
  };
  const response = await teacher.post(`/api/assignments/${assignmentId}/submissions`).send(body).expect(201);
  return response.body.submissions[0];
}

/**
 * What the AI grader will do once it exists, through the same write path: the submission goes to
 * grading, then the proposal is stored (unapproved) and the submission becomes graded.
 */
export async function proposeGrade(t: TestApp, submissionId: string, scores: Pick<GradeProposal, 'criteriaScores' | 'answers' | 'questionScores'>, overrides: Partial<GradeProposal> = {}): Promise<GradeDto> {
  const commands = t.app.get(CommandBus);
  await commands.execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, submissionId, 'grading'));
  return commands.execute(
    new ProposeGradeCommand(SYSTEM_ACTOR, submissionId, {
      feedbackText: 'Check step 3 again.',
      aiConfidence: 0.86,
      aiModel: 'claude-sonnet-4-5',
      aiReasoning: { transcription: 'x = 42', inputTokens: 1200, outputTokens: 310 },
      flags: [],
      ...scores,
      ...overrides,
    }),
  );
}

/** The grade row of a submission as stored (numerics as strings, as pg returns them). */
export async function gradeRow(dataSource: DataSource, submissionId: string): Promise<Record<string, any> | undefined> {
  const [row] = await dataSource.query(`SELECT * FROM grades WHERE submission_id = $1`, [submissionId]);
  return row;
}

/** A submission's status columns as stored. */
export async function submissionState(dataSource: DataSource, submissionId: string): Promise<{ status: string; version: number; error_message: string | null; graded_at: Date | null; reviewed_at: Date | null }> {
  const [row] = await dataSource.query(`SELECT status, version, error_message, graded_at, reviewed_at FROM submissions WHERE id = $1`, [submissionId]);
  return row;
}

/** The assignment_stats row of an assignment as stored. */
export async function statsRow(dataSource: DataSource, assignmentId: string): Promise<Record<string, any> | undefined> {
  const [row] = await dataSource.query(`SELECT * FROM assignment_stats WHERE assignment_id = $1`, [assignmentId]);
  return row;
}

/** The events recorded about a submission and its grade (every grade event names its submission), oldest first. */
export async function gradingEvents(dataSource: DataSource, submissionId: string): Promise<Array<{ action: string; eventType: string; streamId: string; streamVersion: number; metadata: Record<string, any>; userId: string | null }>> {
  return dataSource.query(
    `SELECT action, event_type AS "eventType", stream_id AS "streamId", stream_version AS "streamVersion", metadata, user_id AS "userId"
       FROM activity_logs
      WHERE stream_id = $1 OR metadata->>'submissionId' = $1::text
      ORDER BY transaction_id, position`,
    [submissionId],
  );
}
