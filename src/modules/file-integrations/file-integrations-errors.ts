/**
 * The S3 connector's answers as API errors: its codes (`auth_failed`, `access_denied`,
 * `bucket_not_found`…) and messages, written for users and never holding the secret, with the
 * connector's status. Plus the few codes this module owns.
 */
import { describeS3Error, S3_ERROR_STATUS, S3ConnectorError } from '../../connectors/s3/s3-errors.js';
import { AppError } from '../../errors.js';

export function s3ErrorToAppError(err: unknown): AppError | null {
  if (!(err instanceof S3ConnectorError)) return null;
  const j = err.toJSON();
  return AppError.withStatus(j.code, S3_ERROR_STATUS[j.code], j.message, { ...j.details });
}

/** Runs an S3 call and turns a connector error into the AppError the caller sees. */
export async function s3Call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw s3ErrorToAppError(e) ?? e;
  }
}

/** The public `{ code, message, details }` of any failure during a streamed transfer. */
export function transferErrorOf(e: unknown): { code: string; message: string; details: Record<string, unknown> } {
  if (e instanceof AppError) return { code: String(e.code), message: e.message, details: e.details };
  if (e instanceof S3ConnectorError) {
    const d = describeS3Error(e);
    return { code: d.code, message: d.message, details: { ...d.details } };
  }
  return { code: 'internal', message: 'The transfer failed unexpectedly.', details: {} };
}

export const writebackDisabled = (name: string): AppError =>
  new AppError('writeback_disabled', `'${name}' has writeback off, so project files cannot be exported to its bucket. An admin can turn writeback on (the key then needs s3:PutObject).`, { field: 'writeback' });

export const permissionsMissing = (issues: { permission: string; message: string }[]): AppError =>
  new AppError('s3_permissions_missing', `This key cannot be used for the integration: ${issues.map((i) => i.message).join(' ')}`, {
    missing: issues.map((i) => i.permission),
    messages: issues.map((i) => i.message),
  });
