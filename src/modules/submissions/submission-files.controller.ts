import { Controller, Get, Param, Req, Res, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type AuthenticatedUser, CurrentUser } from '../../common/request-context.js';
import { GetSubmissionFileQuery } from './queries/get-submission-file.query.js';
import { SubmissionIdParams, SubmissionPageParams } from './submissions.dto.js';
import { inlineDisposition } from './submissions.rules.js';

/**
 * The stored files of a submission, only through these authorized endpoints: never from a web
 * root, never with a type the browser may guess (nosniff), never cached by shared caches.
 */
@ApiTags('submissions')
@Controller('submissions/:id')
export class SubmissionFilesController {
  constructor(private readonly queries: QueryBus) {}

  /** The original: the photo (EXIF orientation applied, metadata removed), the PDF (a class stack's whole PDF; X-Source-Pages says which pages are this student's), or the typed text. */
  @Get('file')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp', 'application/pdf', 'text/plain')
  file(@Param() { id }: SubmissionIdParams, @CurrentUser() user: AuthenticatedUser, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.send(new GetSubmissionFileQuery(user.id, id, 'file'), req, res);
  }

  /** A small WebP preview of the first page (404 while it is rendering, and for typed text). */
  @Get('thumbnail')
  @ApiProduces('image/webp')
  thumbnail(@Param() { id }: SubmissionIdParams, @CurrentUser() user: AuthenticatedUser, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.send(new GetSubmissionFileQuery(user.id, id, 'thumbnail'), req, res);
  }

  /** A page's image (404 while it is rendering). */
  @Get('pages/:n')
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  page(@Param() { id, n }: SubmissionPageParams, @CurrentUser() user: AuthenticatedUser, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.send(new GetSubmissionFileQuery(user.id, id, 'page', n), req, res);
  }

  /** A page's WebP thumbnail. */
  @Get('pages/:n/thumbnail')
  @ApiProduces('image/webp')
  pageThumbnail(@Param() { id, n }: SubmissionPageParams, @CurrentUser() user: AuthenticatedUser, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.send(new GetSubmissionFileQuery(user.id, id, 'page-thumbnail', n), req, res);
  }

  private async send(query: GetSubmissionFileQuery, req: Request, res: Response): Promise<StreamableFile | undefined> {
    const file = await this.queries.execute(query);
    const etag = `"${file.key}"`;
    res.setHeader('ETag', etag);
    // private: only the signed-in teacher's browser may keep it; no-cache: ask again, so a revoked session cannot reuse it.
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Images and text opened on their own run nothing; PDFs are left to the browser's own (sandboxed) viewer, which a CSP would block.
    if (file.mimeType !== 'application/pdf') res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    if (file.sourcePages) res.setHeader('X-Source-Pages', file.sourcePages);
    if (req.header('if-none-match')?.split(',').some((tag) => tag.trim() === etag)) {
      res.status(304);
      return undefined;
    }
    return new StreamableFile(await file.open(), { type: file.mimeType, disposition: inlineDisposition(file.fileName), length: file.size });
  }
}
