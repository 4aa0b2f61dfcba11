/**
 * Routes every workspace asset kind shares — usage, groups with access, delete with preview and
 * confirmation — registered once per kind, plus a project's imports. Parse, call the assets
 * service's `api`, present.
 */
import type { AssetKind } from '../../access/access-types.js';
import { callerOf } from '../../http/http-auth.js';
import { ConfirmQuery, errorResponses, NoContent, ProjectParams, type ZApp } from '../../http/http-schemas.js';
import type { AssetsApi } from './assets-service.js';
import { AccessChangeResult, AssetParams, AssetRemoveResult, AssetUsage, ImportableAssetList, ImportBody, ImportParams, ImportResult, ProjectImportList, SetAccessBody } from './assets-schema.js';

export function registerAssetLifecycleRoutes(app: ZApp, s: { assets: AssetsApi }, kind: AssetKind, segment: string, tag: string): void {
  app.get(`/workspaces/:ws/${segment}/:id/usage`, { schema: { tags: [tag], summary: 'Projects that import it (the Usage column)', params: AssetParams, response: { 200: AssetUsage, ...errorResponses } } }, async (req) =>
    s.assets.usage(callerOf(req), kind, req.params.ws, req.params.id),
  );

  app.put(`/workspaces/:ws/${segment}/:id/access`, {
    schema: { tags: [tag], summary: 'Set the groups with access (admins). Previews who would be downgraded; needs confirm when anyone would be (rule 7).', params: AssetParams, body: SetAccessBody, response: { 200: AccessChangeResult, ...errorResponses } },
  }, async (req) => s.assets.setAccess(callerOf(req), kind, req.params.ws, req.params.id, req.body));

  app.delete(`/workspaces/:ws/${segment}/:id`, {
    schema: { tags: [tag], summary: 'Delete (admins). Without confirm=true answers confirmation_required with the usage; with it, removes it from every project and clears it as default, audited. Cannot be undone.', params: AssetParams, querystring: ConfirmQuery, response: { 200: AssetRemoveResult, ...errorResponses } },
  }, async (req) => s.assets.remove(callerOf(req), kind, req.params.ws, req.params.id, { confirm: req.query.confirm === 'true', dryRun: req.query.dryRun === 'true' }));
}

export function registerImportsRoutes(app: ZApp, s: { assets: AssetsApi }): void {
  const tags = ['imports'];

  app.get('/projects/:projectId/imports', { schema: { tags, summary: 'Assets the project uses (imported workspace assets and its own)', params: ProjectParams, response: { 200: ProjectImportList, ...errorResponses } } }, async (req) =>
    s.assets.imports(callerOf(req), req.params.projectId),
  );

  app.get('/projects/:projectId/importable', { schema: { tags, summary: 'Workspace assets the caller may import into the project (rule 5)', params: ProjectParams, response: { 200: ImportableAssetList, ...errorResponses } } }, async (req) =>
    s.assets.importable(callerOf(req), req.params.projectId),
  );

  app.post('/projects/:projectId/imports', {
    schema: { tags, summary: 'Import a workspace asset (can_edit and access to it). Refused with asset_access_required when current editors lack access, unless confirm is true (rule 7).', params: ProjectParams, body: ImportBody, response: { 200: ImportResult, 201: ImportResult, ...errorResponses } },
  }, async (req, reply) => {
    const r = await s.assets.importAsset(callerOf(req), req.params.projectId, req.body);
    return reply.status(r.applied ? 201 : 200).send(r);
  });

  app.delete('/projects/:projectId/imports/:assetId', { schema: { tags, summary: 'Stop using a workspace asset in the project', params: ImportParams, response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.assets.removeImport(callerOf(req), req.params.projectId, req.params.assetId);
    return reply.status(204).send();
  });
}
