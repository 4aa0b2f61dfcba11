/**
 * The typed errors of Atrium. Every failure a caller can see is one of these, with a stable
 * snake_case `code`; `http/http-errors.ts` maps them, in one place, to a status and the one
 * error shape `{ error: { code, message, details }, requestId }`.
 * Messages are written for a person and never carry a credential or a secret value.
 * Codes another layer owns (a database connector's: `auth_failed`, `query_error`…) come in
 * through `AppError.withStatus`, mapped by the module that calls that layer.
 */

export type ErrorCode =
  | 'validation_failed'
  | 'malformed_url'
  | 'uri_too_long'
  | 'invalid_json'
  | 'invalid_utf8'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'session_expired'
  | 'csrf_failed'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'version_conflict'
  | 'already_exists'
  | 'rate_limited'
  | 'plan_required'
  | 'asset_access_required'
  | 'confirmation_required'
  | 'last_admin'
  | 'service_unavailable'
  | 'decryption_failed'
  | 'no_default_connection'
  | 'file_not_allowed'
  | 'writeback_disabled'
  | 's3_permissions_missing'
  | 'file_limit_exceeded'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_url: 400,
  uri_too_long: 414,
  invalid_json: 400,
  invalid_utf8: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthenticated: 401,
  invalid_credentials: 401,
  session_expired: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  version_conflict: 409,
  already_exists: 409,
  rate_limited: 429,
  plan_required: 402,
  asset_access_required: 409,
  confirmation_required: 409,
  last_admin: 409,
  service_unavailable: 503,
  decryption_failed: 500,
  no_default_connection: 400,
  file_not_allowed: 403,
  writeback_disabled: 409,
  s3_permissions_missing: 422,
  file_limit_exceeded: 413,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode | (string & {});
  readonly status: number;
  readonly details: Record<string, unknown>;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
    this.headers = headers;
  }

  /** An error whose stable code another layer owns (a connector's), with that layer's status. */
  static withStatus(code: string, status: number, message: string, details: Record<string, unknown> = {}): AppError {
    const e = new AppError('internal', message, details);
    Object.assign(e, { code, status });
    return e;
  }
}

export const notFound = (what: string, id?: string): AppError =>
  new AppError('not_found', id ? `${what} '${id}' was not found.` : `${what} was not found.`, {
    resource: what,
    ...(id ? { id } : {}),
  });

export const forbidden = (message: string, details: Record<string, unknown> = {}): AppError =>
  new AppError('forbidden', message, details);

export const validation = (message: string, details: Record<string, unknown> = {}): AppError =>
  new AppError('validation_failed', message, details);
