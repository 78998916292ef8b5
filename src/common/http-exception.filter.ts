import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorDetail, type ErrorKind } from '../../libs/errors/domain-error.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** The error body every endpoint returns. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
  requestId?: string;
}

/** Maps domain errors and Nest's HTTP exceptions to one JSON shape; hides internals of anything else. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<{ requestId?: string; method: string; url: string }>();
    const body = this.toBody(exception);
    body.requestId = request.requestId;
    if (body.statusCode >= 500) {
      this.logger.error(`${request.method} ${request.url} failed`, exception instanceof Error ? exception.stack : String(exception));
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return { statusCode: STATUS[exception.kind], code: exception.code, message: exception.message, details: exception.details.length ? exception.details : undefined };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (typeof payload === 'object' && payload !== null && 'code' in payload) return { statusCode: status, ...(payload as Omit<ErrorBody, 'statusCode'>) };
      const message = typeof payload === 'string' ? payload : (payload as { message?: string | string[] }).message;
      return {
        statusCode: status,
        code: HttpStatus[status] ?? 'ERROR',
        message: Array.isArray(message) ? message.join('; ') : (message ?? exception.message),
      };
    }
    const bodyParserError = exception as { type?: string; status?: number; message?: string };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return { statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' };
    }
    if (bodyParserError?.type === 'entity.too.large') {
      return { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Something went wrong on the server; the request was not applied' };
  }
}
