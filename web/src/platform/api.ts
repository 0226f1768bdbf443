import type { ErrorBody, ErrorCode, FieldIssue } from '../../../contracts/errors.js';

/** An error answer from the API, carrying the server's code, message and per-field issues. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK_ERROR';
  readonly field: string | undefined;
  readonly issues: FieldIssue[];
  readonly requestId: string | undefined;
  readonly body: ErrorBody['error'] | undefined;

  constructor(status: number, code: ApiError['code'], message: string, body?: ErrorBody['error']) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = body?.field;
    this.issues = body?.issues ?? [];
    this.requestId = body?.requestId;
    this.body = body;
  }
}

export function isApiError(error: unknown, code?: ApiError['code']): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** The session's CSRF token, kept only in memory (never in storage). */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type SignedOutReason = 'SESSION_EXPIRED' | 'NOT_SIGNED_IN';
let onSignedOut: ((reason: SignedOutReason) => void) | null = null;
/** The session layer registers what to do when the server says the session is gone. */
export function setSignedOutHandler(handler: ((reason: SignedOutReason) => void) | null): void {
  onSignedOut = handler;
}

export interface RequestOptions {
  body?: unknown;
  /** Leave 401s to the caller (sign-in and the first session check). */
  quietOnSignedOut?: boolean;
  signal?: AbortSignal;
}

/** Calls the Medassist API; answers with the parsed JSON (or undefined for 204) or throws ApiError. */
export async function apiRequest<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'Medassist could not reach the server. Check the connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const body = (data as Partial<ErrorBody> | undefined)?.error;
    const code = body?.code ?? 'INTERNAL_ERROR';
    const error = new ApiError(response.status, code, body?.message ?? `The server answered ${response.status}.`, body);
    if (response.status === 401 && (code === 'SESSION_EXPIRED' || code === 'NOT_SIGNED_IN') && !options.quietOnSignedOut) {
      onSignedOut?.(code);
    }
    throw error;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => apiRequest<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => apiRequest<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => apiRequest<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => apiRequest<T>('DELETE', path, options),
};

/**
 * Puts the server's per-field messages under the matching inputs. Answers true only when every
 * message found its input, so the caller shows a general panel for anything left over.
 */
export function applyFieldErrors(error: unknown, setFieldError: (path: string, message: string) => void, knownFields?: (path: string) => boolean): boolean {
  if (!(error instanceof ApiError)) return false;
  const issues = error.issues.length > 0 ? error.issues : error.field ? [{ field: error.field, message: error.message }] : [];
  let allPlaced = issues.length > 0;
  for (const issue of issues) {
    if (knownFields && !knownFields(issue.field)) {
      allPlaced = false;
      continue;
    }
    setFieldError(issue.field, issue.message);
  }
  return allPlaced;
}
