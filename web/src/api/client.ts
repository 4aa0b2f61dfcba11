/**
 * The console's only way to the API: an openapi-fetch client typed by the generated `paths`
 * (openapi.gen.ts, from the server's own schemas), so a route or shape that changes on the server
 * is a compile error here. The session cookie is HttpOnly and travels by itself; every change
 * echoes the session's CSRF token (from the login response or GET /me) as X-CSRF-Token. Failures
 * become ApiError with the server's stable `code` and `details`.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi.gen';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the session is gone (expired, signed out elsewhere): the app shows the login page. */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

const SAFE = new Set(['GET', 'HEAD']);

export function headersFor(method: string, hasBody: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (hasBody) h['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) h['x-csrf-token'] = csrfToken;
  return h;
}

/** The one error shape; Partial, because a proxy in front of the server may answer anything. */
type ErrorBody = Partial<components['schemas']['Error']>;

/** The one error shape (or anything else a proxy answered) as an ApiError. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as ErrorBody;
  const e = b.error;
  const err = new ApiError(status, e?.code ?? `http_${status}`, e?.message ?? `The server answered ${status}.`, e?.details ?? {}, b.requestId);
  if ((err.code === 'unauthenticated' || err.code === 'session_expired') && onUnauthenticated) onUnauthenticated();
  return err;
}

/** Reads an error response into an ApiError (for the streaming reader, which bypasses the client). */
export async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: keep the status */
  }
  return apiErrorOf(res.status, body);
}

const csrf: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept', request.headers.get('accept') ?? 'application/json');
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use(csrf);

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call: its data, or an ApiError thrown for any non-2xx answer. */
export async function unwrap<D>(call: Promise<Answer<D>>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorOf(response.status, error);
  return data as D;
}

export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
