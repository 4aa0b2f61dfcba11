import { z } from 'zod';
import { Level, ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import { SQL_TYPES } from '../../connectors/sql/sql-connector.js';
import { AppError } from '../../errors.js';
import { contextOf, requirePrincipal } from '../../http/http-auth.js';
import { ConfirmQuery, IdParam, Name, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { AccessList, loadWorkspaceAsset, registerAssetLifecycleRoutes } from '../assets/assets-routes.js';
import type { AssetRow } from '../assets/assets-service.js';
import { authorize } from '../authz/authz-service.js';
import { requirePlan } from '../plans.js';
import { loadProject } from '../projects/projects-routes.js';
import type { ProjectRow } from '../projects/projects-service.js';

const Type = z.enum(SQL_TYPES);
const Config = z.record(z.string(), z.unknown()).describe('Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {path}; duckdb: {path | ":memory:"}');
const Password = z.string().min(1).max(1024).describe('Write-only: never returned');
const Create = z.strictObject({ name: Name, type: Type, config: Config, password: Password.optional(), readOnly: z.boolean().optional(), access: AccessList.optional() });
const CreateProject = z.strictObject({ name: Name, type: Type, config: Config, password: Password.optional(), readOnly: z.boolean().optional() });
const Patch = z.strictObject({
  name: Name.optional(),
  config: Config.optional(),
  password: Password.nullable().optional().describe('A new password, or null to remove it'),
  readOnly: z.boolean().optional(),
  expectedVersion: z.number().int().positive().optional().describe('The version you read: a stale one gets 409'),
});
const TestBody = z.strictObject({ type: Type, config: Config, password: Password.optional() });
const WsConnParams = z.strictObject({ ws: IdParam, id: IdParam });
const ProjectParams = z.strictObject({ projectId: IdParam });
const ProjectConnParams = z.strictObject({ projectId: IdParam, id: IdParam });
const RefreshQuery = z.strictObject({ refresh: z.enum(['true', 'false']).optional() });

export function registerDataConnectionsRoutes(app: ZApp, s: Services): void {
  const tags = ['data-connections'];
  const present = async (a: AssetRow, userId: string | null, defaultId: string | null) => ({
    ...(await s.connections.view(a)),
    isDefault: a.id === defaultId,
    usageCount: s.assets.usageCount(a.id),
    allowedActions: s.assets.actionsFor(userId, a),
  });

  // ---- workspace connections
  app.get('/workspaces/:ws/data-connections', { schema: { tags, summary: 'Workspace data connections the caller may see (rule 2); never credentials', params: WsParams } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    const def = await s.assets.defaultConnectionId(ws.id);
    const list = await s.assets.list(ws.id, 'data_connection', p.userId);
    const visibleDefault = list.some((a) => a.id === def) ? def : null;
    return { dataConnections: await Promise.all(list.map((a) => present(a, p.userId, def))), defaultConnectionId: visibleDefault, allowedActions: s.authz.index.workspaceActions(p.userId, ws.id) };
  });

  app.post('/workspaces/:ws/data-connections', { schema: { tags, summary: 'Create a shared data connection (admins; Professional plan or higher)', params: WsParams, body: Create } }, async (req, reply) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_assets, { type: 'workspace', workspaceId: ws.id });
    requirePlan(ws.plan, 'shared_data_connections');
    const a = await s.connections.create({ ...req.body, workspaceId: ws.id, projectId: null, createdBy: p.userId }, contextOf(req));
    return reply.status(201).send(await present(a, p.userId, await s.assets.defaultConnectionId(ws.id)));
  });

  app.post('/workspaces/:ws/data-connections/test', { schema: { tags, summary: 'Test connection settings before saving (admins)', params: WsParams, body: TestBody } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_assets, { type: 'workspace', workspaceId: ws.id });
    return s.connections.testUnsaved(req.body);
  });

  app.get('/workspaces/:ws/data-connections/:id', { schema: { tags, summary: 'A data connection (never its credentials)', params: WsConnParams } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'data_connection');
    return present(a, req.principal!.userId, await s.assets.defaultConnectionId(a.workspaceId));
  });

  app.patch('/workspaces/:ws/data-connections/:id', { schema: { tags, summary: 'Edit a data connection (admins); optimistic concurrency with expectedVersion', params: WsConnParams, body: Patch } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'data_connection', WorkspaceAction.manage_assets);
    const u = await s.connections.update(a, req.body, contextOf(req));
    return present(u, req.principal!.userId, await s.assets.defaultConnectionId(a.workspaceId));
  });

  app.post('/workspaces/:ws/data-connections/:id/test', { schema: { tags, summary: 'Test a saved data connection (admins)', params: WsConnParams } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'data_connection', WorkspaceAction.manage_assets);
    return s.connections.testSaved(a);
  });

  app.get('/workspaces/:ws/data-connections/:id/schema', { schema: { tags, summary: 'Schemas, tables and columns (users who may use the connection); cached, ?refresh=true to reload', params: WsConnParams, querystring: RefreshQuery } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'data_connection');
    if (!s.assets.actionsFor(req.principal!.userId, a).includes('use')) throw new AppError('forbidden', 'Browsing the schema needs permission to use this connection.', { action: 'use' });
    return s.connections.schema(a, req.query.refresh === 'true');
  });

  app.put('/workspaces/:ws/default-connection', { schema: { tags, summary: 'Set as default (rule 9): SQL cells that name no connection use it (admins)', params: WsParams, body: z.strictObject({ connectionId: IdParam }) } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_assets, { type: 'workspace', workspaceId: ws.id });
    await s.assets.setDefault(ws.id, req.body.connectionId, contextOf(req));
    return { defaultConnectionId: req.body.connectionId };
  });

  app.delete('/workspaces/:ws/default-connection', { schema: { tags, summary: 'Clear the default data connection (admins)', params: WsParams } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_assets, { type: 'workspace', workspaceId: ws.id });
    await s.assets.setDefault(ws.id, null, contextOf(req));
    return { defaultConnectionId: null };
  });

  registerAssetLifecycleRoutes(app, s, 'data_connection', 'data-connections', tags[0]!);

  // ---- project connections (editors) and the connections a project can query
  const ownConnection = async (project: ProjectRow, id: string) => {
    const a = await s.assets.get(id, 'data_connection').catch(() => null);
    if (!a || a.projectId !== project.id) throw new AppError('not_found', `Data connection '${id}' was not found in this project.`, { resource: 'data_connection', id });
    return a;
  };

  app.get('/projects/:projectId/data-connections', { schema: { tags, summary: "Connections the project can query: its own, imported ones, and the workspace default", params: ProjectParams } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.view);
    const userId = req.principal?.userId ?? null;
    const def = await s.assets.defaultConnectionId(project.workspaceId);
    const ids = new Set(s.authz.index.imports(project.id));
    if (def) ids.add(def);
    const rows: AssetRow[] = [];
    for (const id of ids) {
      const a = await s.assets.get(id).catch(() => null);
      if (a && a.kind === 'data_connection' && s.assets.canSeeRow(userId, a)) rows.push(a);
    }
    rows.sort((x, y) => x.name.localeCompare(y.name));
    return {
      dataConnections: await Promise.all(
        rows.map(async (a) => ({ ...(await present(a, userId, def)), imported: s.authz.index.imports(project.id).includes(a.id), canQuery: s.authz.index.canUse(userId, project.id, a.id) })),
      ),
      defaultConnectionId: rows.some((r) => r.id === def) ? def : null,
    };
  });

  app.post('/projects/:projectId/data-connections', { schema: { tags, summary: 'Create a project connection, visible only inside the project (can_edit)', params: ProjectParams, body: CreateProject } }, async (req, reply) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const a = await s.connections.create({ ...req.body, workspaceId: project.workspaceId, projectId: project.id, createdBy: req.principal!.userId }, contextOf(req));
    return reply.status(201).send(await present(a, req.principal!.userId, null));
  });

  app.post('/projects/:projectId/data-connections/test', { schema: { tags, summary: 'Test connection settings before saving (can_edit)', params: ProjectParams, body: TestBody } }, async (req) => {
    await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    return s.connections.testUnsaved(req.body);
  });

  app.patch('/projects/:projectId/data-connections/:id', { schema: { tags, summary: 'Edit a project connection (can_edit)', params: ProjectConnParams, body: Patch } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const a = await ownConnection(project, req.params.id);
    return present(await s.connections.update(a, req.body, contextOf(req)), req.principal!.userId, null);
  });

  app.post('/projects/:projectId/data-connections/:id/test', { schema: { tags, summary: 'Test a saved project connection (can_edit)', params: ProjectConnParams } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    return s.connections.testSaved(await ownConnection(project, req.params.id));
  });

  app.delete('/projects/:projectId/data-connections/:id', { schema: { tags, summary: 'Delete a project connection (can_edit; confirm=true)', params: ProjectConnParams, querystring: ConfirmQuery } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const a = await ownConnection(project, req.params.id);
    const r = await s.assets.remove(a, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }, req.principal!.userId, contextOf(req));
    if (r.applied) await s.connections.dropConnector(a.id);
    return r;
  });

  app.get('/projects/:projectId/data-connections/:id/schema', { schema: { tags, summary: 'Schema browser for a connection the caller may query in this project', params: ProjectConnParams, querystring: RefreshQuery } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.view);
    const a = await s.assets.get(req.params.id, 'data_connection').catch(() => null);
    if (!a || !s.assets.canSeeRow(req.principal?.userId ?? null, a) || (a.projectId && a.projectId !== project.id)) throw new AppError('not_found', `Data connection '${req.params.id}' was not found.`, { resource: 'data_connection' });
    if (!s.authz.index.canUse(req.principal?.userId ?? null, project.id, a.id) || s.authz.index.level(req.principal?.userId ?? null, project.id) < Level.can_edit) {
      throw new AppError('forbidden', 'Browsing the schema needs can_edit on the project and access to the connection.', { action: 'use' });
    }
    return s.connections.schema(a, req.query.refresh === 'true');
  });
}
