/**
 * What every kind of asset shares (DESIGN.md rules 1, 2, 5, 7, 8, 9): the access-relevant row,
 * groups with access, usage (which projects import it), import into and removal from a project,
 * the default data connection, and delete with preview, confirmation and cascade.
 * Kind modules (data-connections, secrets, …) keep their own rows in tables that reference
 * `assets.id` with ON DELETE CASCADE, and call this service inside their transactions.
 */
import { AssetAction, type AssetKind, BUILTIN_GROUP_IDS, Level } from '../../access/access-types.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { AssetsTable } from '../../store/store-schema.js';
import type { AuditService } from '../audit/audit-service.js';
import type { RequestContext } from '../audit/audit-types.js';
import type { AuthzService } from '../authz/authz-service.js';
import { presentImpact } from '../authz/authz-impact.js';
import type { ProjectRow } from '../projects/projects-service.js';
import { confirmationRequired } from '../workspaces/workspaces-service.js';

type Deps = { store: Store; audit: AuditService; authz: AuthzService };

/** Project-scoped assets are usable by whoever can edit their project: no group limits them. */
export const PROJECT_ASSET_ACCESS = ['public'];

export interface AssetRow {
  id: string;
  workspaceId: string;
  projectId: string | null;
  kind: AssetKind;
  name: string;
  access: string[];
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toAssetRow = (r: AssetsTable): AssetRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  projectId: r.project_id,
  kind: r.kind as AssetKind,
  name: r.name,
  access: JSON.parse(r.access) as string[],
  version: Number(r.version),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const KIND_LABEL: Record<AssetKind, string> = {
  data_connection: 'Data connection',
  secret: 'Secret',
  git_package: 'Git package',
  file_integration: 'File integration',
};

export function createAssetsService(deps: Deps) {
  const { db } = deps.store;
  const idx = () => deps.authz.index;

  async function get(assetId: string, kind?: AssetKind, tx: DbOrTx = deps.store.read): Promise<AssetRow> {
    let q = tx.selectFrom('assets').selectAll().where('id', '=', assetId);
    if (kind) q = q.where('kind', '=', kind);
    const r = await q.executeTakeFirst();
    if (!r) throw notFound(kind ? KIND_LABEL[kind] : 'Asset', assetId);
    return toAssetRow(r);
  }

  /**
   * Loads an asset for a caller: 404 unless they may see it (rule 2) — an asset they may not see
   * does not exist for them, whether it is another workspace's or a restricted one.
   */
  async function getVisible(userId: string, assetId: string, kind: AssetKind): Promise<AssetRow> {
    const a = await get(assetId, kind).catch(() => null);
    if (!a || !canSeeRow(userId, a)) throw notFound(KIND_LABEL[kind], assetId);
    return a;
  }

  function canSeeRow(userId: string | null, a: AssetRow): boolean {
    if (a.projectId) return idx().level(userId, a.projectId) >= Level.can_view;
    return idx().canSee(userId, a.id);
  }

  /** Allowed actions on an asset, for the console: never guessed on the client. */
  function actionsFor(userId: string | null, a: AssetRow): string[] {
    if (a.projectId) {
      const lvl = idx().level(userId, a.projectId);
      const out: string[] = [];
      if (lvl >= Level.can_view) out.push(AssetAction.see);
      if (lvl >= Level.can_edit) out.push(AssetAction.use, AssetAction.manage);
      return out;
    }
    return idx().assetActions(userId, a.id);
  }

  async function validateAccess(tx: DbOrTx, wsId: string, access: string[]): Promise<string[]> {
    const unique = [...new Set(access)];
    const custom = unique.filter((g) => !BUILTIN_GROUP_IDS.includes(g));
    if (custom.length) {
      const found = await tx.selectFrom('groups').select('id').where('workspace_id', '=', wsId).where('id', 'in', custom).execute();
      const missing = custom.filter((g) => !found.some((f) => f.id === g));
      if (missing.length) throw new AppError('validation_failed', `Unknown group(s) in this workspace: ${missing.join(', ')}.`, { field: 'access', unknownGroups: missing });
    }
    return unique.sort();
  }

  async function assertNameFree(tx: DbOrTx, wsId: string, projectId: string | null, kind: AssetKind, name: string, exceptId?: string) {
    let q = tx.selectFrom('assets').select('id').where('workspace_id', '=', wsId).where('scope_key', '=', projectId ?? '').where('kind', '=', kind).where('name_key', '=', name.toLowerCase());
    if (exceptId) q = q.where('id', '!=', exceptId);
    const clash = await q.executeTakeFirst();
    if (clash) throw new AppError('already_exists', `${KIND_LABEL[kind]} named '${name}' already exists ${projectId ? 'in this project' : 'in this workspace'}.`, { field: 'name', id: clash.id });
  }

  /**
   * Creates the asset row (and, for a project asset, its import) inside `tx`; the caller adds
   * its kind rows in the same transaction via `kindRows`, then this applies it to the index.
   * `kindRows` must only use `tx`: anything that takes another connection (encryption creating
   * a data key, say) belongs before the call — pass a pre-made `id` when it needs the asset id.
   */
  async function create(
    input: { id?: string; workspaceId: string; projectId: string | null; kind: AssetKind; name: string; access?: string[]; createdBy: string },
    kindRows: (tx: DbOrTx, assetId: string) => Promise<Record<string, unknown> | void>,
    ctx: RequestContext,
  ): Promise<AssetRow> {
    const id = input.id ?? newId('ast');
    const now = nowIso();
    let access: string[] = PROJECT_ASSET_ACCESS;
    const version = await deps.store.transaction(async (tx) => {
      await assertNameFree(tx, input.workspaceId, input.projectId, input.kind, input.name);
      if (!input.projectId) access = await validateAccess(tx, input.workspaceId, input.access ?? ['workspace']);
      await tx
        .insertInto('assets')
        .values({ id, workspace_id: input.workspaceId, project_id: input.projectId, kind: input.kind, name: input.name, name_key: input.name.toLowerCase(), scope_key: input.projectId ?? '', access: JSON.stringify(access), version: 1, created_by: input.createdBy, created_at: now, updated_at: now })
        .execute();
      if (input.projectId) {
        await tx.insertInto('project_imports').values({ project_id: input.projectId, asset_id: id, created_by: input.createdBy, created_at: now }).execute();
      }
      const extra = (await kindRows(tx, id)) ?? {};
      await deps.audit.record(tx, ctx, {
        workspaceId: input.workspaceId,
        action: `${input.kind}.create`,
        targetType: input.kind,
        targetId: id,
        details: { name: input.name, ...(input.projectId ? { projectId: input.projectId } : { access }), ...extra },
      });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => {
      i.upsertAsset({ id, workspaceId: input.workspaceId, kind: input.kind, access });
      if (input.projectId) i.addImport(input.projectId, id);
    });
    return { id, workspaceId: input.workspaceId, projectId: input.projectId, kind: input.kind, name: input.name, access, version: 1, createdBy: input.createdBy, createdAt: now, updatedAt: now };
  }

  /**
   * Edits an asset with optimistic concurrency: `expectedVersion` (when given) must match, and
   * the version is bumped in the same statement, so two concurrent edits cannot both win.
   */
  async function update(
    a: AssetRow,
    patch: { name?: string; expectedVersion?: number },
    kindRows: (tx: DbOrTx) => Promise<Record<string, unknown> | void>,
    ctx: RequestContext,
  ): Promise<AssetRow> {
    await deps.store.transaction(async (tx) => {
      if (patch.name !== undefined && patch.name !== a.name) await assertNameFree(tx, a.workspaceId, a.projectId, a.kind, patch.name, a.id);
      const expected = patch.expectedVersion ?? a.version;
      const res = await tx
        .updateTable('assets')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: nowIso(), ...(patch.name !== undefined ? { name: patch.name, name_key: patch.name.toLowerCase() } : {}) }))
        .where('id', '=', a.id)
        .where('version', '=', expected)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        const current = await tx.selectFrom('assets').select('version').where('id', '=', a.id).executeTakeFirst();
        throw new AppError('version_conflict', `${KIND_LABEL[a.kind]} '${a.name}' was changed by someone else (now version ${current?.version ?? '?'}, you sent ${expected}). Reload it and apply your change again.`, { currentVersion: current ? Number(current.version) : null, expectedVersion: expected });
      }
      const extra = (await kindRows(tx)) ?? {};
      await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: `${a.kind}.update`, targetType: a.kind, targetId: a.id, details: { ...(patch.name !== undefined ? { name: patch.name } : {}), ...extra } });
    });
    return get(a.id);
  }

  /** Rule 7: changing the groups of an asset previews who would be downgraded, and needs confirm. */
  async function setAccess(a: AssetRow, accessIn: string[], opts: { confirm: boolean; dryRun: boolean; expectedVersion?: number }, ctx: RequestContext) {
    if (a.projectId) throw new AppError('validation_failed', 'A project asset is usable by whoever can edit its project; it has no groups with access.', { field: 'access' });
    const access = await validateAccess(db, a.workspaceId, accessIn);
    const impact = idx().previewSetAssetAccess(a.id, access);
    if (opts.dryRun) return { applied: false, access, impact: presentImpact(impact) };
    if (impact.length && !opts.confirm) throw confirmationRequired(`Changing who can use '${a.name}'`, impact);
    const version = await deps.store.transaction(async (tx) => {
      const expected = opts.expectedVersion ?? a.version;
      const res = await tx
        .updateTable('assets')
        .set((eb) => ({ access: JSON.stringify(access), version: eb('version', '+', 1), updated_at: nowIso() }))
        .where('id', '=', a.id)
        .where('version', '=', expected)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new AppError('version_conflict', `'${a.name}' was changed by someone else. Reload it and apply your change again.`, { expectedVersion: expected });
      await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: `${a.kind}.access_set`, targetType: a.kind, targetId: a.id, details: { from: a.access, to: access, downgrades: impact.length } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => i.setAssetAccess(a.id, access));
    return { applied: true, access, impact: presentImpact(impact) };
  }

  /** The projects importing an asset (the Usage column), restricted to those the caller can view. */
  async function usage(a: AssetRow, viewerId: string | null) {
    const ids = idx().usage(a.id);
    if (!ids.length) return { count: 0, projects: [] as { id: string; name: string; visible: boolean }[] };
    const rows: { id: string; name: string }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(...(await db.selectFrom('projects').select(['id', 'name']).where('id', 'in', ids.slice(i, i + 500)).execute()));
    }
    // Everyone who may see the asset learns how many projects use it; names only of projects they can view.
    const projects = rows
      .map((p) => ({ ...p, visible: idx().level(viewerId, p.id) >= Level.can_view }))
      .map((p) => (p.visible ? p : { id: p.id, name: '(a project you cannot view)', visible: false }))
      .sort((x, y) => x.name.localeCompare(y.name));
    return { count: ids.length, projects };
  }

  function usageCount(assetId: string): number {
    return idx().usage(assetId).length;
  }

  /** Rule 5 + rule 7: import a workspace asset into a project. */
  async function importInto(project: ProjectRow, assetId: string, actorId: string, opts: { confirm: boolean; dryRun: boolean }, ctx: RequestContext) {
    const a = await get(assetId).catch(() => null);
    if (!a || a.workspaceId !== project.workspaceId || !canSeeRow(actorId, a)) throw notFound('Asset', assetId);
    if (a.projectId) throw new AppError('validation_failed', `'${a.name}' belongs to a project and cannot be imported elsewhere.`, { field: 'assetId' });
    if (!idx().canUse(actorId, project.id, a.id)) {
      throw new AppError('forbidden', `You cannot use '${a.name}' in this project: it needs can_edit on the project and access to the ${a.kind.replace('_', ' ')}.`, { assetId: a.id, level: idx().level(actorId, project.id) });
    }
    if (idx().usage(a.id).includes(project.id)) return { applied: false, alreadyImported: true, impact: [] };
    const impact = idx().previewImport(project.id, a.id);
    if (opts.dryRun) return { applied: false, alreadyImported: false, impact: presentImpact(impact) };
    if (impact.length && !opts.confirm) {
      throw new AppError(
        'asset_access_required',
        `${new Set(impact.map((i) => i.userId)).size} user(s) who can edit this project lack access to '${a.name}' and would be downgraded to can_view. Give them access, or repeat with "confirm": true.`,
        { impact: presentImpact(impact), assets: [a.id] },
      );
    }
    const version = await deps.store.transaction(async (tx) => {
      await tx.insertInto('project_imports').values({ project_id: project.id, asset_id: a.id, created_by: actorId, created_at: nowIso() }).onConflict((oc) => oc.columns(['project_id', 'asset_id']).doNothing()).execute();
      await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: 'project.import_add', targetType: 'project', targetId: project.id, details: { assetId: a.id, kind: a.kind, name: a.name, downgrades: impact.length } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => i.addImport(project.id, a.id));
    return { applied: true, alreadyImported: false, impact: presentImpact(impact) };
  }

  async function removeImport(project: ProjectRow, assetId: string, ctx: RequestContext): Promise<void> {
    const a = await get(assetId).catch(() => null);
    if (!a || a.workspaceId !== project.workspaceId) throw notFound('Import', assetId);
    if (a.projectId) throw new AppError('validation_failed', `'${a.name}' belongs to this project; delete it instead.`, { field: 'assetId' });
    const version = await deps.store.transaction(async (tx) => {
      const res = await tx.deleteFrom('project_imports').where('project_id', '=', project.id).where('asset_id', '=', assetId).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound('Import', assetId);
      await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: 'project.import_remove', targetType: 'project', targetId: project.id, details: { assetId, kind: a.kind, name: a.name } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => i.removeImport(project.id, assetId));
  }

  /** Workspace and project assets a project imports, that the caller may see. */
  async function importsOf(project: ProjectRow): Promise<AssetRow[]> {
    const ids = idx().imports(project.id);
    if (!ids.length) return [];
    const rows = (await db.selectFrom('assets').selectAll().where('id', 'in', ids).execute()).map(toAssetRow);
    return rows.sort((x, y) => x.name.localeCompare(y.name));
  }

  /**
   * Rule 8: delete. Without `confirm` it answers `confirmation_required` with the usage; with it,
   * removes the asset from every importing project, clears it as default, deletes its kind rows
   * (cascade) — one transaction, one audit event. Cannot be undone.
   */
  async function remove(a: AssetRow, opts: { confirm: boolean; dryRun: boolean }, viewerId: string, ctx: RequestContext) {
    const use = await usage(a, viewerId);
    const ws = await db.selectFrom('workspaces').select('default_connection_id').where('id', '=', a.workspaceId).executeTakeFirst();
    const isDefault = ws?.default_connection_id === a.id;
    const preview = { usage: use, isDefault, irreversible: true };
    if (opts.dryRun) return { applied: false, ...preview };
    if (!opts.confirm) {
      throw new AppError(
        'confirmation_required',
        `Deleting '${a.name}' removes it from ${use.count} project(s)${isDefault ? ' and clears it as the default connection' : ''}. It cannot be undone. Repeat with confirm=true to delete.`,
        preview,
      );
    }
    const projectIds = idx().usage(a.id);
    const version = await deps.store.transaction(async (tx) => {
      await tx.deleteFrom('project_imports').where('asset_id', '=', a.id).execute();
      if (isDefault) await tx.updateTable('workspaces').set({ default_connection_id: null }).where('id', '=', a.workspaceId).execute();
      await tx.deleteFrom('assets').where('id', '=', a.id).execute();
      await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: `${a.kind}.delete`, targetType: a.kind, targetId: a.id, details: { name: a.name, removedFromProjects: projectIds, wasDefault: isDefault } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (i) => i.removeAsset(a.id));
    return { applied: true, ...preview };
  }

  /** Rule 9: at most one default data connection per workspace (a workspace connection). */
  async function setDefault(wsId: string, connectionId: string | null, ctx: RequestContext): Promise<void> {
    await deps.store.transaction(async (tx) => {
      if (connectionId) {
        const a = await get(connectionId, 'data_connection', tx);
        if (a.workspaceId !== wsId) throw notFound('Data connection', connectionId);
        if (a.projectId) throw new AppError('validation_failed', 'Only a workspace connection can be the default.', { field: 'connectionId' });
      }
      const before = await tx.selectFrom('workspaces').select('default_connection_id').where('id', '=', wsId).executeTakeFirstOrThrow();
      await tx.updateTable('workspaces').set({ default_connection_id: connectionId }).where('id', '=', wsId).execute();
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'data_connection.default_set', targetType: 'workspace', targetId: wsId, details: { from: before.default_connection_id, to: connectionId } });
    });
  }

  async function defaultConnectionId(wsId: string): Promise<string | null> {
    const r = await deps.store.read.selectFrom('workspaces').select('default_connection_id').where('id', '=', wsId).executeTakeFirst();
    return r?.default_connection_id ?? null;
  }

  /** Workspace assets (of a kind, or all) the caller may see (rule 2), or a project's own assets. */
  async function list(wsId: string, kind: AssetKind | null, viewerId: string, projectId: string | null = null): Promise<AssetRow[]> {
    let q = db.selectFrom('assets').selectAll().where('workspace_id', '=', wsId);
    if (kind) q = q.where('kind', '=', kind);
    q = projectId ? q.where('project_id', '=', projectId) : q.where('project_id', 'is', null);
    const rows = (await q.orderBy('name_key').execute()).map(toAssetRow);
    return rows.filter((r) => canSeeRow(viewerId, r));
  }

  return { get, getVisible, canSeeRow, actionsFor, create, update, setAccess, usage, usageCount, importInto, removeImport, importsOf, remove, setDefault, defaultConnectionId, list };
}

export type AssetsService = ReturnType<typeof createAssetsService>;
