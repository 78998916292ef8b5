import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The server's DTOs, by name (generated from its OpenAPI document). */
export type Schemas = components['schemas'];

/** One problem named by the server: a field, a CSV cell ("row 4, email") or a rubric path. */
export interface ErrorDetail {
  field?: string;
  message: string;
}

/** The error body every endpoint answers with (src/common/http-exception.filter.ts). */
interface ErrorBody {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: ErrorDetail[];
  requestId?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly requestId?: string;

  constructor(status: number, body: unknown) {
    const error: ErrorBody = typeof body === 'object' && body !== null ? (body as ErrorBody) : {};
    super(error.message ?? (status === 0 ? 'The server could not be reached. Check your connection and try again.' : `The server answered ${status}`));
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code ?? (status === 0 ? 'NETWORK_ERROR' : 'HTTP_ERROR');
    this.details = Array.isArray(error.details) ? error.details : [];
    this.requestId = error.requestId;
  }

  /** 404, or a malformed id in the address (400 naming a path parameter): either way there is nothing to show. */
  get notFound(): boolean {
    return this.status === 404 || (this.status === 400 && this.details.some((detail) => detail.field === 'id' || detail.field === 'classId'));
  }
}

let csrfToken: string | null = null;

/** The session's CSRF token (from GET /api/auth/me), sent as X-CSRF-Token on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** The typed client: paths, parameters, bodies and responses come from the server's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

type Result<D> = { data?: D; error?: unknown; response: Response };

/** The response body of a successful call; any other status becomes an ApiError. */
export async function unwrap<D>(call: Promise<Result<D>>): Promise<NonNullable<D>> {
  let result: Result<D>;
  try {
    result = await call;
  } catch (error) {
    throw new ApiError(0, { message: error instanceof Error ? `The server could not be reached: ${error.message}` : undefined });
  }
  if (!result.response.ok) throw new ApiError(result.response.status, result.error);
  return result.data as NonNullable<D>;
}

export interface UploadOptions {
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** Called with the fraction (0 to 1) of the request body sent so far. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Sends a multipart body with XMLHttpRequest, the only browser API that reports upload progress.
 * Resolves with the JSON response; rejects with an ApiError naming what the server refused.
 */
export function upload<T>(url: string, body: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? 'POST', url);
    xhr.responseType = 'text';
    xhr.withCredentials = true;
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    for (const [name, value] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let json: unknown = null;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        json = { message: xhr.responseText.slice(0, 200) };
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve(json as T);
      } else reject(new ApiError(xhr.status, json));
    };
    xhr.onerror = () => reject(new ApiError(0, {}));
    xhr.onabort = () => reject(new ApiError(0, { code: 'ABORTED', message: 'The upload was cancelled' }));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

/** Query-string for download links (CSV exports) built from the same filters as the list. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The server's per-field problems of a failed request, by field name (first message per field). */
export function fieldErrors(error: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  if (error instanceof ApiError) {
    for (const detail of error.details) {
      if (detail.field && !(detail.field in errors)) errors[detail.field] = detail.message;
    }
  }
  return errors;
}
