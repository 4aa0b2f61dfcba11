/**
 * Routes every workspace asset kind shares — usage, groups with access, delete with preview and
 * confirmation — registered once per kind, plus a project's imports.
 */
import { z } from 'zod';
import { type AssetKind, ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import { AppError } from '../../errors.js';
import { contextOf, requirePrincipal } from '../../http/http-auth.js';
import { ConfirmFields, ConfirmQuery, IdParam, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { authorize } from '../authz/authz-service.js';
import type { AssetRow } from './assets-service.js';
import type { Principal } from '../auth/auth-service.js';
import { loadProject } from '../projects/projects-routes.js';

export const AccessList = z.array(z.string().min(1).max(200)).max(100).describe('Groups with access: custom group ids, "workspace", "workspace-guests" or "public"');

/** Loads a workspace asset the caller can see (404 otherwise) and checks a workspace action. */
export async function loadWorkspaceAsset(s: Services, req: Parameters<typeof requirePrincipal>[0] & { params: { ws: string } }, id: string, kind: AssetKind, action?: WorkspaceAction): Promise<AssetRow> {
  const p = requirePrincipal(req);
  const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
  const a = await s.assets.getVisible(p.userId, id, kind);
  if (a.workspaceId !== ws.id || a.projectId) throw new AppError('not_found', `Not found: '${id}'.`, { resource: kind, id });
  if (action) authorize(s.authz, p, action, { type: 'workspace', workspaceId: ws.id });
  return a;
}

export function registerAssetLifecycleRoutes(app: ZApp, s: Services, kind: AssetKind, segment: string, tag: string): void {
  const Params = z.strictObject({ ws: IdParam, id: IdParam });

  app.get(`/workspaces/:ws/${segment}/:id/usage`, { schema: { tags: [tag], summary: 'Projects that import it (the Usage column)', params: Params } }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, kind);
    return s.assets.usage(a, req.principal!.userId);
  });

  app.put(`/workspaces/:ws/${segment}/:id/access`, {
    schema: { tags: [tag], summary: 'Set the groups with access (admins). Previews who would be downgraded; needs confirm when anyone would be (rule 7).', params: Params, body: z.strictObject({ access: AccessList, expectedVersion: z.number().int().positive().optional(), ...ConfirmFields }) },
  }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, kind, WorkspaceAction.manage_assets);
    return s.assets.setAccess(a, req.body.access, { confirm: !!req.body.confirm, dryRun: !!req.body.dryRun, expectedVersion: req.body.expectedVersion }, contextOf(req));
  });

  app.delete(`/workspaces/:ws/${segment}/:id`, {
    schema: { tags: [tag], summary: 'Delete (admins). Without confirm=true answers confirmation_required with the usage; with it, removes it from every project and clears it as default, audited. Cannot be undone.', params: Params, querystring: ConfirmQuery },
  }, async (req) => {
    const a = await loadWorkspaceAsset(s, req, req.params.id, kind, WorkspaceAction.manage_assets);
    return s.assets.remove(a, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }, req.principal!.userId, contextOf(req));
  });
}

const ProjectParams = z.strictObject({ projectId: IdParam });

export function registerImportsRoutes(app: ZApp, s: Services): void {
  const tags = ['imports'];
  const load = (req: { principal: Principal | null }, projectId: string, action: ProjectAction) => loadProject(s, req, projectId, action);
  const present = (a: AssetRow, userId: string | null) => {
    const visible = s.assets.canSeeRow(userId, a);
    return {
      id: a.id,
      kind: a.kind,
      // A viewer who may not see an asset learns only that the project uses one.
      name: visible ? a.name : null,
      scope: a.projectId ? ('project' as const) : ('workspace' as const),
      visible,
    };
  };

  app.get('/projects/:projectId/imports', { schema: { tags, summary: 'Assets the project uses (imported workspace assets and its own)', params: ProjectParams } }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.view);
    const userId = req.principal?.userId ?? null;
    const rows = await s.assets.importsOf(p);
    return { imports: rows.map((a) => ({ ...present(a, userId), usable: s.authz.index.canUse(userId, p.id, a.id) })) };
  });

  app.get('/projects/:projectId/importable', { schema: { tags, summary: 'Workspace assets the caller may import into the project (rule 5)', params: ProjectParams } }, async (req) => {
    const p = await load(req, req.params.projectId, ProjectAction.import_asset);
    const userId = req.principal!.userId;
    const ids = new Set(s.authz.index.assetsUserCanUse(userId, p.id));
    const imported = new Set(s.authz.index.imports(p.id));
    const all = await s.assets.list(p.workspaceId, null, userId);
    return { assets: all.filter((a) => ids.has(a.id) && !imported.has(a.id)).map((a) => ({ id: a.id, kind: a.kind, name: a.name })) };
  });

  app.post('/projects/:projectId/imports', {
    schema: { tags, summary: 'Import a workspace asset (can_edit and access to it). Refused with asset_access_required when current editors lack access, unless confirm is true (rule 7).', params: ProjectParams, body: z.strictObject({ assetId: IdParam, ...ConfirmFields }) },
  }, async (req, reply) => {
    const p = await load(req, req.params.projectId, ProjectAction.import_asset);
    const r = await s.assets.importInto(p, req.body.assetId, req.principal!.userId, { confirm: !!req.body.confirm, dryRun: !!req.body.dryRun }, contextOf(req));
    return reply.status(r.applied ? 201 : 200).send(r);
  });

  app.delete('/projects/:projectId/imports/:assetId', { schema: { tags, summary: 'Stop using a workspace asset in the project', params: z.strictObject({ projectId: IdParam, assetId: IdParam }) } }, async (req, reply) => {
    const p = await load(req, req.params.projectId, ProjectAction.import_asset);
    await s.assets.removeImport(p, req.params.assetId, contextOf(req));
    return reply.status(204).send();
  });
}
