/**
 * What the AI grader reads before calling Claude: the assignment (instructions, rubric version or
 * answer key, the teacher's recent corrections) and the student's work (typed text, or page images
 * resized to the model's useful resolution). Plain reads, never inside a transaction; the tables of
 * other modules are read with SQL.
 */
import type { EntityManager } from 'typeorm';
import type { AnswerKey } from '../../../libs/answer-key/answer-key.js';
import { NotFoundError } from '../../../libs/errors/domain-error.js';
import { resizeForModel } from '../../../libs/media/images.js';
import type { LocalBlobStorage } from '../../../libs/storage/blob-storage.js';
import type { SourceKind, SubmissionStatus } from '../submissions/submissions.events.js';
import { type GradingContext, MAX_CORRECTION_EXAMPLES, type StudentWork, type TeacherCorrection } from './ai-grading.prompt.js';
import type { GradingMode } from './grading.events.js';
import { rubricCriteria } from './grading.access.js';

/** More pages than this are not sent to Claude (the request would be slow and costly); the teacher grades them. */
export const MAX_PAGES_FOR_AI = 30;

export interface GradingTarget {
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  status: SubmissionStatus;
  sourceKind: SourceKind;
  mode: GradingMode;
  rubricVersionId: string | null;
  answerKey: AnswerKey | null;
  title: string;
  instructions: string | null;
}

export async function loadGradingTarget(manager: EntityManager, submissionId: string): Promise<GradingTarget> {
  const rows: Array<{
    id: string;
    assignment_id: string;
    class_id: string;
    owner_id: string;
    status: SubmissionStatus;
    source_kind: SourceKind;
    grading_mode: GradingMode;
    rubric_version_id: string | null;
    answer_key_data: AnswerKey | null;
    title: string;
    instructions: string | null;
  }> = await manager.query(
    `SELECT s.id, s.assignment_id, a.class_id, c.user_id AS owner_id, s.status, s.source_kind, a.grading_mode, a.rubric_version_id, a.answer_key_data, a.title, a.instructions
       FROM submissions s JOIN assignments a ON a.id = s.assignment_id JOIN classes c ON c.id = a.class_id
      WHERE s.id = $1`,
    [submissionId],
  );
  if (rows.length === 0) throw new NotFoundError('Submission');
  const [row] = rows;
  return {
    submissionId: row.id,
    assignmentId: row.assignment_id,
    classId: row.class_id,
    ownerId: row.owner_id,
    status: row.status,
    sourceKind: row.source_kind,
    mode: row.grading_mode,
    rubricVersionId: row.rubric_version_id,
    answerKey: row.answer_key_data,
    title: row.title,
    instructions: row.instructions,
  };
}

/** The assignment's part of the prompt, identical for every submission of the assignment until a teacher corrects another proposal. */
export async function loadGradingContext(manager: EntityManager, target: GradingTarget): Promise<GradingContext> {
  if (target.mode === 'rubric') {
    const criteria = await rubricCriteria(manager, target.rubricVersionId!);
    return { mode: 'rubric', title: target.title, instructions: target.instructions, criteria, corrections: await recentCorrections(manager, target) };
  }
  return { mode: 'answer_key', title: target.title, instructions: target.instructions, answerKey: target.answerKey!, corrections: [] };
}

/**
 * The teacher's most recent changes of AI proposals on this assignment (same rubric version), as
 * worked examples: oldest first, in a fixed order, so every submission of a run sees the same bytes.
 */
async function recentCorrections(manager: EntityManager, target: GradingTarget): Promise<TeacherCorrection[]> {
  const rows: Array<{ transcription: string | null; ai_criteria: Array<{ criterionId: string; score: number }> | null; criteria_scores: Array<{ criterion_id: string; score: number | string }> | null }> =
    await manager.query(
      `SELECT g.ai_reasoning->>'transcription' AS transcription, g.ai_reasoning->'criteria' AS ai_criteria, g.criteria_scores
         FROM grades g JOIN submissions s ON s.id = g.submission_id
        WHERE s.assignment_id = $1 AND g.source = 'ai' AND g.teacher_approved AND g.teacher_modified AND g.rubric_version_id = $2
          AND jsonb_typeof(g.ai_reasoning->'criteria') = 'array'
        ORDER BY g.approved_at DESC, g.id
        LIMIT $3`,
      [target.assignmentId, target.rubricVersionId, MAX_CORRECTION_EXAMPLES],
    );
  return rows.reverse().map((row) => {
    const final = new Map((row.criteria_scores ?? []).map((score) => [score.criterion_id, Number(score.score)]));
    return {
      transcription: row.transcription ?? '',
      criteria: (row.ai_criteria ?? []).filter((item) => final.has(item.criterionId)).map((item) => ({ criterionId: item.criterionId, aiScore: Number(item.score), teacherScore: final.get(item.criterionId)! })),
    };
  });
}

export type WorkResult = { ready: true; work: StudentWork; pages: number } | { ready: false; reason: string; final: boolean };

/**
 * The student's work as Claude will see it: typed text as is; photos and rendered PDF pages resized
 * to a 1568 px long edge (about 1.15 megapixels), beyond which the API would only downscale them.
 */
export async function loadStudentWork(manager: EntityManager, blobs: LocalBlobStorage, submissionId: string, sourceKind: SourceKind): Promise<WorkResult> {
  if (sourceKind === 'text') {
    const [row]: Array<{ text_content: string | null }> = await manager.query(`SELECT text_content FROM submissions WHERE id = $1`, [submissionId]);
    if (!row?.text_content?.trim()) return { ready: false, reason: 'The typed submission has no text to grade', final: true };
    return { ready: true, work: { kind: 'text', text: row.text_content }, pages: 1 };
  }
  const pages: Array<{ page_number: number; blob_key: string | null }> = await manager.query(
    `SELECT page_number, blob_key FROM submission_pages WHERE submission_id = $1 ORDER BY page_number`,
    [submissionId],
  );
  if (pages.length === 0) return { ready: false, reason: 'The submission has no pages to grade', final: true };
  if (pages.some((page) => page.blob_key === null)) return { ready: false, reason: 'Its pages are still being rendered', final: false };
  if (pages.length > MAX_PAGES_FOR_AI) {
    return { ready: false, reason: `The submission has ${pages.length} pages; AI grading takes at most ${MAX_PAGES_FOR_AI}, so grade it by hand`, final: true };
  }
  const images: Array<{ mediaType: 'image/jpeg'; base64: string }> = [];
  for (const page of pages) {
    const resized = await resizeForModel(await blobs.get(page.blob_key!), { fileName: `page ${page.page_number}` });
    images.push({ mediaType: 'image/jpeg', base64: resized.bytes.toString('base64') });
  }
  return { ready: true, work: { kind: 'images', pages: images }, pages: pages.length };
}
