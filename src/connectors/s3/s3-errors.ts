/**
 * The errors of the S3 connector, with stable codes (the style of sql-errors.ts). A message is
 * written for the admin who configured the integration or the editor moving files: it never
 * carries the secret key, and the store's own message text is not passed on (only its error code,
 * which comes from S3's fixed vocabulary). The original error is kept as `cause` for logs.
 */
export type S3ErrorCode =
  /** Unknown access key id, or a secret that does not match it. */
  | 'auth_failed'
  /** The key is valid but a policy refuses this operation. */
  | 'access_denied'
  | 'bucket_not_found'
  | 'object_not_found'
  /** The bucket lives in another region than the one configured (AWS answers with a redirect). */
  | 'wrong_region'
  | 'host_unreachable'
  | 'timeout'
  | 'ssrf_blocked'
  /** What arrived (or what the store kept) does not match the object's checksum. */
  | 'checksum_mismatch'
  | 'cancelled'
  | 'config_invalid'
  /** An object key that is empty, too long or has '.'/'..' segments. */
  | 'invalid_key'
  /** A local file could not be read or written (the caller's path, disk full, …). */
  | 'file_error'
  /** Any other refusal by the store; the S3 error code is in `details.s3Code`. */
  | 'request_failed';

export interface S3ErrorDetails {
  /** The store's error code (`NoSuchKey`, `SlowDown`, …), when it gave one. */
  s3Code?: string;
  /** The HTTP status the store answered with, when it answered. */
  httpStatus?: number;
}

export class S3ConnectorError extends Error {
  override readonly name = 'S3ConnectorError';
  readonly code: S3ErrorCode;
  readonly s3Code: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(code: S3ErrorCode, message: string, details: S3ErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.s3Code = details.s3Code;
    this.httpStatus = details.httpStatus;
  }

  toJSON(): { code: S3ErrorCode; message: string; details: S3ErrorDetails } {
    const details: S3ErrorDetails = {};
    if (this.s3Code !== undefined) details.s3Code = this.s3Code;
    if (this.httpStatus !== undefined) details.httpStatus = this.httpStatus;
    return { code: this.code, message: this.message, details };
  }
}

/** Suggested HTTP status per code, for the API's error mapping. */
export const S3_ERROR_STATUS: Record<S3ErrorCode, number> = {
  auth_failed: 422,
  access_denied: 403,
  bucket_not_found: 422,
  object_not_found: 404,
  wrong_region: 422,
  host_unreachable: 502,
  timeout: 504,
  ssrf_blocked: 422,
  checksum_mismatch: 502,
  cancelled: 499,
  config_invalid: 400,
  invalid_key: 400,
  file_error: 500,
  request_failed: 502,
};

/**
 * Any error out of the connector as the public shape `{ code, message, details }`. Anything that
 * is not an S3ConnectorError is a bug: its message is not shown.
 */
export function describeS3Error(err: unknown): {
  code: S3ErrorCode | 'internal';
  message: string;
  details: S3ErrorDetails;
  status: number;
} {
  if (err instanceof S3ConnectorError) return { ...err.toJSON(), status: S3_ERROR_STATUS[err.code] };
  return { code: 'internal', message: 'The S3 connector failed unexpectedly.', details: {}, status: 500 };
}

/** What an SDK or network error looks like, structurally (no import of the SDK's classes). */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The operation an error happened in, for messages that say what was refused. */
export type S3Operation = 'list' | 'get' | 'head' | 'put' | 'upload' | 'probe';

const OPERATION_TEXT: Record<S3Operation, string> = {
  list: 'list the bucket (s3:ListBucket)',
  get: 'read this object (s3:GetObject)',
  head: 'read this object (s3:GetObject)',
  put: 'write this object (s3:PutObject)',
  upload: 'write this object (s3:PutObject)',
  probe: 'use this bucket',
};

/**
 * Maps an error from the SDK, the network or an abort to an S3ConnectorError. `where` names the
 * endpoint in messages ("the S3 endpoint http://…" or "AWS S3"); it must not contain the secret.
 */
