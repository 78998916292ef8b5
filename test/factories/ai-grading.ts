import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type AnthropicFake, type FakeReply, type ReceivedRequest, reply } from '../fakes/anthropic-fake-server.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';
import { answerKeyAssignmentBody, createAssignment, moveTo, rubricAssignmentBody } from './assignments.js';
import { addStudent, createClass, type CreatedStudent } from './classes.js';
import { intakeEnv, temporaryStorageDir } from './submissions.js';
import type { SignedInUser } from './users.js';

export const RUBRIC_TOOL = 'record_rubric_grade';
export const ANSWER_KEY_TOOL = 'record_transcribed_answers';

/** The application pointed at the fake Anthropic API, with its own storage and short deadlines. */
export async function createAiGradingApp(fake: AnthropicFake, env: Record<string, string> = {}, storageDir?: string): Promise<TestApp & { storageDir: string }> {
  const dir = storageDir ?? (await temporaryStorageDir());
  const app = await createTestApp(
    intakeEnv(dir, {
      ...fake.env,
      AI_REQUEST_TIMEOUT_MS: '4000',
      AI_MAX_RETRIES: '1',
      AI_MAX_RETRY_AFTER_MS: '1000',
      AI_BATCH_POLL_SECONDS: '1',
      ...env,
    }),
  );
  return Object.assign(app, { storageDir: dir });
}

/** A typed answer to the Math Problem Solving template's word problem (the default transcription). */
export const PIZZA_ESSAY = 'Maria has 3/4 of a pizza and eats 1/4. 3/4 - 1/4 = 2/4 = 1/2. Answer: 1/2 of the pizza is left.';

/** A valid tool input for the Math Problem Solving template (crit_1 levels 5/3/0, crit_2 levels 3/2/0): 5 + 2 of 8. */
export function mathGrade(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    transcription: PIZZA_ESSAY,
    criteria: [
      { criterion_id: 'crit_1', level: 1, score: 5, reasoning: 'The final answer 1/2 is correct.', evidence_quote: 'Answer: 1/2 of the pizza is left' },
      { criterion_id: 'crit_2', level: 2, score: 2, reasoning: 'The subtraction is shown but not explained.', evidence_quote: '3/4 - 1/4 = 2/4 = 1/2' },
    ],
    feedback: 'You subtracted the fractions correctly and simplified your answer. Next time, say in words why you subtract.',
    confidence: 0.82,
    flags: [],
    ...overrides,
  };
}

/** A tool input for the Math template with the given levels' scores (crit_1: 5/3/0, crit_2: 3/2/0). */
export function mathGradeWith(correct: 0 | 3 | 5, work: 0 | 2 | 3, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const level = (points: number, levels: number[]) => levels.indexOf(points) + 1;
  return mathGrade({
    criteria: [
      { criterion_id: 'crit_1', level: level(correct, [5, 3, 0]), score: correct, reasoning: 'Judged from the answer.', evidence_quote: correct === 0 ? '' : 'Answer: 1/2' },
      { criterion_id: 'crit_2', level: level(work, [3, 2, 0]), score: work, reasoning: 'Judged from the steps.', evidence_quote: work === 0 ? '' : '3/4 - 1/4' },
    ],
    ...extra,
  });
}

export const gradeReply = (input: Record<string, unknown> = mathGrade()) => reply.toolUse(RUBRIC_TOOL, input);

/** The text of a Messages request (system, every text block), for matching requests to submissions. */
export function requestText(request: ReceivedRequest): string {
  return JSON.stringify(request.body?.messages ?? []);
}

/** Whether a request is the repair attempt (it carries Claude's first answer and the problems). */
export function isRepair(request: ReceivedRequest): boolean {
  return ((request.body?.messages as unknown[]) ?? []).length > 1;
}

/**
 * Answers each submission's requests from its own script, recognised by a marker in its text: the
 * n-th request for a marker gets the n-th reply (the last one repeats). Other requests get `fallback`.
 */
