/**
 * What every kind of asset shares (DESIGN.md rules 1, 2, 5, 7, 8, 9): the access-relevant row,
 * groups with access, usage (which projects import it), import into and removal from a project,
 * the default data connection, and delete with preview, confirmation and cascade.
 * Kind modules (data-connections, secrets, …) keep their own rows in tables that reference
 * `assets.id` with ON DELETE CASCADE, and call this service inside their transactions.
 * Top level: trusted operations and the loaders kind modules use for a caller; `api`: the
 * requests every kind shares, authorized.
 */
import { type AssetKind, BUILTIN_GROUP_IDS, Level, ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import type { Caller, RequestContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import { type ConfirmOptions, confirmationRequired, presentImpact, previewThenConfirm } from '../authz/authz-confirm.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { AuthzService } from '../authz/authz-service.js';
import type { GroupsRepository } from '../groups/groups-repository.js';
import type { ProjectRow, ProjectsRepository } from '../projects/projects-repository.js';
import type { ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesRepository } from '../workspaces/workspaces-repository.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { AssetRow, AssetsRepository } from './assets-repository.js';

export { type AssetRow, toAssetRow } from './assets-repository.js';

/** Project-scoped assets are usable by whoever can edit their project: no group limits them. */
export const PROJECT_ASSET_ACCESS = ['public'];

export const KIND_LABEL: Record<AssetKind, string> = {
  data_connection: 'Data connection',
  secret: 'Secret',
  git_package: 'Git package',
  file_integration: 'File integration',
};

type Deps = {
  store: Pick<Store, 'transaction'>;
  repo: AssetsRepository;
  groups: Pick<GroupsRepository, 'existing'>;
  projects: Pick<ProjectsRepository, 'byIds'>;
  projectsService: Pick<ProjectsService, 'load'>;
  workspacesRepo: Pick<WorkspacesRepository, 'defaultConnectionId' | 'setDefaultConnection'>;
  workspaces: Pick<WorkspacesService, 'resolve'>;
  audit: Pick<AuditService, 'record'>;
  authz: Pick<AuthzService, 'commit'>;
  policies: Pick<AuthzPolicies, 'canSeeAsset' | 'mayNameAsset' | 'assetActions' | 'canUseAsset' | 'assertImport' | 'assertWorkspace' | 'level' | 'usage' | 'imports' | 'usableAssets' | 'preview'>;
};

export function createAssetsService(deps: Deps) {
  const { repo, policies } = deps;

  async function get(assetId: string, kind?: AssetKind, tx?: DbOrTx): Promise<AssetRow> {
    const a = await repo.get(assetId, kind, tx);
    if (!a) throw notFound(kind ? KIND_LABEL[kind] : 'Asset', assetId);
    return a;
  }

  async function validateAccess(tx: DbOrTx | undefined, wsId: string, access: string[]): Promise<string[]> {
    const unique = [...new Set(access)];
    const custom = unique.filter((g) => !BUILTIN_GROUP_IDS.includes(g));
    if (custom.length) {
      const found = await deps.groups.existing(wsId, custom, tx);
      const missing = custom.filter((g) => !found.includes(g));
      if (missing.length) throw new AppError('validation_failed', `Unknown group(s) in this workspace: ${missing.join(', ')}.`, { field: 'access', unknownGroups: missing });
    }
    return unique.sort();
  }

  async function assertNameFree(tx: DbOrTx, wsId: string, projectId: string | null, kind: AssetKind, name: string, exceptId?: string) {
    const clash = await repo.nameClash(tx, wsId, projectId, kind, name, exceptId);
    if (clash) throw new AppError('already_exists', `${KIND_LABEL[kind]} named '${name}' already exists ${projectId ? 'in this project' : 'in this workspace'}.`, { field: 'name', id: clash });
  }

  /**
   * Creates the asset row (and, for a project asset, its import) inside one transaction; the
   * caller adds its kind rows in it via `kindRows`. `kindRows` must only use `tx`: anything that
   * takes another connection (encryption creating a data key, say) belongs before the call —
   * pass a pre-made `id` when it needs the asset id.
   */
  async function create(
    input: { id?: string; workspaceId: string; projectId: string | null; kind: AssetKind; name: string; access?: string[]; createdBy: string },
    kindRows: (tx: DbOrTx, assetId: string) => Promise<Record<string, unknown> | void>,
    ctx: RequestContext,
  ): Promise<AssetRow> {
    const now = nowIso();
    const a: AssetRow = { id: input.id ?? newId('ast'), workspaceId: input.workspaceId, projectId: input.projectId, kind: input.kind, name: input.name, access: PROJECT_ASSET_ACCESS, version: 1, createdBy: input.createdBy, createdAt: now, updatedAt: now };
    await deps.authz.commit(
      async (tx) => {
        await assertNameFree(tx, a.workspaceId, a.projectId, a.kind, a.name);
        if (!a.projectId) a.access = await validateAccess(tx, a.workspaceId, input.access ?? ['workspace']);
        await repo.insert(tx, a);
        if (a.projectId) await repo.addImport(tx, a.projectId, a.id, input.createdBy);
        const extra = (await kindRows(tx, a.id)) ?? {};
        await deps.audit.record(tx, ctx, {
          workspaceId: a.workspaceId,
          action: `${a.kind}.create`,
          targetType: a.kind,
          targetId: a.id,
          details: { name: a.name, ...(a.projectId ? { projectId: a.projectId } : { access: a.access }), ...extra },
        });
      },
      (facts) => {
        facts.upsertAsset({ id: a.id, workspaceId: a.workspaceId, kind: a.kind, access: a.access });
        if (a.projectId) facts.addImport(a.projectId, a.id);
      },
    );
    return a;
  }

  function versionConflict(a: AssetRow, expected: number, current: number | null): AppError {
    return new AppError('version_conflict', `${KIND_LABEL[a.kind]} '${a.name}' was changed by someone else (now version ${current ?? '?'}, you sent ${expected}). Reload it and apply your change again.`, { currentVersion: current, expectedVersion: expected });
  }

  /**
   * Edits an asset with optimistic concurrency: `expectedVersion` (when given) must match, and
   * the version is bumped in the same statement, so two concurrent edits cannot both win.
   */
  async function update(a: AssetRow, patch: { name?: string; expectedVersion?: number }, kindRows: (tx: DbOrTx) => Promise<Record<string, unknown> | void>, ctx: RequestContext): Promise<AssetRow> {
    await deps.store.transaction(async (tx) => {
      if (patch.name !== undefined && patch.name !== a.name) await assertNameFree(tx, a.workspaceId, a.projectId, a.kind, patch.name, a.id);
      const expected = patch.expectedVersion ?? a.version;
      if (!(await repo.bumpVersion(tx, a.id, expected, { name: patch.name }))) throw versionConflict(a, expected, await repo.currentVersion(tx, a.id));
      const extra = (await kindRows(tx)) ?? {};
      await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: `${a.kind}.update`, targetType: a.kind, targetId: a.id, details: { ...(patch.name !== undefined ? { name: patch.name } : {}), ...extra } });
    });
    return get(a.id);
  }

  /** Rule 7: changing the groups of an asset previews who would be downgraded, and needs confirm. */
  async function setAccess(a: AssetRow, accessIn: string[], opts: ConfirmOptions & { expectedVersion?: number }, ctx: RequestContext) {
    if (a.projectId) throw new AppError('validation_failed', 'A project asset is usable by whoever can edit its project; it has no groups with access.', { field: 'access' });
    const access = await validateAccess(undefined, a.workspaceId, accessIn);
    const impact = policies.preview.assetAccess(a.id, access);
    return previewThenConfirm(opts, {
      preview: { access, impact: presentImpact(impact) },
      needsConfirm: impact.length > 0,
      refuse: () => confirmationRequired(`Changing who can use '${a.name}'`, impact),
      apply: async () => {
        await deps.authz.commit(
          async (tx) => {
            const expected = opts.expectedVersion ?? a.version;
            if (!(await repo.bumpVersion(tx, a.id, expected, { access }))) throw new AppError('version_conflict', `'${a.name}' was changed by someone else. Reload it and apply your change again.`, { expectedVersion: expected });
            await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: `${a.kind}.access_set`, targetType: a.kind, targetId: a.id, details: { from: a.access, to: access, downgrades: impact.length } });
          },
          (facts) => facts.setAssetAccess(a.id, access),
        );
        return { applied: true, access, impact: presentImpact(impact) };
      },
    });
  }

  /** The projects importing an asset (the Usage column); names only of those the caller can view. */
  async function usage(a: AssetRow, viewerId: string | null) {
    const ids = policies.usage(a.id);
    if (!ids.length) return { count: 0, projects: [] as { id: string; name: string; visible: boolean }[] };
    const rows = await deps.projects.byIds(ids);
    // Everyone who may see the asset learns how many projects use it; names only of projects they can view.
    const projects = rows
      .map((p) => ({ id: p.id, name: p.name, visible: policies.level(viewerId, p.id) >= Level.can_view }))
      .map((p) => (p.visible ? p : { id: p.id, name: '(a project you cannot view)', visible: false }))
      .sort((x, y) => x.name.localeCompare(y.name));
    return { count: ids.length, projects };
  }

  const usageCount = (assetId: string): number => policies.usage(assetId).length;

  /** Rule 5 + rule 7: import a workspace asset into a project. */
  async function importInto(project: ProjectRow, assetId: string, actorId: string, opts: ConfirmOptions, ctx: RequestContext) {
    const a = await repo.get(assetId);
    if (!a || a.workspaceId !== project.workspaceId || !policies.canSeeAsset(actorId, a)) throw notFound('Asset', assetId);
    if (a.projectId) throw new AppError('validation_failed', `'${a.name}' belongs to a project and cannot be imported elsewhere.`, { field: 'assetId' });
    policies.assertImport(actorId, project, a);
    if (policies.usage(a.id).includes(project.id)) return { applied: false, alreadyImported: true, impact: [] };
    const impact = policies.preview.import(project.id, a.id);
    return previewThenConfirm(opts, {
      preview: { alreadyImported: false, impact: presentImpact(impact) },
      needsConfirm: impact.length > 0,
      refuse: () =>
        new AppError(
          'asset_access_required',
          `${new Set(impact.map((i) => i.userId)).size} user(s) who can edit this project lack access to '${a.name}' and would be downgraded to can_view. Give them access, or repeat with "confirm": true.`,
          { impact: presentImpact(impact), assets: [a.id] },
        ),
      apply: async () => {
        await deps.authz.commit(
          async (tx) => {
            await repo.addImport(tx, project.id, a.id, actorId);
            await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: 'project.import_add', targetType: 'project', targetId: project.id, details: { assetId: a.id, kind: a.kind, name: a.name, downgrades: impact.length } });
          },
          (facts) => facts.addImport(project.id, a.id),
        );
        return { applied: true, alreadyImported: false, impact: presentImpact(impact) };
      },
    });
  }

  /** What a kind's module removes with an import, in the same transaction (a git package's pin). */
  const importRemovalHooks = new Map<AssetKind, (tx: DbOrTx, projectId: string, assetId: string) => Promise<void>>();
  function onImportRemoved(kind: AssetKind, hook: (tx: DbOrTx, projectId: string, assetId: string) => Promise<void>): void {
    importRemovalHooks.set(kind, hook);
  }

  async function removeImport(project: ProjectRow, assetId: string, ctx: RequestContext): Promise<void> {
    const a = await repo.get(assetId);
    if (!a || a.workspaceId !== project.workspaceId) throw notFound('Import', assetId);
    if (a.projectId) throw new AppError('validation_failed', `'${a.name}' belongs to this project; delete it instead.`, { field: 'assetId' });
    await deps.authz.commit(
      async (tx) => {
        if (!(await repo.removeImport(tx, project.id, assetId))) throw notFound('Import', assetId);
        await importRemovalHooks.get(a.kind)?.(tx, project.id, assetId);
        await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: 'project.import_remove', targetType: 'project', targetId: project.id, details: { assetId, kind: a.kind, name: a.name } });
      },
      (facts) => facts.removeImport(project.id, assetId),
    );
  }

  /** Workspace and project assets a project imports (of a kind, or all). */
  async function importsOf(project: Pick<ProjectRow, 'id'>, kind?: AssetKind): Promise<AssetRow[]> {
    const rows = await repo.byIds(policies.imports(project.id), kind);
    return kind ? rows : rows.sort((x, y) => x.name.localeCompare(y.name));
  }

  /**
   * Rule 8: delete. Without `confirm` it answers `confirmation_required` with the usage; with it,
   * removes the asset from every importing project, clears it as default, deletes its kind rows
   * (cascade) — one transaction, one audit event. Cannot be undone.
   */
  async function remove(a: AssetRow, opts: ConfirmOptions, viewerId: string, ctx: RequestContext) {
    const use = await usage(a, viewerId);
    const isDefault = (await deps.workspacesRepo.defaultConnectionId(a.workspaceId)) === a.id;
    const preview = { usage: use, isDefault, irreversible: true };
    return previewThenConfirm(opts, {
      preview,
      needsConfirm: true,
      refuse: () =>
        new AppError(
          'confirmation_required',
          `Deleting '${a.name}' removes it from ${use.count} project(s)${isDefault ? ' and clears it as the default connection' : ''}. It cannot be undone. Repeat with confirm=true to delete.`,
          preview,
        ),
      apply: async () => {
        const projectIds = policies.usage(a.id);
        await deps.authz.commit(
          async (tx) => {
            if (isDefault) await deps.workspacesRepo.setDefaultConnection(tx, a.workspaceId, null);
            await repo.delete(tx, a.id);
            await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: `${a.kind}.delete`, targetType: a.kind, targetId: a.id, details: { name: a.name, removedFromProjects: projectIds, wasDefault: isDefault } });
          },
          (facts) => facts.removeAsset(a.id),
        );
        return { applied: true as const, ...preview };
      },
    });
  }

  /** Rule 9: at most one default data connection per workspace (a workspace connection). */
  async function setDefault(wsId: string, connectionId: string | null, ctx: RequestContext): Promise<void> {
    await deps.store.transaction(async (tx) => {
      if (connectionId) {
        const a = await get(connectionId, 'data_connection', tx);
        if (a.workspaceId !== wsId) throw notFound('Data connection', connectionId);
        if (a.projectId) throw new AppError('validation_failed', 'Only a workspace connection can be the default.', { field: 'connectionId' });
      }
      const before = await deps.workspacesRepo.defaultConnectionId(wsId, tx);
      await deps.workspacesRepo.setDefaultConnection(tx, wsId, connectionId);
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'data_connection.default_set', targetType: 'workspace', targetId: wsId, details: { from: before, to: connectionId } });
    });
  }

  /** Workspace assets (of a kind, or all) the caller may see (rule 2), or a project's own assets. */
  async function list(wsId: string, kind: AssetKind | null, viewerId: string | null, projectId: string | null = null): Promise<AssetRow[]> {
    return (await repo.list(wsId, kind, projectId)).filter((r) => policies.canSeeAsset(viewerId, r));
  }

  /** A workspace asset the caller can see (404 otherwise), and optionally a workspace action on it. */
  async function loadWorkspaceAsset(caller: Caller, wsRef: string, id: string, kind: AssetKind, action?: WorkspaceAction): Promise<AssetRow> {
    const ws = await deps.workspaces.resolve(caller, wsRef);
    const a = await repo.get(id, kind);
    if (!a || !policies.canSeeAsset(caller.principal!.userId, a)) throw notFound(KIND_LABEL[kind], id);
    if (a.workspaceId !== ws.id || a.projectId) throw new AppError('not_found', `Not found: '${id}'.`, { resource: kind, id });
    if (action) policies.assertWorkspace(caller, ws.id, action);
    return a;
  }

  const userOf = (caller: Caller) => caller.principal?.userId ?? null;

  const api = {
    usage: async (caller: Caller, kind: AssetKind, wsRef: string, id: string) => usage(await loadWorkspaceAsset(caller, wsRef, id, kind), userOf(caller)),
    async setAccess(caller: Caller, kind: AssetKind, wsRef: string, id: string, body: { access: string[]; expectedVersion?: number } & Partial<ConfirmOptions>) {
      const a = await loadWorkspaceAsset(caller, wsRef, id, kind, WorkspaceAction.manage_assets);
      return setAccess(a, body.access, { confirm: !!body.confirm, dryRun: !!body.dryRun, expectedVersion: body.expectedVersion }, caller.ctx);
    },
    async remove(caller: Caller, kind: AssetKind, wsRef: string, id: string, opts: ConfirmOptions) {
      const a = await loadWorkspaceAsset(caller, wsRef, id, kind, WorkspaceAction.manage_assets);
      return remove(a, opts, caller.principal!.userId, caller.ctx);
    },
    /** What the project uses; an asset the caller may not name shows as its kind only (rule 2). */
    async imports(caller: Caller, projectId: string) {
      const p = await deps.projectsService.load(caller, projectId, ProjectAction.view);
      const userId = userOf(caller);
      return {
        imports: (await importsOf(p)).map((a) => ({
          id: a.id,
          kind: a.kind,
          name: policies.mayNameAsset(userId, a, p.id) ? a.name : null,
          scope: a.projectId ? ('project' as const) : ('workspace' as const),
          visible: policies.canSeeAsset(userId, a),
          usable: policies.canUseAsset(userId, p.id, a.id),
        })),
      };
    },
    async importable(caller: Caller, projectId: string) {
      const p = await deps.projectsService.load(caller, projectId, ProjectAction.import_asset);
      const userId = caller.principal!.userId;
      const usable = new Set(policies.usableAssets(userId, p.id));
      const imported = new Set(policies.imports(p.id));
      const all = await list(p.workspaceId, null, userId);
      return { assets: all.filter((a) => usable.has(a.id) && !imported.has(a.id)).map((a) => ({ id: a.id, kind: a.kind, name: a.name })) };
    },
    async importAsset(caller: Caller, projectId: string, body: { assetId: string } & Partial<ConfirmOptions>) {
      const p = await deps.projectsService.load(caller, projectId, ProjectAction.import_asset);
      return importInto(p, body.assetId, caller.principal!.userId, { confirm: !!body.confirm, dryRun: !!body.dryRun }, caller.ctx);
    },
    removeImport: async (caller: Caller, projectId: string, assetId: string) => removeImport(await deps.projectsService.load(caller, projectId, ProjectAction.import_asset), assetId, caller.ctx),
  };

  return { get, create, update, setAccess, usage, usageCount, importInto, removeImport, onImportRemoved, importsOf, remove, setDefault, list, loadWorkspaceAsset, api };
}

export type AssetsService = ReturnType<typeof createAssetsService>;
export type AssetsApi = AssetsService['api'];
