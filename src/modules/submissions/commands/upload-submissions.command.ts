import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { SubmissionStorage } from '../submission-storage.js';
import { IDEMPOTENCY_CONSTRAINT, insertPages, insertSubmission, insertUpload, isUniqueViolation, replayOf, requestHash, storeResponse, type UploadOutcome, uploadResult } from '../submission.writes.js';
import { findOwnedAssignment, loadRoster } from '../submissions.access.js';
import { AssignmentArchivedError } from '../submissions.errors.js';
import { mapLimited, prepareFile, prepareText, type PreparedWork, storePrepared, type UploadedFile, uploadedSha256 } from '../submissions.intake.js';
import { type MatchResult, matchFileName, matchTyped, UNMATCHED } from '../submissions.rules.js';
import { enqueueAiGrading } from '../../grading/grading.events.js';
import { RenderPagesJobs } from '../workers/render-submission-pages.worker.js';

export interface UploadSubmissionsInput {
  files: UploadedFile[];
  /** Per file: what the teacher typed to say whose work it is (id, school id or name), or "". */
  studentIds?: string[];
  studentNames?: string[];
  text?: string;
  studentId?: string;
  studentName?: string;
}

/** Uploads photos, PDFs or typed text as submissions of an assignment, all or nothing. */
export class UploadSubmissionsCommand extends Command<UploadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly assignmentId: string,
    readonly input: UploadSubmissionsInput,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

/** Files are checked and converted two at a time (the reference server has two cores). */
const PREPARE_CONCURRENCY = 2;

@CommandHandler(UploadSubmissionsCommand)
export class UploadSubmissionsHandler implements ICommandHandler<UploadSubmissionsCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly storage: SubmissionStorage,
    private readonly jobs: JobQueue,
    private readonly renderJobs: RenderPagesJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ actor, assignmentId, input, idempotencyKey }: UploadSubmissionsCommand): Promise<UploadOutcome> {
    const userId = actor.userId!;
    const pieces = piecesOf(input);
    const assignment = await findOwnedAssignment(this.dataSource.manager, userId, assignmentId);
    if (assignment.status === 'archived' || assignment.classArchived) throw new AssignmentArchivedError();

    const kind = input.text !== undefined ? 'text' : 'files';
    const hashes = input.files.map(uploadedSha256);
    const fields = { studentIds: input.studentIds, studentNames: input.studentNames, text: input.text, studentId: input.studentId, studentName: input.studentName };
    const hash = requestHash(kind, assignmentId, input.files.map((file, index) => ({ name: file.originalname, sha256: hashes[index] })), fields);
    const replay = await replayOf(this.dataSource.manager, userId, idempotencyKey, hash);
    if (replay) return replay;

    // Everything slow happens before the transaction: checking and converting each file, then storing it.
    const alreadySubmitted = await this.alreadySubmitted(assignmentId, hashes);
    const works = await mapLimited(pieces, PREPARE_CONCURRENCY, async (piece, index) =>
      piece.file ? (alreadySubmitted.has(hashes[index]) ? null : prepareFile(piece.file, this.config.uploads)) : prepareText(input.text!, null),
    );
    const held = await storePrepared(this.storage, works.filter((work): work is PreparedWork => work !== null));
    const roster = await loadRoster(this.dataSource.manager, assignment.classId);

    try {
      return await this.uow.run(actor, async (tx) => {
        const locked = await findOwnedAssignment(tx.manager, userId, assignmentId, { lock: true });
        if (locked.status === 'archived' || locked.classArchived) throw new AssignmentArchivedError();
        await this.storage.hold(tx.manager, held);
        const rendering = works.some((work) => work?.sourceKind === 'pdf');
        const uploadId = await insertUpload(tx, { assignmentId, userId, kind, idempotencyKey, requestHash: hash, rendering });
        const results: Array<{ id: string; duplicate: boolean }> = [];
        const toRender: string[] = [];
        for (const [index, work] of works.entries()) {
          if (!work) {
            results.push({ id: alreadySubmitted.get(hashes[index])!, duplicate: true });
            continue;
          }
          const { match, fallbackName } = matchOf(pieces[index], work, roster);
          const result = await insertSubmission(tx, locked, {
            uploadId,
            position: index,
            contentSha256: work.contentSha256,
            sourceKind: work.sourceKind,
            mimeType: work.mimeType,
            fileName: work.fileName,
            fileSizeBytes: work.original.byteLength,
            originalKey: work.originalKey!,
            thumbnailKey: work.thumbnailKey ?? null,
            textContent: work.text ?? null,
            pageCount: work.pageCount,
            match,
            fallbackName,
          });
          results.push(result);
          if (result.duplicate) continue;
          await insertPages(tx, result.id, pagesOf(work));
          if (work.sourceKind === 'pdf') toRender.push(result.id);
        }
        await this.jobs.sendMany(await this.renderJobs.definition(), toRender.map((submissionId) => ({ submissionId })), tx);
        // Work uploaded to an active assignment goes to the AI grader in this transaction (PDFs once their pages are rendered).
        if (locked.status === 'active') {
          const ready = results.filter((result, index) => !result.duplicate && works[index] && works[index].sourceKind !== 'pdf').map((result) => result.id);
          await enqueueAiGrading(this.jobs, this.config, tx, ready);
        }
        if (toRender.length === 0 && rendering) await tx.manager.query(`UPDATE uploads SET status = 'complete', completed_at = now() WHERE id = $1`, [uploadId]);
        const outcome = await uploadResult(tx.manager, assignmentId, uploadId, results);
        await storeResponse(tx, uploadId, outcome);
        return outcome;
      });
    } catch (error) {
      // A concurrent request with the same Idempotency-Key committed first: answer what it answered.
      if (isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) return (await replayOf(this.dataSource.manager, userId, idempotencyKey, hash))!;
      throw error;
    }
  }

  /** Submissions of the assignment whose uploaded bytes have these hashes, by hash. */
  private async alreadySubmitted(assignmentId: string, hashes: string[]): Promise<Map<string, string>> {
    if (hashes.length === 0) return new Map();
    const rows: Array<{ id: string; content_sha256: string }> = await this.dataSource.query(`SELECT id, content_sha256 FROM submissions WHERE assignment_id = $1 AND content_sha256 = ANY($2)`, [
      assignmentId,
      hashes,
    ]);
    return new Map(rows.map((row) => [row.content_sha256, row.id]));
  }
}

