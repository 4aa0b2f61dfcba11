import { Readable } from 'node:stream';
import { z } from 'zod';
import { ProjectAction } from '../../access/access-types.js';
import { AppError } from '../../errors.js';
import { IdParam, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { loadProject } from '../projects/projects-routes.js';

const ProjectParams = z.strictObject({ projectId: IdParam });
const QueryParams = z.strictObject({ projectId: IdParam, queryId: IdParam });
const RunBody = z.strictObject({
  sql: z.string().min(1).max(1_000_000),
  connectionId: IdParam.optional().describe('Omit to use the workspace default (rule 9)'),
  params: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).max(1000).optional(),
  maxRows: z.number().int().min(1).optional(),
  timeoutMs: z.number().int().min(100).optional(),
});

export function registerQueriesRoutes(app: ZApp, s: Services): void {
  const tags = ['queries'];

  app.post('/projects/:projectId/queries', {
    schema: {
      tags,
      summary: 'Run a SQL cell (rule 5: can_edit and access to the connection). Streams NDJSON: {type:"query"}, {type:"columns"}, {type:"rows"}…, then {type:"end"} or {type:"error"}. The result is stored for the project’s viewers.',
      params: ProjectParams,
      body: RunBody,
    },
  }, async (req, reply) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const client = new AbortController();
    // The client hung up before the end: stop the query in the database.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) client.abort();
    });
    const run = await s.queries.start(project, req.principal!.userId, req.body, client.signal);
    async function* lines() {
      for await (const ev of run.events) yield `${JSON.stringify(ev)}\n`;
    }
    reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('x-query-id', run.queryId);
    return reply.send(Readable.from(lines(), { objectMode: false, highWaterMark: 64 * 1024 }));
  });

  app.post('/projects/:projectId/queries/:queryId/cancel', { schema: { tags, summary: 'Cancel a running query: it is stopped in the database (can_edit)', params: QueryParams } }, async (req, reply) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    if (!s.queries.cancel(project, req.params.queryId)) throw new AppError('not_found', `No running query '${req.params.queryId}' in this project (it may have finished).`, { resource: 'query' });
    return reply.status(202).send({ cancelled: true });
  });

  app.get('/projects/:projectId/queries', { schema: { tags, summary: 'Stored results of the project (rule 6: anyone who can view it)', params: ProjectParams } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.view_results);
    return { queries: await s.queries.list(project) };
  });

  app.get('/projects/:projectId/queries/:queryId', { schema: { tags, summary: 'A stored result: columns, the first rows (capped), status (rule 6)', params: QueryParams } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.view_results);
    return s.queries.get(project, req.params.queryId);
  });
}
