/**
 * A database's answer as an API error. Connectors throw SqlConnectorError with their own stable
 * codes (`auth_failed`, `query_error`, …) and messages written for users that never hold a
 * password; this maps them, with the connector's status, for the HTTP layer's error handler.
 */
import { SQL_ERROR_STATUS, SqlConnectorError } from '../../connectors/sql/sql-errors.js';
import { AppError } from '../../errors.js';

export function connectorErrorToAppError(err: unknown): AppError | null {
  if (!(err instanceof SqlConnectorError)) return null;
  const j = err.toJSON();
  return AppError.withStatus(j.code, SQL_ERROR_STATUS[j.code], j.message, { ...j.details });
}

/** The public shape of a failed query, for the NDJSON stream and the stored result. */
export function queryErrorOf(e: unknown): { code: string; message: string; details: Record<string, unknown> } {
  if (e instanceof SqlConnectorError) return e.toJSON() as { code: string; message: string; details: Record<string, unknown> };
  return { code: 'internal', message: 'The query failed unexpectedly.', details: {} };
}
