import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { DomainError, ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { displayName } from '../../../../libs/media/describe.js';
import { inspectPdf } from '../../../../libs/media/pdf.js';
import { sniffUpload } from '../../../../libs/media/sniff.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { SubmissionStorage } from '../submission-storage.js';
import { IDEMPOTENCY_CONSTRAINT, insertPages, insertSubmission, insertUpload, isUniqueViolation, replayOf, requestHash, storeResponse, type UploadOutcome, uploadResult } from '../submission.writes.js';
import { findOwnedAssignment, loadRoster } from '../submissions.access.js';
import { AssignmentArchivedError, StackSplitError } from '../submissions.errors.js';
import type { UploadedFile } from '../submissions.intake.js';
import { sha256Hex } from '../submissions.intake.js';
import { type MatchResult, matchTyped, splitStack, stackRangeSha256, UNMATCHED } from '../submissions.rules.js';
import { RenderPagesJobs } from '../workers/render-submission-pages.worker.js';

export interface UploadStackInput {
  file: UploadedFile | undefined;
  pagesPerStudent?: number;
  boundaries?: number[];
  coverPages?: boolean;
  studentOrder?: string[];
}

/**
 * A whole class's scanned work as one PDF, split into one submission per student in stack order.
 * The PDF is stored once; each submission's pages point at its page range and are rendered by a
 * job enqueued in the same transaction, so the answer comes back before any page is drawn.
 */
export class UploadStackCommand extends Command<UploadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly assignmentId: string,
    readonly input: UploadStackInput,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

@CommandHandler(UploadStackCommand)
export class UploadStackHandler implements ICommandHandler<UploadStackCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly storage: SubmissionStorage,
    private readonly jobs: JobQueue,
    private readonly renderJobs: RenderPagesJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ actor, assignmentId, input, idempotencyKey }: UploadStackCommand): Promise<UploadOutcome> {
    const userId = actor.userId!;
    const file = checkedInput(input);
    const assignment = await findOwnedAssignment(this.dataSource.manager, userId, assignmentId);
    if (assignment.status === 'archived' || assignment.classArchived) throw new AssignmentArchivedError();

    const stackSha256 = sha256Hex(file.buffer);
    const fields = { pagesPerStudent: input.pagesPerStudent, boundaries: input.boundaries, coverPages: input.coverPages ?? false, studentOrder: input.studentOrder };
    const hash = requestHash('stack', assignmentId, [{ name: file.originalname, sha256: stackSha256 }], fields);
    const replay = await replayOf(this.dataSource.manager, userId, idempotencyKey, hash);
    if (replay) return replay;

    if (sniffUpload(file.buffer, file.originalname).kind !== 'pdf') {
      throw new DomainError('unsupported', 'STACK_NOT_A_PDF', `${displayName(file.originalname)} is not a PDF; a class stack is one scanned PDF`, [{ field: 'file', message: 'must be a PDF' }]);
    }
    const { pageCount } = await inspectPdf(file.buffer, { fileName: file.originalname, maxPages: this.config.uploads.maxPdfPages, maxBytes: this.config.uploads.maxStackBytes });
    const ranges = splitStack(pageCount, { pagesPerStudent: input.pagesPerStudent, boundaries: input.boundaries });
    const roster = await loadRoster(this.dataSource.manager, assignment.classId);
    const matches = matchOrder(input.studentOrder ?? [], ranges.length, roster);
    const pdfKey = (await this.storage.put(file.buffer)).key;

    try {
      return await this.uow.run(actor, async (tx) => {
        const locked = await findOwnedAssignment(tx.manager, userId, assignmentId, { lock: true });
        if (locked.status === 'archived' || locked.classArchived) throw new AssignmentArchivedError();
        await this.storage.hold(tx.manager, [{ key: pdfKey, bytes: file.buffer }]);
        const uploadId = await insertUpload(tx, { assignmentId, userId, kind: 'stack', idempotencyKey, requestHash: hash, rendering: true });
        const results: Array<{ id: string; duplicate: boolean }> = [];
        const toRender: string[] = [];
        for (const [index, range] of ranges.entries()) {
          const pages = range.last - range.first + 1;
          const result = await insertSubmission(tx, locked, {
            uploadId,
            position: index,
            contentSha256: stackRangeSha256(stackSha256, range),
            sourceKind: 'stack',
            mimeType: 'application/pdf',
            fileName: file.originalname,
            fileSizeBytes: file.buffer.byteLength,
            originalKey: pdfKey,
            thumbnailKey: null,
            textContent: null,
            pageCount: pages,
            match: matches[index].match,
            fallbackName: matches[index].typed,
          });
          results.push(result);
          if (result.duplicate) continue;
          await insertPages(
            tx,
            result.id,
            Array.from({ length: pages }, (_, offset) => ({ pageNumber: offset + 1, sourcePdfKey: pdfKey, sourcePdfPage: range.first + offset, isCover: (input.coverPages ?? false) && offset === 0 })),
          );
          toRender.push(result.id);
        }
        await this.jobs.sendMany(await this.renderJobs.definition(), toRender.map((submissionId) => ({ submissionId })), tx);
        if (toRender.length === 0) await tx.manager.query(`UPDATE uploads SET status = 'complete', completed_at = now() WHERE id = $1`, [uploadId]);
        const outcome = await uploadResult(tx.manager, assignmentId, uploadId, results);
        await storeResponse(tx, uploadId, outcome);
        return outcome;
      });
    } catch (error) {
      if (isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) return (await replayOf(this.dataSource.manager, userId, idempotencyKey, hash))!;
      throw error;
    }
  }
}

function checkedInput(input: UploadStackInput): UploadedFile {
  if (!input.file) throw new ValidationFailedError('Invalid request: file is missing', [{ field: 'file', message: 'send the class stack PDF as multipart/form-data field "file"' }]);
  if ((input.pagesPerStudent === undefined) === (input.boundaries === undefined)) {
    const message = 'give either pagesPerStudent (every student has the same number of pages) or boundaries (each student\'s first page)';
    throw new ValidationFailedError(`Invalid request: ${message}`, [{ field: 'pagesPerStudent', message }]);
  }
  return input.file;
}

/** The student of each range, from the teacher's stack order; the same student twice is a mistake worth stopping for. */
function matchOrder(order: string[], students: number, roster: Parameters<typeof matchTyped>[1]): Array<{ match: MatchResult; typed: string | null }> {
  if (order.length > students) {
    throw new StackSplitError('studentOrder', `the stack splits into ${students} students, but studentOrder names ${order.length}`);
  }
  const seen = new Map<string, number>();
  return Array.from({ length: students }, (_, index) => {
    const typed = order[index]?.trim() || null;
    const match = typed ? matchTyped(typed, roster) : UNMATCHED;
    if (match.studentId) {
      const first = seen.get(match.studentId);
      if (first !== undefined) throw new StackSplitError(`studentOrder[${index}]`, `it names the same student as studentOrder[${first}]`);
      seen.set(match.studentId, index);
    }
    return { match, typed };
  });
}
