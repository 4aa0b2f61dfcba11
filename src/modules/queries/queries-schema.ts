/**
 * SQL cells: the run request, the NDJSON event stream it answers with, and stored results.
 */
import { z } from 'zod';
import { ErrorResponse, Id, IdParam, Timestamp } from '../../http/http-schemas.js';
import { ColumnSchema } from '../data-connections/data-connections-schema.js';
import { QUERY_STATUSES } from './queries-repository.js';

// ---- requests
export const QueryParams = z.strictObject({ projectId: IdParam, queryId: IdParam });
export const RunBody = z.strictObject({
  sql: z.string().min(1).max(1_000_000),
  connectionId: IdParam.optional().describe('Omit to use the workspace default (rule 9)'),
  params: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).max(1000).optional(),
  maxRows: z.number().int().min(1).optional(),
  timeoutMs: z.number().int().min(100).optional(),
});

// ---- responses
const Row = z.array(z.unknown()).describe('One value per column');

/** One line of the NDJSON stream of POST /projects/{projectId}/queries. */
export const QueryStreamEvent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('query'), queryId: Id, connectionId: Id, connectionName: z.string() }),
    z.object({ type: z.literal('columns'), columns: z.array(ColumnSchema) }),
    z.object({ type: z.literal('rows'), rows: z.array(Row) }),
    z.object({ type: z.literal('end'), rowCount: z.number().int(), truncated: z.boolean(), queryId: Id, durationMs: z.number(), storedRows: z.number().int() }),
    z.object({ type: z.literal('error'), error: ErrorResponse.shape.error }),
  ])
  .meta({ id: 'QueryStreamEvent' });

export const NDJSON = 'application/x-ndjson';
/**
 * The 200 of a SQL cell is a stream, never serialized by Fastify (a stream bypasses the
 * serializer); this documents it as NDJSON of QueryStreamEvent. @fastify/swagger takes a
 * response's `content` as is, so the media type is right in the OpenAPI document.
 */
export const QueryStream = z.unknown().meta({
  description: 'NDJSON, one QueryStreamEvent per line: query, columns, rows…, then end or error. The x-query-id header names the query (to cancel it).',
  content: { [NDJSON]: { schema: { $ref: '#/components/schemas/QueryStreamEvent' } } },
});

export const CancelResult = z.object({ cancelled: z.literal(true) });

const resultFields = {
  id: Id,
  connectionId: Id.nullable(),
  connectionName: z.string().nullable().describe('null for a caller who may not see the connection (rule 2), or when it was deleted'),
  sql: z.string(),
  status: z.enum(QUERY_STATUSES).describe('succeeded; failed; cancelled (by a cancel or the client hanging up); timed_out (stopped by its time limit)'),
  rowCount: z.number().int(),
  storedRows: z.number().int().describe('Rows kept for viewers (capped)'),
  truncated: z.boolean(),
  durationMs: z.number(),
  createdBy: Id.nullable(),
  createdAt: Timestamp,
};
export const QuerySummary = z.object(resultFields).meta({ id: 'QuerySummary' });
export const QuerySummaryList = z.object({ queries: z.array(QuerySummary) });
export const QueryResult = z
  .object({
    ...resultFields,
    columns: z.array(ColumnSchema),
    rows: z.array(Row),
    error: z.record(z.string(), z.unknown()).nullable().describe('{code, message, details} when the query failed'),
  })
  .meta({ id: 'QueryResult' });
