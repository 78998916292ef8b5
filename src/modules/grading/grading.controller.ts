import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../libs/event-store/event.js';
import type { Page } from '../../common/pagination.js';
import { CurrentActor } from '../../common/request-context.js';
import { ApproveGradeCommand } from './commands/approve-grade.command.js';
import { ApproveGradesCommand } from './commands/approve-grades.command.js';
import { ChangeSubmissionStatusCommand } from './commands/change-submission-status.command.js';
import { RecordGradeCommand } from './commands/record-grade.command.js';
import {
  ApproveGradesDto,
  type ApproveGradesResultDto,
  type AssignmentStatsDto,
  ChangeSubmissionStatusDto,
  ExportGradesQueryDto,
  type GradeDto,
  GradePageDto,
  IdParams,
  ListGradesQueryDto,
  RecordGradeDto,
  type SubmissionStatusDto,
} from './grading.dto.js';
import { IfMatchVersion } from '../../common/http-params.js';
import { ExportGradesQuery } from './queries/export-grades.query.js';
import { GetAssignmentStatsQuery } from './queries/get-assignment-stats.query.js';
import { GetGradeQuery } from './queries/get-grade.query.js';
import { ListGradesQuery } from './queries/list-grades.query.js';

const IfMatchHeader = () => ApiHeader({ name: 'If-Match', required: false, description: 'The version you last read, e.g. "3"; a different current version answers 409' });

/** Grades, grading status, assignment statistics and the gradebook export. Only the class's teacher reaches them; any other id answers 404. */
@ApiTags('grading')
@Controller()
export class GradingController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /**
   * Grades the submission by hand, or changes its grade. Rubric mode: criteriaScores, one per
   * criterion of the assignment's rubric version, each on one of its levels. Answer-key mode:
   * answers (scored against the key) and/or questionScores. The submission becomes reviewed.
   */
  @Put('submissions/:id/grade')
  @IfMatchHeader()
  async record(@Param() { id }: IdParams, @Body() body: RecordGradeDto, @IfMatchVersion() ifMatch: number | undefined, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<GradeDto> {
    return withVersionTag(res, await this.commands.execute(new RecordGradeCommand(actor, id, body, ifMatch)));
  }

  /** The submission's grade; the ETag header is its version. 404 while it has none. */
  @Get('submissions/:id/grade')
  async get(@Param() { id }: IdParams, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<GradeDto> {
    return withVersionTag(res, await this.queries.execute(new GetGradeQuery(actor, id)));
  }

  /** Marks the submission as failed (error, with a message; from pending or grading) or retries failed work (pending, from error). */
  @Post('submissions/:id/status')
  @HttpCode(200)
  @IfMatchHeader()
  changeStatus(@Param() { id }: IdParams, @Body() body: ChangeSubmissionStatusDto, @IfMatchVersion() ifMatch: number | undefined, @CurrentActor() actor: Actor): Promise<SubmissionStatusDto> {
    return this.commands.execute(new ChangeSubmissionStatusCommand(actor, id, body.status, body.message, ifMatch));
  }

  /** Approves the grade as it stands (an AI proposal); the submission becomes reviewed. Approving an approved grade changes nothing. */
  @Post('grades/:id/approve')
  @HttpCode(200)
  @IfMatchHeader()
  async approve(@Param() { id }: IdParams, @IfMatchVersion() ifMatch: number | undefined, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<GradeDto> {
    return withVersionTag(res, await this.commands.execute(new ApproveGradeCommand(actor, id, ifMatch)));
  }

  /** Approves several grades of the assignment at once, all or nothing. */
  @Post('assignments/:id/grades/approve')
  @HttpCode(200)
  approveMany(@Param() { id }: IdParams, @Body() body: ApproveGradesDto, @CurrentActor() actor: Actor): Promise<ApproveGradesResultDto> {
    return this.commands.execute(new ApproveGradesCommand(actor, id, body.gradeIds));
  }

  /** The assignment's grades, in submission order. */
  @Get('assignments/:id/grades')
  @ApiOkResponse({ type: GradePageDto })
  list(@Param() { id }: IdParams, @Query() filters: ListGradesQueryDto, @CurrentActor() actor: Actor): Promise<Page<GradeDto>> {
    return this.queries.execute(new ListGradesQuery(actor, id, filters));
  }

  /** The gradebook as CSV (UTF-8 with BOM): student, student id, total, max, percentage, one column per criterion or question, note. */
  @Get('assignments/:id/grades/export.csv')
  @ApiProduces('text/csv')
  async export(@Param() { id }: IdParams, @Query() query: ExportGradesQueryDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<string> {
    const { filename, csv } = await this.queries.execute(new ExportGradesQuery(actor, id, query.includeUnapproved ?? false));
    // The name is already reduced to letters, digits and dashes, so it needs no RFC 5987 form.
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    return csv;
  }

  /** Submissions by status, the mean and exact median percentage, a 10-band histogram and each criterion's mean (where the class struggles). */
  @Get('assignments/:id/stats')
  stats(@Param() { id }: IdParams, @CurrentActor() actor: Actor): Promise<AssignmentStatsDto> {
    return this.queries.execute(new GetAssignmentStatsQuery(actor, id));
  }
}

function withVersionTag<T extends { version: number }>(res: Response, grade: T): T {
  res.setHeader('ETag', `"${grade.version}"`);
  return grade;
}