export function toS3Error(
  e: unknown,
  ctx: { op: S3Operation; bucket: string; key?: string; where: string; secret?: string; timeoutMs?: number },
): S3ConnectorError {
  if (e instanceof S3ConnectorError) return scrubbed(e, ctx.secret);
  const err = (e ?? {}) as SdkErrorShape;
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' ? err.code : '';
  const status = err.$metadata?.httpStatusCode;
  const details: S3ErrorDetails = {};
  if (name && status !== undefined) details.s3Code = name;
  if (status !== undefined) details.httpStatus = status;
  const make = (c: S3ErrorCode, message: string) => scrubbed(new S3ConnectorError(c, message, details, e), ctx.secret);
  const obj = ctx.key === undefined ? '' : ` '${ctx.key}'`;

  if (name === 'AbortError' || code === 'ABORT_ERR') return make('cancelled', 'The transfer was cancelled.');
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return make('timeout', `${ctx.where} did not answer in time${ctx.timeoutMs ? ` (${ctx.timeoutMs} ms)` : ''}.`);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return make('host_unreachable', `${ctx.where} refused the connection: is the server running and is the port right?`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return make('host_unreachable', `${ctx.where} cannot be reached from this server (no route to host).`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return make('host_unreachable', `The host name of ${ctx.where} does not resolve.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return make('host_unreachable', `${ctx.where} closed the connection: check the endpoint, its port and http/https.`);
  }
  if (/self[- ]signed|certificate|altnames|unable to verify|CERT_/i.test(`${String(err.message ?? '')} ${code}`)) {
    return make('host_unreachable', `The TLS certificate of ${ctx.where} was refused: it cannot be verified for this host name.`);
  }
  switch (name) {
    case 'InvalidAccessKeyId':
      return make('auth_failed', 'The store does not know this access key id.');
    case 'SignatureDoesNotMatch':
      return make('auth_failed', 'The secret access key does not match the access key id.');
    case 'InvalidToken':
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return make('auth_failed', 'The store refused the credentials (invalid or expired token).');
    case 'RequestTimeTooSkewed':
      return make('auth_failed', "The store refused the request because this server's clock differs too much from its own.");
    case 'NoSuchBucket':
      return make('bucket_not_found', `The bucket '${ctx.bucket}' does not exist at ${ctx.where}.`);
    case 'NoSuchKey':
      return make('object_not_found', `The object${obj} does not exist in the bucket '${ctx.bucket}'.`);
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return make('wrong_region', `The bucket '${ctx.bucket}' is in another region than the one configured.`);
    case 'InvalidBucketName':
      return make('config_invalid', `'${ctx.bucket}' is not a valid bucket name for this store.`);
    case 'BadDigest':
    case 'InvalidDigest':
    case 'XAmzContentSHA256Mismatch':
      return make('checksum_mismatch', `The store received different bytes than were sent for${obj || ' the object'}.`);
    case 'AccessDenied':
    case 'AllAccessDisabled':
      return make('access_denied', `This key may not ${OPERATION_TEXT[ctx.op]} in the bucket '${ctx.bucket}'.`);
  }
  // A response without a body (HEAD) has only its status to go on.
  if (status === 403) return make('access_denied', `This key may not ${OPERATION_TEXT[ctx.op]} in the bucket '${ctx.bucket}'.`);
  if (status === 404) {
    return ctx.key === undefined
      ? make('bucket_not_found', `The bucket '${ctx.bucket}' does not exist at ${ctx.where}.`)
      : make('object_not_found', `The object${obj} does not exist in the bucket '${ctx.bucket}'.`);
  }
  if (status === 301) return make('wrong_region', `The bucket '${ctx.bucket}' is in another region than the one configured.`);
  if (status !== undefined) {
    return make('request_failed', `${ctx.where} refused the request (HTTP ${status}${name && name !== 'Unknown' ? `, ${name}` : ''}).`);
  }
  return make('request_failed', `The request to ${ctx.where} failed${code ? ` (${code})` : ''}.`);
}

/** Removes every occurrence of the secret from a text, as the last line of defence. */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('***');
}

function scrubbed(err: S3ConnectorError, secret: string | undefined): S3ConnectorError {
  if (!secret || !err.message.includes(secret)) return err;
  return new S3ConnectorError(err.code, scrubSecret(err.message, secret), { s3Code: err.s3Code, httpStatus: err.httpStatus });
}