export function scriptByMarker(fake: AnthropicFake, scripts: Record<string, Array<FakeReply | ((request: ReceivedRequest) => FakeReply)>>, fallback: FakeReply = gradeReply()): void {
  const calls = new Map<string, number>();
  fake.respondWith((request) => {
    const text = requestText(request);
    for (const [marker, replies] of Object.entries(scripts)) {
      if (!text.includes(marker)) continue;
      const n = calls.get(marker) ?? 0;
      calls.set(marker, n + 1);
      const next = replies[Math.min(n, replies.length - 1)];
      return typeof next === 'function' ? next(request) : next;
    }
    return fallback;
  });
}

export interface AiSetup {
  classId: string;
  assignmentId: string;
  students: CreatedStudent[];
}

/** A class with students and an active assignment (rubric mode, Math template; or answer key). */
export async function activeAssignment(teacher: SignedInUser, options: { mode?: 'rubric' | 'answer_key'; students?: string[]; body?: Record<string, unknown>; activate?: boolean } = {}): Promise<AiSetup> {
  const created = await createClass(teacher);
  const students: CreatedStudent[] = [];
  for (const [index, name] of (options.students ?? []).entries()) students.push(await addStudent(teacher, created.id, { name, studentId: `S-${2000 + index}` }));
  const body = options.mode === 'answer_key' ? answerKeyAssignmentBody(options.body) : rubricAssignmentBody(options.body);
  const assignment = await createAssignment(teacher, created.id, body);
  if (options.activate ?? true) await moveTo(teacher, assignment.id, 'active');
  return { classId: created.id, assignmentId: assignment.id, students };
}

/** Uploads a typed essay whose text carries a marker (for scriptByMarker) and returns the submission. */
export async function uploadMarkedEssay(teacher: SignedInUser, assignmentId: string, marker: string, options: { text?: string; studentId?: string } = {}): Promise<Record<string, any>> {
  const text = `${options.text ?? PIZZA_ESSAY}\n(${marker})`;
  const response = await teacher
    .post(`/api/assignments/${assignmentId}/submissions`)
    .send({ text, ...(options.studentId ? { studentId: options.studentId } : {}) })
    .expect(201);
  return response.body.submissions[0];
}

export function marker(): string {
  return `ref-${randomUUID().slice(0, 8)}`;
}

/** Polls the submission's status until it is one of `statuses` (bounded). */
export async function waitForStatus(dataSource: DataSource, submissionId: string, statuses: string[], timeoutMs = 30_000): Promise<Record<string, any>> {
  const started = Date.now();
  for (;;) {
    const [row] = await dataSource.query(`SELECT id, status, version, error_message FROM submissions WHERE id = $1`, [submissionId]);
    if (row && statuses.includes(row.status)) return row;
    if (Date.now() - started > timeoutMs) {
      const jobs = await dataSource.query(`SELECT name, state, retry_count, start_after, output FROM pgboss.job WHERE data->>'submissionId' = $1`, [submissionId]);
      throw new Error(`submission ${submissionId} is ${row?.status} after ${timeoutMs} ms, not ${statuses.join(' or ')}; jobs: ${JSON.stringify(jobs)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls until `check` is true (bounded). */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, describe = 'condition'): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${describe} not reached after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The activity log rows about a submission and its grade, oldest first. */
export async function submissionEvents(dataSource: DataSource, submissionId: string): Promise<Array<{ action: string; eventType: string; streamId: string; metadata: Record<string, any>; userId: string | null }>> {
  return dataSource.query(
    `SELECT action, event_type AS "eventType", stream_id AS "streamId", metadata, user_id AS "userId"
       FROM activity_logs WHERE stream_id = $1 OR metadata->>'submissionId' = $1::text
      ORDER BY transaction_id, position`,
    [submissionId],
  );
}

export { answerKeyAssignmentBody };
