import { z } from 'zod';
import { Level, ProjectAction, WorkspaceAction, levelName } from '../../access/access-types.js';
import { AppError } from '../../errors.js';
import { contextOf, requirePrincipal } from '../../http/http-auth.js';
import { ConfirmFields, GrantLevelSchema, IdParam, Name, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { authorize } from '../authz/authz-service.js';
import { presentImpact } from '../authz/authz-impact.js';
import type { ProjectRow, SubjectInput } from './projects-service.js';
import type { Principal } from '../auth/auth-service.js';

const ProjectParams = z.strictObject({ projectId: IdParam });
const GrantParams = z.strictObject({ projectId: IdParam, subject: z.string().min(1).max(300).describe('user:<userId>, group:<groupId>, group:workspace or public') });
const ProjectBody = z.strictObject({ name: Name, description: z.string().max(5000).optional() });
const ProjectPatch = z.strictObject({ name: Name.optional(), description: z.string().max(5000).optional() });
const GrantBody = z.strictObject({ level: GrantLevelSchema, ...ConfirmFields });

export function parseSubjectKey(key: string): SubjectInput {
  if (key === 'public') return { type: 'public' };
  const m = /^(user|group):(.+)$/.exec(key);
  if (!m) throw new AppError('validation_failed', `'${key}' is not a grant subject; use user:<userId>, group:<groupId>, group:workspace or public.`, { field: 'subject' });
  return m[1] === 'user' ? { type: 'user', userId: m[2]! } : { type: 'group', groupId: m[2]! };
}

/** Loads a project and authorizes `action` on it (404 for projects the caller cannot see). */
export async function loadProject(s: Services, req: { principal: Principal | null }, projectId: string, action: ProjectAction): Promise<ProjectRow> {
  const p = await s.projects.get(projectId).catch(() => {
    if (!req.principal) throw new AppError('unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer <token>".');
    throw new AppError('not_found', `Project '${projectId}' was not found.`, { resource: 'project', id: projectId });
  });
  authorize(s.authz, req.principal, action, { type: 'project', projectId: p.id, workspaceId: p.workspaceId });
  return p;
}

export function registerProjectsRoutes(app: ZApp, s: Services): void {
  const tags = ['projects'];
  /**
   * A project with the caller's level and allowed actions. The index knows imports; the
   * workspace default connection (rule 9) also lets an editor with access run SQL cells.
   */
  const present = (p: ProjectRow, userId: string | null, defaultConnectionId: string | null) => {
    const idx = s.authz.index;
    const allowedActions = idx.projectActions(userId, p.id);
    if (defaultConnectionId && !allowedActions.includes(ProjectAction.run_query) && idx.canUse(userId, p.id, defaultConnectionId)) {
      allowedActions.push(ProjectAction.run_query);
    }
    return { ...p, access: { level: levelName(idx.level(userId, p.id)) }, allowedActions };
  };
  const defaultOf = (wsId: string) => s.assets.defaultConnectionId(wsId);
  const load = (req: { principal: Principal | null }, projectId: string, action: ProjectAction) => loadProject(s, req, projectId, action);

  app.get('/workspaces/:ws/projects', { schema: { tags, summary: 'Projects the caller can view', params: WsParams, querystring: z.strictObject({ minLevel: z.enum(['can_view', 'can_edit', 'full_access']).optional() }) } }, async (req) => {
    const principal = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, principal.userId);
    const min = req.query.minLevel === 'can_edit' ? Level.can_edit : req.query.minLevel === 'full_access' ? Level.full_access : Level.can_view;
    const list = await s.projects.listVisible(ws.id, principal.userId, min);
    const def = await defaultOf(ws.id);
    return { projects: list.map((p) => present(p, principal.userId, def)) };
  });

  app.post('/workspaces/:ws/projects', { schema: { tags, summary: 'Create a project (admins and editors); the creator gets full access', params: WsParams, body: ProjectBody } }, async (req, reply) => {
    const principal = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, principal.userId);
    authorize(s.authz, principal, WorkspaceAction.create_project, { type: 'workspace', workspaceId: ws.id });
    const p = await s.projects.create(ws.id, principal.userId, req.body, contextOf(req));
    return reply.status(201).send(present(p, principal.userId, await defaultOf(ws.id)));
  });

  app.get('/projects/:projectId', { schema: { tags, summary: 'A project, with the caller’s level and allowed actions', params: ProjectParams } }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.view);
    return present(p, req.principal?.userId ?? null, await defaultOf(p.workspaceId));
  });

  app.patch('/projects/:projectId', { schema: { tags, summary: 'Rename or describe a project (can_edit)', params: ProjectParams, body: ProjectPatch } }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.edit);
    return present(await s.projects.update(p, req.body, contextOf(req)), req.principal!.userId, await defaultOf(p.workspaceId));
  });

  app.delete('/projects/:projectId', { schema: { tags, summary: 'Delete a project (full access or admin)', params: ProjectParams } }, async (req, reply) => {
    const p = await load(req, req.params.projectId, ProjectAction.delete);
    await s.projects.remove(p, contextOf(req));
    return reply.status(204).send();
  });

  app.get('/projects/:projectId/grants', { schema: { tags: ['sharing'], summary: 'Who the project is shared with', params: ProjectParams } }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.view);
    return { grants: await s.projects.listGrants(p), allowedActions: s.authz.index.projectActions(req.principal?.userId ?? null, p.id) };
  });

  app.put('/projects/:projectId/grants/:subject', {
    schema: { tags: ['sharing'], summary: 'Share the project with a user, a group, the workspace or the web. Refused with asset_access_required when grantees lack access to an imported asset, unless confirm is true (rule 7).', params: GrantParams, body: GrantBody },
  }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.share);
    const subject = parseSubjectKey(req.params.subject);
    return s.projects.setGrant(p, subject, req.body.level, { confirm: !!req.body.confirm, dryRun: !!req.body.dryRun, actorId: req.principal!.userId }, contextOf(req));
  });

  app.delete('/projects/:projectId/grants/:subject', { schema: { tags: ['sharing'], summary: 'Stop sharing with a subject (?dryRun=true previews whose level would drop)', params: GrantParams, querystring: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }) } }, async (req, reply) => {
    const p = await load(req, req.params.projectId, ProjectAction.share);
    const subject = parseSubjectKey(req.params.subject);
    if (req.query.dryRun === 'true') return { applied: false, drops: presentImpact(s.authz.index.previewGrant(p.id, subject, Level.none).drops) };
    await s.projects.removeGrant(p, subject, contextOf(req));
    return reply.status(204).send();
  });

  app.get('/projects/:projectId/access', { schema: { tags: ['access'], summary: "The caller's effective level on the project and what they may do", params: ProjectParams } }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.view);
    const userId = req.principal?.userId ?? null;
    const eff = s.authz.index.effectiveLevel(userId, p.id);
    return {
      projectId: p.id,
      level: levelName(eff.level),
      granted: levelName(eff.granted),
      ...(eff.cappedBy ? { cappedBy: eff.cappedBy } : {}),
      downgradedBy: eff.downgradedBy,
      allowedActions: s.authz.index.projectActions(userId, p.id),
    };
  });

  app.get('/projects/:projectId/access/explain', {
    schema: { tags: ['access'], summary: 'Why a user has the level they have (admins and full access)', params: ProjectParams, querystring: z.strictObject({ user: IdParam.describe('user id') }) },
  }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.explain);
    const ex = s.authz.index.explain(req.query.user, p.id);
    return {
      userId: ex.userId,
      projectId: ex.projectId,
      role: ex.role ?? null,
      level: levelName(ex.level),
      granted: levelName(ex.granted),
      capped: levelName(ex.capped),
      cappedBy: ex.cappedBy ?? null,
      grant: ex.grant ?? null,
      matchingGrants: ex.matchingGrants,
      downgradedBy: ex.downgradedBy,
      text: ex.text,
    };
  });
}
