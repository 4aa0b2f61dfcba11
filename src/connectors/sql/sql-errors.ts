/**
 * The errors of the SQL connectors, with stable codes. A message is written for the person who
 * configured the connection or wrote the query: it never carries a password, and a driver's raw
 * message reaches the user only when it is the database talking about the user's own SQL
 * (`query_error`, with the position when the database gives one). The original error is kept as
 * `cause` (non-enumerable) for logs.
 *
 * A query error's text is whatever the user's SQL made the database say, so it is never masked by
 * the password: masking answers "does this text contain the password?", and
 * `select 'guess1|guess2|…'::int` would then say which guess is right. Instead the values a
 * database echoes back (invalid input, out of range, …) are dropped whatever they are, and names
 * the user wrote, syntax errors and positions stay.
 */
export type SqlErrorCode =
  | 'auth_failed'
  | 'host_unreachable'
  | 'timeout'
  | 'database_not_found'
  | 'tls_required'
  | 'tls_failed'
  | 'ssrf_blocked'
  | 'query_error'
  | 'statement_timeout'
  | 'cancelled'
  | 'read_only_violation'
  | 'file_not_found'
  | 'config_invalid'
  /** A connect failure none of the codes above describes (e.g. too many connections). */
  | 'connection_failed'
  /** SQLite/DuckDB: the sandbox their workers run in cannot start here (the message says how to install it). */
  | 'sandbox_unavailable'
  /** SQLite/DuckDB: the query hit a limit of its sandbox (`details.limit` names which) and was stopped. */
  | 'resource_limit';

/** The sandbox limit a `resource_limit` error names. */
export type SqlResourceLimit = 'memory' | 'output' | 'cpu';

export interface SqlErrorDetails {
  /** 1-based character offset in the query, for `query_error` when the database gives it. */
  position?: number;
  /** The database's own error code (SQLSTATE, MySQL errno, SQLite code), for query errors. */
  dbCode?: string;
  /** For `resource_limit`: which limit stopped the query. */
  limit?: SqlResourceLimit;
}

export class SqlConnectorError extends Error {
  override readonly name = 'SqlConnectorError';
  readonly code: SqlErrorCode;
  readonly position: number | undefined;
  readonly dbCode: string | undefined;
  readonly limit: SqlResourceLimit | undefined;

  constructor(code: SqlErrorCode, message: string, details: SqlErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.position = details.position;
    this.dbCode = details.dbCode;
    this.limit = details.limit;
  }

  toJSON(): { code: SqlErrorCode; message: string; details: SqlErrorDetails } {
    const details: SqlErrorDetails = {};
    if (this.position !== undefined) details.position = this.position;
    if (this.dbCode !== undefined) details.dbCode = this.dbCode;
    if (this.limit !== undefined) details.limit = this.limit;
    return { code: this.code, message: this.message, details };
  }
}

/** Suggested HTTP status per code, for the API's error mapping. */
export const SQL_ERROR_STATUS: Record<SqlErrorCode, number> = {
  auth_failed: 422,
  host_unreachable: 502,
  timeout: 504,
  database_not_found: 422,
  tls_required: 422,
  tls_failed: 502,
  ssrf_blocked: 422,
  query_error: 400,
  statement_timeout: 408,
  cancelled: 499,
  read_only_violation: 403,
  file_not_found: 422,
  config_invalid: 400,
  connection_failed: 502,
  sandbox_unavailable: 503,
  resource_limit: 422,
};

/**
 * Any error out of a connector as the public shape `{ code, message, details }`. Anything that is
 * not a SqlConnectorError is a bug or an unexpected driver failure: its message is not shown.
 */
export function describeSqlError(err: unknown): {
  code: SqlErrorCode | 'internal';
  message: string;
  details: SqlErrorDetails;
  status: number;
} {
  if (err instanceof SqlConnectorError) {
    const j = err.toJSON();
    return { ...j, status: SQL_ERROR_STATUS[err.code] };
  }
  return { code: 'internal', message: 'The database connector failed unexpectedly.', details: {}, status: 500 };
}

/** Removes every occurrence of the secret from a text, as the last line of defence. */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 1) return text;
  return text.split(secret).join('***');
}