interface Piece {
  file?: UploadedFile;
  /** What the teacher typed for this piece (a student id, school id or name). */
  typed?: string;
}

/** The pieces of work in upload order, each with what the teacher typed about its student. */
function piecesOf(input: UploadSubmissionsInput): Piece[] {
  if (input.text !== undefined) {
    if (input.files.length > 0) throw new ValidationFailedError('Invalid request: send either files or text, not both', [{ field: 'text', message: 'cannot be combined with files' }]);
    if (input.studentIds || input.studentNames) throw new ValidationFailedError('Invalid request: with text, name the student in studentId or studentName', [{ field: 'studentIds', message: 'only with files' }]);
    return [{ typed: nonBlank(input.studentId) ?? nonBlank(input.studentName) }];
  }
  if (input.files.length === 0) throw new ValidationFailedError('Invalid request: files is missing', [{ field: 'files', message: 'send one or more files as multipart/form-data field "files", or a typed essay as text' }]);
  if (input.studentId !== undefined || input.studentName !== undefined) {
    throw new ValidationFailedError('Invalid request: with files, name the students in studentIds[] or studentNames[] (one per file)', [{ field: input.studentId !== undefined ? 'studentId' : 'studentName', message: 'only with text' }]);
  }
  for (const [field, list] of [['studentIds', input.studentIds], ['studentNames', input.studentNames]] as const) {
    if (list && list.length !== input.files.length) {
      throw new ValidationFailedError(`Invalid request: ${field} must have one entry per file (${input.files.length}), not ${list.length}`, [{ field, message: `needs ${input.files.length} entries, one per file` }]);
    }
  }
  return input.files.map((file, index) => ({ file, typed: nonBlank(input.studentIds?.[index]) ?? nonBlank(input.studentNames?.[index]) }));
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The typed student decides when given (unmatched if it fits no one); otherwise the file name. */
function matchOf(piece: Piece, work: PreparedWork, roster: Parameters<typeof matchTyped>[1]): { match: MatchResult; fallbackName: string | null } {
  if (piece.typed !== undefined) return { match: matchTyped(piece.typed, roster), fallbackName: piece.typed };
  if (work.fileName) return { match: matchFileName(work.fileName, roster), fallbackName: null };
  return { match: UNMATCHED, fallbackName: null };
}

function pagesOf(work: PreparedWork) {
  if (work.sourceKind === 'image') return [{ pageNumber: 1, blobKey: work.originalKey!, thumbnailKey: work.thumbnailKey!, mimeType: work.mimeType, width: work.width!, height: work.height! }];
  if (work.sourceKind === 'pdf') return Array.from({ length: work.pageCount }, (_, index) => ({ pageNumber: index + 1, sourcePdfKey: work.originalKey!, sourcePdfPage: index + 1 }));
  return [];
}

