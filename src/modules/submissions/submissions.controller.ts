import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, UploadedFile, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../libs/event-store/event.js';
import { type Page, PageQuery } from '../../common/pagination.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import { AssignStudentCommand } from './commands/assign-student.command.js';
import { UploadStackCommand } from './commands/upload-stack.command.js';
import { UploadSubmissionsCommand } from './commands/upload-submissions.command.js';
import { GetIntakeProgressQuery } from './queries/get-intake-progress.query.js';
import { GetSubmissionQuery } from './queries/get-submission.query.js';
import { ListSubmissionsQuery } from './queries/list-submissions.query.js';
import type { UploadOutcome } from './submission.writes.js';
import {
  AssignmentIdParams,
  AssignStudentDto,
  type IntakeProgressDto,
  ListSubmissionsQueryDto,
  type SubmissionDetailDto,
  type SubmissionDto,
  SubmissionIdParams,
  SubmissionPageListDto,
  UploadResultDto,
  UploadStackDto,
  UploadStackFormDto,
  UploadSubmissionsDto,
  UploadSubmissionsFormDto,
} from './submissions.dto.js';
import type { UploadedFile as UploadedFileData } from './submissions.intake.js';
import { IfMatchVersion } from '../../common/http-params.js';
import { IdempotencyKey } from './submissions.params.js';
import { UploadInterceptor } from './upload.interceptor.js';

const IdempotencyKeyHeader = () =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a retried upload safe: the same key with the same files and fields answers the first response again; with different ones, 422' });

/** Student work: uploads, class stacks, the matching queue and intake progress. Only the class's teacher reaches any of it; other ids answer 404. */
@ApiTags('submissions')
@Controller()
export class SubmissionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /**
   * Uploads work to the assignment: several files at once (photos or scans as JPEG, PNG or WebP,
   * PDFs, plain text), or a typed essay. Types are read from the bytes; EXIF orientation is applied
   * and all metadata removed. All or nothing. A file already submitted to the assignment answers
   * the existing submission with `duplicate: true` (201 when something new was created, else 200).
   */
  @Post('assignments/:id/submissions')
  @UseInterceptors(UploadInterceptor('files'))
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: UploadSubmissionsFormDto })
  @IdempotencyKeyHeader()
  @ApiOkResponse({ type: UploadResultDto })
  async upload(
    @Param() { id }: AssignmentIdParams,
    @Body() body: UploadSubmissionsDto,
    @UploadedFiles() files: UploadedFileData[] | undefined,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UploadResultDto> {
    return respond(res, await this.commands.execute(new UploadSubmissionsCommand(actor, id, { ...body, files: files ?? [] }, idempotencyKey)));
  }

  /**
   * Uploads a whole class's scanned work as one PDF and splits it into one submission per student,
   * in order. The answer comes at once; page images are rendered in the background (see intake-progress).
   */
  @Post('assignments/:id/submissions/stack')
  @UseInterceptors(UploadInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadStackFormDto })
  @IdempotencyKeyHeader()
  @ApiOkResponse({ type: UploadResultDto })
  async uploadStack(
    @Param() { id }: AssignmentIdParams,
    @Body() body: UploadStackDto,
    @UploadedFile() file: UploadedFileData | undefined,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UploadResultDto> {
    return respond(res, await this.commands.execute(new UploadStackCommand(actor, id, { ...body, file }, idempotencyKey)));
  }

  /** The assignment's submissions in upload order, optionally by grading status or match status. */
  @Get('assignments/:id/submissions')
  @ApiOkResponse({ type: SubmissionPageListDto })
  list(@Param() { id }: AssignmentIdParams, @Query() filters: ListSubmissionsQueryDto, @CurrentUser() user: AuthenticatedUser): Promise<Page<SubmissionDto>> {
    return this.queries.execute(new ListSubmissionsQuery(user.id, id, filters));
  }

  /** The matching queue: submissions whose student is unknown (unmatched) or unclear (ambiguous, with candidates). */
  @Get('assignments/:id/unmatched')
  @ApiOkResponse({ type: SubmissionPageListDto })
  unmatched(@Param() { id }: AssignmentIdParams, @Query() page: PageQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<SubmissionDto>> {
    return this.queries.execute(new ListSubmissionsQuery(user.id, id, Object.assign(new ListSubmissionsQueryDto(), page), ['unmatched', 'ambiguous']));
  }

  /** How many pages of the assignment's uploads are rendered, of how many. */
  @Get('assignments/:id/intake-progress')
  progress(@Param() { id }: AssignmentIdParams, @CurrentUser() user: AuthenticatedUser): Promise<IntakeProgressDto> {
    return this.queries.execute(new GetIntakeProgressQuery(user.id, id));
  }

  /** One submission with its pages; the ETag header is its version. */
  @Get('submissions/:id')
  async get(@Param() { id }: SubmissionIdParams, @CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) res: Response): Promise<SubmissionDetailDto> {
    return withVersionTag(res, await this.queries.execute(new GetSubmissionQuery(user.id, id)));
  }

  /** Says whose work this is (a student of the assignment's class), from the matching queue or to correct a match. */
  @Put('submissions/:id/student')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you last read; a different current version answers 409' })
  async assignStudent(
    @Param() { id }: SubmissionIdParams,
    @Body() body: AssignStudentDto,
    @IfMatchVersion() expectedVersion: number | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubmissionDto> {
    return withVersionTag(res, await this.commands.execute(new AssignStudentCommand(actor, id, body.studentId, expectedVersion)));
  }
}

function respond(res: Response, outcome: UploadOutcome): UploadResultDto {
  res.status(outcome.statusCode);
  return outcome.body;
}

function withVersionTag<T extends { version: number }>(res: Response, submission: T): T {
  res.setHeader('ETag', `"${submission.version}"`);
  return submission;
}