/** Codes whose message is the database talking about the user's own statement. */
const STATEMENT_CODES: ReadonlySet<SqlErrorCode> = new Set(['query_error', 'read_only_violation']);

/**
 * Messages in which a database quotes a value it was given (PostgreSQL, MySQL/MariaDB, DuckDB
 * wordings). The value may have been computed from data, and it tells the user nothing their
 * position does not: it is replaced by "…". Greedy on purpose — a value can itself contain quotes.
 */
const ECHOED_VALUES: [RegExp, string][] = [
  [/^(invalid input (?:syntax|value) for (?:type|enum) [^:]+: )".*"$/s, '$1"…"'],
  [/^value ".*"( is out of range for type [\w ]+)$/s, 'value "…"$1'],
  [/^(malformed [\w ]+ literal: )".*"$/s, '$1"…"'],
  [/^(date\/time field value out of range: )".*"$/s, '$1"…"'],
  [/^invalid value ".*"( for "[^"]*")$/s, 'invalid value "…"$1'],
  [/^(invalid hexadecimal digit: )".*"$/s, '$1"…"'],
  [/^(Incorrect [\w ]+ value: )'.*'( for (?:column|function) .*)$/s, "$1'…'$2"],
  [/^(Truncated incorrect [\w ]+ value: )'.*'$/s, "$1'…'"],
  [/^(.*Could not convert string )'.*'( to [\w ]+)$/s, "$1'…'$2"],
];

/** The message with any value the database echoed back replaced by "…" (see ECHOED_VALUES). */
export function redactEchoedValues(message: string): string {
  for (const [re, by] of ECHOED_VALUES) if (re.test(message)) return message.replace(re, by);
  return message;
}

/**
 * The error as it may be shown. Connect-time messages (written from the connection's settings)
 * lose every occurrence of the password, as a last line of defence. Statement errors are never
 * masked by the password — that would be an oracle (see the module comment) — and lose echoed
 * values instead, a rule that does not depend on the password.
 */
export function scrubbed(err: SqlConnectorError, secret: string | undefined): SqlConnectorError {
  const message = STATEMENT_CODES.has(err.code) ? redactEchoedValues(err.message) : scrubSecret(err.message, secret);
  if (message === err.message) return err;
  return new SqlConnectorError(err.code, message, { position: err.position, dbCode: err.dbCode, limit: err.limit }, err.cause);
}

/** Network-level failures common to the TCP engines. */
export function networkError(e: unknown, what: string, connectTimeoutMs: number): SqlConnectorError | null {
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : '';
  switch (code) {
    case 'ECONNREFUSED':
      return new SqlConnectorError('host_unreachable', `${what} refused the connection: is the server running and is the port right?`, {}, e);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new SqlConnectorError('host_unreachable', `${what} cannot be reached from this server (no route to host).`, {}, e);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new SqlConnectorError('host_unreachable', `The host name of ${what} does not resolve.`, {}, e);
    case 'ECONNRESET':
    case 'EPIPE':
      return new SqlConnectorError('host_unreachable', `${what} closed the connection while connecting: check the host, the port and the TLS mode.`, {}, e);
    case 'ETIMEDOUT':
      return new SqlConnectorError('timeout', `${what} did not answer within ${connectTimeoutMs} ms.`, {}, e);
  }
  if (/timeout|timed out/i.test(msg) && /connect/i.test(msg)) {
    return new SqlConnectorError('timeout', `${what} did not answer within ${connectTimeoutMs} ms.`, {}, e);
  }
  if (/self[- ]signed|certificate|altnames|unable to verify|CERT_/i.test(msg + String(code ?? ''))) {
    return new SqlConnectorError('tls_failed', `The TLS certificate of ${what} was refused: ${certReason(msg)}. Use sslMode 'require' to skip verification, or install a certificate valid for the host name.`, {}, e);
  }
  return null;
}

function certReason(msg: string): string {
  if (/self[- ]signed/i.test(msg)) return 'it is self-signed';
  if (/altname|does not match/i.test(msg)) return 'it is not valid for this host name';
  if (/expired/i.test(msg)) return 'it has expired';
  return 'it cannot be verified';
}
