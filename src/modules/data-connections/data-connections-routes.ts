/** Data connections of the workspace and of projects: parse, call the service's `api`, present. */
import type { Readable } from 'node:stream';
import { callerOf } from '../../http/http-auth.js';
import { ConfirmQuery, errorResponses, ProjectParams, WsParams, type ZApp } from '../../http/http-schemas.js';
import { AssetRemoveResult } from '../assets/assets-schema.js';
import type { DataConnectionsApi } from './data-connections-service.js';
import {
  ConnectionPatch,
  ConnectionSchemaResult,
  ConnectionTestResult,
  CreateProjectConnectionBody,
  CreateWorkspaceConnectionBody,
  DefaultConnection,
  DefaultConnectionBody,
  ProjectConnectionList,
  ProjectConnParams,
  RefreshQuery,
  SanitizedDataConnectionSchema,
  TestConnectionBody,
  WorkspaceConnectionList,
  WsConnParams,
} from './data-connections-schema.js';

export function registerDataConnectionsRoutes(app: ZApp, s: { connections: DataConnectionsApi }, opts: { maxUploadBytes: number } = { maxUploadBytes: 1024 ** 3 }): void {
  const tags = ['data-connections'];
  const c = s.connections;

  // ---- workspace connections
  app.get('/workspaces/:ws/data-connections', { schema: { tags, summary: 'Workspace data connections the caller may see (rule 2); never credentials', params: WsParams, response: { 200: WorkspaceConnectionList, ...errorResponses } } }, async (req) =>
    c.listWorkspace(callerOf(req), req.params.ws),
  );

  app.post('/workspaces/:ws/data-connections', { schema: { tags, summary: 'Create a shared data connection (admins; Professional plan or higher)', params: WsParams, body: CreateWorkspaceConnectionBody, response: { 201: SanitizedDataConnectionSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await c.createWorkspace(callerOf(req), req.params.ws, req.body)),
  );

  app.post('/workspaces/:ws/data-connections/test', { schema: { tags, summary: 'Test connection settings before saving (admins)', params: WsParams, body: TestConnectionBody, response: { 200: ConnectionTestResult, ...errorResponses } } }, async (req) =>
    c.testUnsavedWorkspace(callerOf(req), req.params.ws, req.body),
  );

  app.get('/workspaces/:ws/data-connections/:id', { schema: { tags, summary: 'A data connection (never its credentials)', params: WsConnParams, response: { 200: SanitizedDataConnectionSchema, ...errorResponses } } }, async (req) =>
    c.getWorkspace(callerOf(req), req.params.ws, req.params.id),
  );

  app.patch('/workspaces/:ws/data-connections/:id', { schema: { tags, summary: 'Edit a data connection (admins); optimistic concurrency with expectedVersion', params: WsConnParams, body: ConnectionPatch, response: { 200: SanitizedDataConnectionSchema, ...errorResponses } } }, async (req) =>
    c.updateWorkspace(callerOf(req), req.params.ws, req.params.id, req.body),
  );

  app.post('/workspaces/:ws/data-connections/:id/test', { schema: { tags, summary: 'Test a saved data connection (admins)', params: WsConnParams, response: { 200: ConnectionTestResult, ...errorResponses } } }, async (req) =>
    c.testWorkspace(callerOf(req), req.params.ws, req.params.id),
  );

  app.get('/workspaces/:ws/data-connections/:id/schema', { schema: { tags, summary: 'Schemas, tables and columns (users who may use the connection); cached, ?refresh=true to reload', params: WsConnParams, querystring: RefreshQuery, response: { 200: ConnectionSchemaResult, ...errorResponses } } }, async (req) =>
    c.schemaWorkspace(callerOf(req), req.params.ws, req.params.id, req.query.refresh === 'true'),
  );

  app.put('/workspaces/:ws/default-connection', { schema: { tags, summary: 'Set as default (rule 9): SQL cells that name no connection use it (admins)', params: WsParams, body: DefaultConnectionBody, response: { 200: DefaultConnection, ...errorResponses } } }, async (req) =>
    c.setDefault(callerOf(req), req.params.ws, req.body.connectionId),
  );

  app.delete('/workspaces/:ws/default-connection', { schema: { tags, summary: 'Clear the default data connection (admins)', params: WsParams, response: { 200: DefaultConnection, ...errorResponses } } }, async (req) =>
    c.setDefault(callerOf(req), req.params.ws, null),
  );

  // Usage, groups with access and delete are the assets module's routes (registered by main.ts).

  // ---- project connections (editors) and the connections a project can query
  app.get('/projects/:projectId/data-connections', { schema: { tags, summary: "Connections the project can query: its own, imported ones, and the workspace default", params: ProjectParams, response: { 200: ProjectConnectionList, ...errorResponses } } }, async (req) =>
    c.listProject(callerOf(req), req.params.projectId),
  );

  app.post('/projects/:projectId/data-connections', { schema: { tags, summary: 'Create a project connection, visible only inside the project (can_edit)', params: ProjectParams, body: CreateProjectConnectionBody, response: { 201: SanitizedDataConnectionSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await c.createProject(callerOf(req), req.params.projectId, req.body)),
  );

  app.post('/projects/:projectId/data-connections/test', { schema: { tags, summary: 'Test connection settings before saving (can_edit)', params: ProjectParams, body: TestConnectionBody, response: { 200: ConnectionTestResult, ...errorResponses } } }, async (req) =>
    c.testUnsavedProject(callerOf(req), req.params.projectId, req.body),
  );

  app.patch('/projects/:projectId/data-connections/:id', { schema: { tags, summary: 'Edit a project connection (can_edit)', params: ProjectConnParams, body: ConnectionPatch, response: { 200: SanitizedDataConnectionSchema, ...errorResponses } } }, async (req) =>
    c.updateProject(callerOf(req), req.params.projectId, req.params.id, req.body),
  );

  app.post('/projects/:projectId/data-connections/:id/test', { schema: { tags, summary: 'Test a saved project connection (can_edit)', params: ProjectConnParams, response: { 200: ConnectionTestResult, ...errorResponses } } }, async (req) =>
    c.testProject(callerOf(req), req.params.projectId, req.params.id),
  );

  app.delete('/projects/:projectId/data-connections/:id', { schema: { tags, summary: 'Delete a project connection (can_edit; confirm=true)', params: ProjectConnParams, querystring: ConfirmQuery, response: { 200: AssetRemoveResult, ...errorResponses } } }, async (req) =>
    c.removeProject(callerOf(req), req.params.projectId, req.params.id, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }),
  );

  // Raw bodies only here: the body is the database file, streamed to disk as it arrives.
  app.register(async (child) => {
    child.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    const z = child as unknown as ZApp;
    z.put('/projects/:projectId/data-connections/:id/file', {
      bodyLimit: opts.maxUploadBytes,
      schema: { tags, summary: "Replace a project connection's own SQLite/DuckDB database with an uploaded file (can_edit; application/octet-stream, checked by its header)", params: ProjectConnParams, response: { 200: SanitizedDataConnectionSchema, ...errorResponses } },
    }, async (req) => {
      const len = Number(req.headers['content-length']);
      return c.uploadProject(callerOf(req), req.params.projectId, req.params.id, req.body as unknown as Readable, Number.isFinite(len) ? len : null);
    });
  });

  app.get('/projects/:projectId/data-connections/:id/schema', { schema: { tags, summary: 'Schema browser for a connection the caller may query in this project', params: ProjectConnParams, querystring: RefreshQuery, response: { 200: ConnectionSchemaResult, ...errorResponses } } }, async (req) =>
    c.schemaProject(callerOf(req), req.params.projectId, req.params.id, req.query.refresh === 'true'),
  );
}
