/**
 * Maps every failure to the one error shape, in one place. AppErrors keep their code; Fastify's
 * own errors (bad JSON, body too large, validation) get stable codes; anything else is logged
 * in full and answered as `internal` with no detail, so no stack, SQL or hostname leaks out.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCryptoError } from '../crypto/crypto-errors.js';
import { AppError } from '../errors.js';

/** Turns an error of another layer into an AppError, or passes (null). */
export type ErrorMapper = (err: unknown) => AppError | null;

function fromFastify(err: FastifyError): AppError | null {
  if (err instanceof AppError) return err;
  if (err.validation) {
    const where = err.validationContext ?? 'body';
    const issues = err.validation.map((i) => {
      const p = (i.instancePath ?? '').split('/').filter(Boolean);
      const keys = (i.params as { keys?: unknown } | undefined)?.keys;
      const path = [where, ...p].join('.');
      // Unknown fields are reported by name so the caller can remove them.
      const message = Array.isArray(keys) ? `unknown field(s): ${keys.join(', ')}` : (i.message ?? 'is invalid');
      return { path, message, ...(Array.isArray(keys) ? { unknownFields: keys } : {}) };
    });
    const first = issues[0];
    return new AppError('validation_failed', first ? `Invalid request: ${first.path}: ${first.message}` : 'Invalid request.', { issues });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('validation_failed', 'The Content-Length header does not match the request body.');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return frameworkError(err);
    default:
  }
  if (err.statusCode === 413) return new AppError('payload_too_large', 'The request body is too large.');
  if (err.statusCode === 415) return new AppError('unsupported_media_type', 'Send the request body as application/json.');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('validation_failed', 'The request is malformed.', {});
  }
  return null;
}

/** The router's own errors, raised before a route runs (Fastify's `frameworkErrors`). */
export function frameworkError(err: { code?: string }): AppError {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new AppError('malformed_url', 'The request URL is malformed: check its percent-encoding.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('uri_too_long', 'A part of the request URL is too long.');
    default:
      // FST_ERR_ASYNC_CONSTRAINT (we declare no async constraints) and whatever comes later.
      return new AppError('validation_failed', 'The request could not be routed.');
  }
}

export function sendError(reply: FastifyReply, req: FastifyRequest, e: AppError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply.status(e.status).send({ error: { code: e.code, message: e.message, details: e.details }, requestId: req.id });
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function installErrorHandling(app: FastifyInstance, mappers: ErrorMapper[] = []): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isCryptoError(err)) {
      // Never the key or the value: the operator finds the cause in the log by requestId.
      req.log.error({ err: { code: err.code, message: err.message } }, 'decryption failed');
      return sendError(reply, req, new AppError('decryption_failed', 'A stored credential could not be decrypted. An administrator should check the master key configuration (ATRIUM_MASTER_KEY or the key file).'));
    }
    for (const map of mappers) {
      const mapped = map(err);
      if (mapped) return sendError(reply, req, mapped);
    }
    const known = fromFastify(err);
    if (known) {
      if (known.status >= 500) req.log.error({ err }, 'request failed');
      return sendError(reply, req, known);
    }
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, req, new AppError('internal', 'Something went wrong on our side. Quote the requestId if you report it.'));
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, req, new AppError('route_not_found', `No route ${req.method} ${clip(req.url.split('?')[0] ?? '', 200)}. See /api/docs for the API.`)),
  );
}
