import { type CallHandler, type ExecutionContext, HttpException, Inject, Injectable, mixin, type NestInterceptor, type Type } from '@nestjs/common';
import { FileInterceptor, FilesInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { catchError, from, mergeAll, type Observable, throwError } from 'rxjs';
import type { Readable } from 'node:stream';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { ValidationFailedError } from '../../../libs/errors/domain-error.js';
import { FileTooLargeError, TooManyFilesError } from './submissions.errors.js';

interface UploadingRequest extends Request {
  /** The multipart file being received, so a size-limit error can name it. */
  uploadingFileName?: string;
}

/** multer's memory storage, remembering which file is being received. */
const namedMemoryStorage = {
  _handleFile(req: UploadingRequest, file: { originalname: string; stream: Readable }, callback: (error: Error | null, info?: { buffer: Buffer; size: number }) => void) {
    req.uploadingFileName = file.originalname;
    const chunks: Buffer[] = [];
    file.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.stream.on('error', (error: Error) => callback(error));
    file.stream.on('end', () => {
      const buffer = Buffer.concat(chunks);
      callback(null, { buffer, size: buffer.length });
    });
  },
  _removeFile(_req: unknown, file: { buffer?: Buffer }, callback: (error: Error | null) => void) {
    delete file.buffer;
    callback(null);
  },
};

/**
 * Multipart parsing with the configured limits (FilesInterceptor / FileInterceptor of
 * @nestjs/platform-express, multer in memory): `files` for uploads, one `file` for a class stack.
 * multer's limit errors become 413s that name the file and the limit.
 */
export function UploadInterceptor(field: 'files' | 'file'): Type<NestInterceptor> {
  @Injectable()
  class ConfiguredUploadInterceptor implements NestInterceptor {
    private readonly multer: NestInterceptor;
    private readonly maxBytes: number;

    constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
      this.maxBytes = field === 'files' ? config.uploads.maxFileBytes : config.uploads.maxStackBytes;
      const options = { storage: namedMemoryStorage, limits: { fileSize: this.maxBytes, files: field === 'files' ? config.uploads.maxFiles : 1 }, defParamCharset: 'utf8' };
      const Multer = field === 'files' ? FilesInterceptor('files', undefined, options) : FileInterceptor('file', options);
      this.multer = new Multer();
    }

    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      const request = context.switchToHttp().getRequest<UploadingRequest>();
      return from(Promise.resolve(this.multer.intercept(context, next))).pipe(
        mergeAll(),
        catchError((error: unknown) => throwError(() => this.describe(error, request))),
      );
    }

    private describe(error: unknown, request: UploadingRequest): unknown {
      const code = error instanceof HttpException ? ((error.cause as { code?: string } | undefined)?.code ?? null) : null;
      if (code === 'LIMIT_FILE_SIZE') return new FileTooLargeError(request.uploadingFileName, this.maxBytes);
      if (code === 'LIMIT_FILE_COUNT') return field === 'files' ? new TooManyFilesError(this.config.uploads.maxFiles) : onlyOneFile();
      if (code === 'LIMIT_UNEXPECTED_FILE') {
        const sent = (error as HttpException & { cause: { field?: string } }).cause.field;
        return field === 'file' && sent === 'file'
          ? onlyOneFile()
          : new ValidationFailedError(`Invalid request: unexpected file field "${sent}"; send the ${field === 'files' ? 'files as "files"' : 'PDF as "file"'}`, [
              { field: sent ?? field, message: `files go in the "${field}" field` },
            ]);
      }
      return error;
    }
  }
  return mixin(ConfiguredUploadInterceptor);
}

function onlyOneFile(): ValidationFailedError {
  return new ValidationFailedError('Invalid request: a class stack is one PDF in the field "file"', [{ field: 'file', message: 'send exactly one PDF' }]);
}
