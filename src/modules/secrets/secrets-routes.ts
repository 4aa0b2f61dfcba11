import { z } from 'zod';
import { ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import { AppError } from '../../errors.js';
import { contextOf, requirePrincipal } from '../../http/http-auth.js';
import { IdParam, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { AccessList, loadWorkspaceAsset, registerAssetLifecycleRoutes } from '../assets/assets-routes.js';
import type { AssetRow } from '../assets/assets-service.js';
import { authorize } from '../authz/authz-service.js';
import { requirePlan } from '../plans.js';
import { loadProject } from '../projects/projects-routes.js';
import type { ProjectRow } from '../projects/projects-service.js';

const SecretName = z.string().min(1).max(200).describe('An environment variable name: ^[A-Z_][A-Z0-9_]*$');
const Value = z.string().max(64 * 1024).describe('Write-only: never returned except by reveal and runtime env');
const Description = z.string().max(2000);
const CreateWs = z.strictObject({ name: SecretName, description: Description.optional(), value: Value, access: AccessList.optional() });
const CreateProject = z.strictObject({ name: SecretName, description: Description.optional(), value: Value });
const Patch = z.strictObject({ name: SecretName.optional(), description: Description.optional(), value: Value.optional(), expectedVersion: z.number().int().positive().optional().describe('Check-and-set: the value version you read (409 if it changed)') });
const WsSecretParams = z.strictObject({ ws: IdParam, id: IdParam });
const ProjectParams = z.strictObject({ projectId: IdParam });
const ProjectSecretParams = z.strictObject({ projectId: IdParam, name: SecretName });

export function registerSecretsRoutes(app: ZApp, s: Services): void {
  const tags = ['secrets'];
  const present = async (a: AssetRow, userId: string | null) => ({
    ...(await s.secrets.view(a)),
    usageCount: s.assets.usageCount(a.id),
    allowedActions: s.assets.actionsFor(userId, a),
  });

  // ---- workspace secrets (admins manage; members with access see; professional plan or higher)
  app.get('/workspaces/:ws/secrets', { schema: { tags, summary: 'Workspace secrets the caller may see (never their values)', params: WsParams } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    const list = await s.assets.list(ws.id, 'secret', p.userId);
    return { secrets: await Promise.all(list.map((a) => present(a, p.userId))), allowedActions: s.authz.index.workspaceActions(p.userId, ws.id) };
  });

  app.post('/workspaces/:ws/secrets', { schema: { tags, summary: 'Create a workspace secret (admins; Professional plan or higher)', params: WsParams, body: CreateWs } }, async (req, reply) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.manage_assets, { type: 'workspace', workspaceId: ws.id });
    requirePlan(ws.plan, 'shared_secrets');
    const v = await s.secrets.create({ workspaceId: ws.id, projectId: null, createdBy: p.userId, ...req.body }, contextOf(req));
    return reply.status(201).send(await present(await s.assets.get(v.id), p.userId));
  });

  app.get('/workspaces/:ws/secrets/:id', { schema: { tags, summary: 'A workspace secret (never its value)', params: WsSecretParams } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'secret');
    return present(a, req.principal!.userId);
  });

  app.patch('/workspaces/:ws/secrets/:id', { schema: { tags, summary: 'Rename, describe, or set a new value (a new version) — admins', params: WsSecretParams, body: Patch } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'secret', WorkspaceAction.manage_assets);
    const v = await s.secrets.update(a, req.body, req.principal!.userId, contextOf(req));
    return present(await s.assets.get(v.id), req.principal!.userId);
  });

  app.get('/workspaces/:ws/secrets/:id/versions', { schema: { tags, summary: 'Value versions kept (never the values) — admins', params: WsSecretParams } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'secret', WorkspaceAction.manage_assets);
    return { versions: await s.secrets.versions(a) };
  });

  app.post('/workspaces/:ws/secrets/:id/rollback', { schema: { tags, summary: 'Make an earlier value current again, as a new version — admins', params: WsSecretParams, body: z.strictObject({ version: z.number().int().positive(), expectedVersion: z.number().int().positive().optional() }) } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, 'secret', WorkspaceAction.manage_assets);
    const v = await s.secrets.rollback(a, req.body.version, req.principal!.userId, contextOf(req), req.body.expectedVersion);
    return present(await s.assets.get(v.id), req.principal!.userId);
  });

  registerAssetLifecycleRoutes(app, s, 'secret', 'secrets', 'secrets');

  // ---- a project's secrets: its own (editors manage) and the workspace secrets it imports
  app.get('/projects/:projectId/secrets', { schema: { tags, summary: "The project's secrets: its own and imported ones (never values)", params: ProjectParams } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.view);
    const userId = req.principal?.userId ?? null;
    const list = await s.secrets.inProject(project);
    return {
      secrets: await Promise.all(
        list.map(async (a) => ({
          ...(await s.secrets.view(a)),
          ...(s.assets.canSeeRow(userId, a) ? {} : { name: null, description: '' }),
          canReveal: s.authz.index.canUse(userId, project.id, a.id),
        })),
      ),
      allowedActions: s.authz.index.projectActions(userId, project.id),
    };
  });

  app.post('/projects/:projectId/secrets', { schema: { tags, summary: 'Create a project secret (can_edit)', params: ProjectParams, body: CreateProject } }, async (req, reply) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const v = await s.secrets.create({ workspaceId: project.workspaceId, projectId: project.id, createdBy: req.principal!.userId, ...req.body }, contextOf(req));
    return reply.status(201).send(await present(await s.assets.get(v.id), req.principal!.userId));
  });

  const ownSecret = async (project: ProjectRow, name: string) => {
    const a = await s.secrets.byNameInProject(project, name);
    if (!a.projectId) throw new AppError('forbidden', `'${name}' is a workspace secret: an admin manages it under Settings › Workspace › Secrets.`, { secretId: a.id });
    return a;
  };

  app.patch('/projects/:projectId/secrets/:name', { schema: { tags, summary: 'Edit a project secret or set a new value (can_edit)', params: ProjectSecretParams, body: Patch } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const a = await ownSecret(project, req.params.name);
    const v = await s.secrets.update(a, req.body, req.principal!.userId, contextOf(req));
    return present(await s.assets.get(v.id), req.principal!.userId);
  });

  app.delete('/projects/:projectId/secrets/:name', { schema: { tags, summary: 'Delete a project secret (can_edit; confirm=true)', params: ProjectSecretParams, querystring: z.strictObject({ confirm: z.enum(['true', 'false']).optional(), dryRun: z.enum(['true', 'false']).optional() }) } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const a = await ownSecret(project, req.params.name);
    return s.assets.remove(a, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }, req.principal!.userId, contextOf(req));
  });

  app.post('/projects/:projectId/secrets/:name/reveal', { schema: { tags, summary: 'Reveal a secret’s value (can_edit and access to it — rule 5); audited', params: ProjectSecretParams } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.view);
    const a = await s.secrets.byNameInProject(project, req.params.name);
    const userId = req.principal?.userId ?? null;
    if (!s.assets.canSeeRow(userId, a)) throw new AppError('not_found', `Secret '${req.params.name}' was not found.`, { resource: 'secret' });
    if (!s.authz.index.canUse(userId, project.id, a.id)) {
      if (!req.principal) throw new AppError('unauthenticated', 'Sign in to reveal secrets.');
      throw new AppError('forbidden', 'Revealing a secret needs can_edit on the project and access to the secret.', { action: 'reveal_secret', level: s.authz.index.effectiveLevel(userId, project.id).level });
    }
    return s.secrets.reveal(project, a, contextOf(req));
  });

  app.get('/projects/:projectId/runtime/env', { schema: { tags, summary: 'Every secret of the project as an environment map (can_edit and access to each); audited', params: ProjectParams } }, async (req) => {
    const project = await loadProject(s, req, req.params.projectId, ProjectAction.edit);
    const userId = req.principal!.userId;
    const list = await s.secrets.inProject(project);
    const denied = list.filter((a) => !s.authz.index.canUse(userId, project.id, a.id));
    if (denied.length) throw new AppError('forbidden', 'You lack access to some of this project’s secrets.', { secretIds: denied.map((d) => d.id) });
    return { env: await s.secrets.runtimeEnv(project, list, contextOf(req)) };
  });
}
