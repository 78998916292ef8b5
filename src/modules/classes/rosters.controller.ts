import { Controller, Get, HttpCode, Post, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../../../libs/event-store/event.js';
import { Roles } from '../../common/auth.decorators.js';
import { type AuthenticatedUser, CurrentActor, CurrentUser } from '../../common/request-context.js';
import { ImportOneRosterCommand } from './commands/import-oneroster.command.js';
import { ImportRosterCsvCommand } from './commands/import-roster-csv.command.js';
import { OneRosterImportResultDto, OneRosterUploadDto, RosterImportResultDto, RosterUploadDto } from './classes.dto.js';
import { UuidParam } from '../../common/http-params.js';
import { CSV_MAX_BYTES, ONEROSTER_MAX_BYTES, UploadedContent } from './classes.params.js';
import { ExportRosterQuery } from './queries/export-roster.query.js';

/** Roster files: a class roster as CSV in and out, and a district's OneRoster bundle. */
@ApiTags('rosters')
@Controller()
export class RostersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /**
   * Imports a roster CSV into the class, all or nothing: any bad row answers 400 naming every bad
   * row and column, and nothing is written. Re-importing the same file changes nothing.
   */
  @Post('classes/:id/students/import')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: CSV_MAX_BYTES, files: 1 } }))
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody({ type: RosterUploadDto })
  importCsv(@UuidParam('id') classId: string, @UploadedContent() csv: Buffer, @CurrentActor() actor: Actor): Promise<RosterImportResultDto> {
    return this.commands.execute(new ImportRosterCsvCommand(actor, classId, csv));
  }

  /** The roster as CSV (name, email, student id); cells that a spreadsheet would run as formulas are prefixed with '. */
  @Get('classes/:id/students/export.csv')
  @ApiProduces('text/csv')
  async exportCsv(@UuidParam('id') classId: string, @CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) res: Response): Promise<string> {
    const { filename, csv } = await this.queries.execute(new ExportRosterQuery(user.id, classId));
    res.type('text/csv; charset=utf-8').attachment(filename);
    return csv;
  }

  /**
   * Imports a OneRoster 1.1 or 1.2 CSV bundle (admins only): schools, teachers, classes and
   * students, all or nothing. Re-importing the same bundle changes nothing and records nothing.
   */
  @Post('rosters/oneroster')
  @Roles('admin')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: ONEROSTER_MAX_BYTES, files: 1 } }))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: OneRosterUploadDto })
  importOneRoster(@UploadedContent() zip: Buffer, @CurrentActor() actor: Actor): Promise<OneRosterImportResultDto> {
    return this.commands.execute(new ImportOneRosterCommand(actor, new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength)));
  }
}
