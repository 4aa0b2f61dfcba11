/** SQL cells and stored results: parse, call the queries service's `api`, present (an NDJSON stream). */
import { Readable } from 'node:stream';
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, ProjectParams, type ZApp } from '../../http/http-schemas.js';
import type { QueriesApi } from './queries-service.js';
import { CancelResult, QueryParams, QueryResult, QueryStream, QuerySummaryList, RunBody } from './queries-schema.js';

export function registerQueriesRoutes(app: ZApp, s: { queries: QueriesApi }): void {
  const tags = ['queries'];

  app.post('/projects/:projectId/queries', {
    schema: {
      tags,
      summary: 'Run a SQL cell (rule 5: can_edit and access to the connection). Streams NDJSON: {type:"query"}, {type:"columns"}, {type:"rows"}…, then {type:"end"} or {type:"error"}. The result is stored for the project’s viewers.',
      params: ProjectParams,
      body: RunBody,
      response: { 200: QueryStream, ...errorResponses },
    },
  }, async (req, reply) => {
    const client = new AbortController();
    // The client hung up before the end: stop the query in the database.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) client.abort();
    });
    const run = await s.queries.run(callerOf(req), req.params.projectId, req.body, client.signal);
    async function* lines() {
      for await (const ev of run.events) yield `${JSON.stringify(ev)}\n`;
    }
    reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('x-query-id', run.queryId);
    return reply.send(Readable.from(lines(), { objectMode: false, highWaterMark: 64 * 1024 }));
  });

  app.post('/projects/:projectId/queries/:queryId/cancel', { schema: { tags, summary: 'Cancel a running query: it is stopped in the database (can_edit)', params: QueryParams, response: { 202: CancelResult, ...errorResponses } } }, async (req, reply) =>
    reply.status(202).send(await s.queries.cancel(callerOf(req), req.params.projectId, req.params.queryId)),
  );

  app.get('/projects/:projectId/queries', { schema: { tags, summary: 'Stored results of the project (rule 6: anyone who can view it)', params: ProjectParams, response: { 200: QuerySummaryList, ...errorResponses } } }, async (req) =>
    s.queries.list(callerOf(req), req.params.projectId),
  );

  app.get('/projects/:projectId/queries/:queryId', { schema: { tags, summary: 'A stored result: columns, the first rows (capped), status (rule 6)', params: QueryParams, response: { 200: QueryResult, ...errorResponses } } }, async (req) =>
    s.queries.get(callerOf(req), req.params.projectId, req.params.queryId),
  );
}
