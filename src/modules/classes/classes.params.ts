import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, ValidationFailedError } from '../../../libs/errors/domain-error.js';

/** What multer keeps of an uploaded file (memory storage). */
export interface UploadedFileData {
  buffer: Buffer;
  size: number;
  originalname: string;
  mimetype: string;
}

export const CSV_MAX_BYTES = 2 * 1024 * 1024;
export const ONEROSTER_MAX_BYTES = 100 * 1024 * 1024;
// Windows browsers label .csv files application/vnd.ms-excel.
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'];

/**
 * Reads a `text/csv` request body (the app parses only JSON itself), so a roster can be sent
 * as the raw body as well as a multipart upload. Anything else is left to the route.
 */
export async function readCsvBody(req: Request, _res: unknown, next: (error?: unknown) => void): Promise<void> {
  if (!req.is(CSV_TYPES) || req.body !== undefined) return next();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > CSV_MAX_BYTES) return next(new DomainError('too_large', 'PAYLOAD_TOO_LARGE', `A roster CSV can be at most ${CSV_MAX_BYTES / 1024 / 1024} MB`));
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    return next(error);
  }
  req.body = Buffer.concat(chunks);
  next();
}

/** The uploaded file (multipart field `file`) or, for a `text/csv` request, the body; 400 naming `file` when neither came. */
export const UploadedContent = createParamDecorator((_: unknown, context: ExecutionContext): Buffer => {
  const req = context.switchToHttp().getRequest<Request & { file?: UploadedFileData }>();
  const content = req.file?.buffer ?? (Buffer.isBuffer(req.body) ? req.body : undefined);
  if (!content) {
    throw new ValidationFailedError('Invalid request: file is missing', [{ field: 'file', message: 'send the file as multipart/form-data field "file" (a roster CSV may also be the text/csv request body)' }]);
  }
  return content;
});
