/**
 * Git packages (DESIGN.md "Git packages", rules 5, 7, 8, 10): assets of kind `git_package` — a
 * provider, a repository, a ref (branch | tag | commit), optional install commands and a network
 * switch. Importing one into a project resolves the ref and PINS the project to that commit
 * (`project_packages`); "update" moves the pins of a branch package to the branch's new head
 * (previewed with dryRun, audited). Installing builds the artifact once per (commit, commands,
 * network, sandbox version) in the content-addressed cache; a warm install is a lookup.
 * The shared lifecycle (groups with access, usage, delete with preview and cascade) is the assets
 * module's; authorization is the policies'.
 * Top level: trusted operations (tests, the CLI); `api`: what a request may ask, authorized.
 */
import { Level, ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import type { Caller, RequestContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AssetRow, AssetsService } from '../assets/assets-service.js';
import type { AuditService } from '../audit/audit-service.js';
import type { ConfirmOptions } from '../authz/authz-confirm.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { GitProvidersService } from '../git-providers/git-providers-service.js';
import { requirePlan } from '../plans.js';
import type { ProjectRow, ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { PackageCache } from './git-packages-cache.js';
import { asAppError, createPackageInstaller, type InstallerOptions, outdatedOf } from './git-packages-installer.js';
import type { GitPackageRow, GitPackagesRepository, ProjectPackageRow, RefKind } from './git-packages-repository.js';

export { asAppError, type InstallEvent } from './git-packages-installer.js';

const KIND = 'git_package' as const;

export type GitPackagesOptions = InstallerOptions;

type Deps = {
  store: Pick<Store, 'transaction'>;
  repo: GitPackagesRepository;
  assets: Pick<AssetsService, 'create' | 'update' | 'get' | 'list' | 'loadWorkspaceAsset' | 'importInto' | 'importsOf' | 'usageCount' | 'onImportRemoved'>;
  projects: Pick<ProjectsService, 'load'>;
  projectsRepo: { byIds(ids: string[]): Promise<{ id: string; name: string }[]> };
  workspaces: Pick<WorkspacesService, 'resolve'>;
  policies: Pick<AuthzPolicies, 'assetActions' | 'canSeeAsset' | 'mayNameAsset' | 'canUseAsset' | 'assertWorkspace' | 'workspaceActions' | 'projectActions' | 'level'>;
  audit: Pick<AuditService, 'record'>;
  providers: Pick<GitProvidersService, 'gitAccess' | 'get' | 'git'>;
  cache: PackageCache;
};

export function createGitPackagesService(deps: Deps, opts: GitPackagesOptions) {
  const { repo, policies, cache } = deps;
  const installer = createPackageInstaller({ repo, providers: deps.providers, cache, pkgOf }, opts);
  // A package removed from a project (DELETE /projects/{p}/imports/{id}) takes its pin along, in the same transaction.
  deps.assets.onImportRemoved(KIND, (tx, projectId, assetId) => repo.deletePin(tx, projectId, assetId));

  async function pkgOf(a: AssetRow): Promise<GitPackageRow> {
    const p = await repo.get(a.id);
    if (!p) throw notFound('Git package', a.id);
    return p;
  }

  /** The ref's commit now, through the provider's credentials. Errors say what is wrong (auth, repo, ref). */
  async function resolve(p: Pick<GitPackageRow, 'providerId' | 'repository' | 'refKind' | 'refName'>): Promise<string> {
    const access = await deps.providers.gitAccess(p.providerId, p.repository);
    try {
      return await deps.providers.git.resolveRef(access.remote, access.credentials, { kind: p.refKind, name: p.refName }, { timeoutMs: 30_000 });
    } catch (e) {
      throw asAppError(e, access.secrets);
    }
  }

  async function view(a: AssetRow, userId: string | null) {
    const p = await pkgOf(a);
    const prov = await deps.providers.get(p.providerId);
    return {
      id: a.id,
      name: a.name,
      description: p.description,
      provider: { id: p.providerId, name: prov?.name ?? '(deleted)', kind: prov?.kind ?? 'unknown' },
      repository: p.repository,
      ref: { kind: p.refKind, name: p.refName },
      installCommands: p.commands,
      network: p.network,
      resolvedCommit: p.resolvedCommit,
      resolvedAt: p.resolvedAt,
      access: a.access,
      version: a.version,
      usageCount: deps.assets.usageCount(a.id),
      allowedActions: policies.assetActions(userId, a),
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  async function checkProvider(wsId: string, providerId: string): Promise<void> {
    const prov = await deps.providers.get(providerId);
    if (!prov || prov.workspaceId !== wsId) throw new AppError('validation_failed', `Git provider '${providerId}' was not found in this workspace.`, { field: 'providerId' });
  }

  type CreateInput = { name: string; description?: string; providerId: string; repository: string; ref: { kind: RefKind; name: string }; installCommands?: string[]; network?: boolean; access?: string[] };

  async function create(wsId: string, actorId: string, body: CreateInput, ctx: RequestContext): Promise<AssetRow> {
    await checkProvider(wsId, body.providerId);
    const row: Omit<GitPackageRow, 'assetId'> = {
      providerId: body.providerId,
      repository: body.repository,
      refKind: body.ref.kind,
      refName: body.ref.name,
      commands: body.installCommands ?? [],
      network: body.network ?? false,
      description: body.description ?? '',
      resolvedCommit: null,
      resolvedAt: null,
    };
    // Resolving first checks the credentials, the repository and the ref, with an error that says which is wrong.
    row.resolvedCommit = await resolve(row);
    row.resolvedAt = nowIso();
    return deps.assets.create(
      { workspaceId: wsId, projectId: null, kind: KIND, name: body.name, access: body.access, createdBy: actorId },
      async (tx, assetId) => {
        await repo.insert(tx, { assetId, ...row });
        return { repository: row.repository, ref: `${row.refKind}:${row.refName}`, commit: row.resolvedCommit, commands: row.commands.length, network: row.network };
      },
      ctx,
    );
  }

  async function update(a: AssetRow, patch: Partial<CreateInput> & { expectedVersion?: number }, ctx: RequestContext): Promise<AssetRow> {
    const p = await pkgOf(a);
    if (patch.providerId !== undefined) await checkProvider(a.workspaceId, patch.providerId);
    const next = {
      providerId: patch.providerId ?? p.providerId,
      repository: patch.repository ?? p.repository,
      refKind: patch.ref?.kind ?? p.refKind,
      refName: patch.ref?.name ?? p.refName,
    };
    const moved = next.providerId !== p.providerId || next.repository !== p.repository || next.refKind !== p.refKind || next.refName !== p.refName;
    const resolved = moved ? await resolve(next) : undefined;
    return deps.assets.update(
      a,
      { name: patch.name, expectedVersion: patch.expectedVersion },
      async (tx) => {
        await repo.update(tx, a.id, {
          ...next,
          ...(patch.installCommands !== undefined ? { commands: patch.installCommands } : {}),
          ...(patch.network !== undefined ? { network: patch.network } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(resolved ? { resolvedCommit: resolved, resolvedAt: nowIso() } : {}),
        });
        return {
          ...(moved ? { repository: next.repository, ref: `${next.refKind}:${next.refName}`, commit: resolved } : {}),
          ...(patch.installCommands !== undefined ? { commandsChanged: true } : {}),
          ...(patch.network !== undefined ? { network: patch.network } : {}),
        };
      },
      ctx,
    );
  }

  /**
   * "Update" a branch package: resolve the branch's head now and move every project pinned to
   * another commit there. `dryRun` previews which projects change; applying is audited and
   * reinstalls the moved pins. Tag and commit packages do not move.
   */
  async function updatePins(a: AssetRow, viewerId: string | null, o: ConfirmOptions, ctx: RequestContext) {
    const p = await pkgOf(a);
    if (p.refKind !== 'branch') throw new AppError('validation_failed', `'${a.name}' is pinned to a ${p.refKind}, which does not move: only branch packages can be updated. Edit its ref instead.`, { field: 'ref', refKind: p.refKind });
    const head = await resolve(p);
    const pins = (await repo.pinsOfPackage(a.id)).filter((x) => x.commit !== head);
    const names = new Map((await deps.projectsRepo.byIds(pins.map((x) => x.projectId))).map((r) => [r.id, r.name]));
    const changes = pins.map((x) => ({
      projectId: x.projectId,
      projectName: policies.level(viewerId, x.projectId) >= Level.can_view ? (names.get(x.projectId) ?? x.projectId) : '(a project you cannot view)',
      from: x.commit,
      to: head,
    }));
    if (o.dryRun) return { applied: false, commit: head, changes };
    await deps.store.transaction(async (tx) => {
      for (const x of pins) await repo.setPin(tx, x.projectId, a.id, head, viewerId);
      await repo.update(tx, a.id, { resolvedCommit: head, resolvedAt: nowIso() });
      await deps.audit.record(tx, ctx, { workspaceId: a.workspaceId, action: 'git_package.update', targetType: KIND, targetId: a.id, details: { name: a.name, branch: p.refName, commit: head, projects: pins.map((x) => ({ projectId: x.projectId, from: x.commit })) } });
    });
    for (const x of pins) installer.start(x.projectId, a);
    return { applied: true, commit: head, changes };
  }

  /** Pins a project to the package's ref now (import, or an import made through the generic route). */
  async function pinNow(project: ProjectRow, a: AssetRow, actorId: string | null): Promise<void> {
    const commit = await resolve(await pkgOf(a));
    await deps.store.transaction(async (tx) => repo.setPin(tx, project.id, a.id, commit, actorId));
  }

  /** Waits for a usable artifact of the pin: installs it if never installed, or if the cache evicted it. */
  async function ensureArtifact(project: ProjectRow, a: AssetRow, actorId: string | null): Promise<{ pin: ProjectPackageRow; file: string }> {
    let pin = await repo.pin(project.id, a.id);
    if (!pin) {
      await pinNow(project, a, actorId);
      pin = (await repo.pin(project.id, a.id))!;
    }
    if (pin.status === 'installed' && pin.artifactKey) {
      const f = await cache.lookup(pin.artifactKey);
      if (f) return { pin, file: f };
    }
    // A failed install is retried only on request (POST …/install): its error stands until then.
    if (pin.status === 'failed' && !installer.running(project.id, a.id)) {
      throw AppError.withStatus(pin.error?.code ?? 'install_failed', 422, pin.error?.message ?? `'${a.name}' could not be installed.`, {});
    }
    await installer.start(project.id, a).promise;
    pin = (await repo.pin(project.id, a.id))!;
    const f = pin.status === 'installed' && pin.artifactKey ? await cache.lookup(pin.artifactKey) : null;
    if (!f) throw AppError.withStatus(pin.error?.code ?? 'install_failed', 422, pin.error?.message ?? `'${a.name}' could not be installed.`, {});
    return { pin, file: f };
  }

  // ---- presenting a project's packages -------------------------------------------------------------

  function line(a: AssetRow, pin: ProjectPackageRow | undefined, p: GitPackageRow | undefined, project: ProjectRow, userId: string | null) {
    const visible = policies.canSeeAsset(userId, a);
    const base = { id: a.id, name: policies.mayNameAsset(userId, a, project.id) ? a.name : null, visible, usable: policies.canUseAsset(userId, project.id, a.id) };
    if (!visible || !p) return base;
    return {
      ...base,
      repository: p.repository,
      ref: { kind: p.refKind, name: p.refName },
      commit: pin?.commit ?? null,
      status: pin?.status ?? ('pending' as const),
      artifactKey: pin?.artifactKey ?? null,
      log: pin?.log ?? '',
      error: pin?.error ?? null,
      pinnedAt: pin?.pinnedAt ?? null,
      installedAt: pin?.installedAt ?? null,
      ...outdatedOf(pin, p),
    };
  }

  async function byName(project: ProjectRow, name: string): Promise<AssetRow> {
    const a = (await deps.assets.importsOf(project, KIND)).find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!a) throw notFound('Package', name);
    return a;
  }

  /** Rule 5 for installing and downloading: can_edit and access to the package (404 when it may not even be seen). */
  function assertUse(caller: Caller, project: ProjectRow, a: AssetRow): string {
    const userId = caller.principal?.userId ?? null;
    if (!policies.canSeeAsset(userId, a) && !policies.mayNameAsset(userId, a, project.id)) throw notFound('Package', a.id);
    if (!policies.canUseAsset(userId, project.id, a.id)) {
      throw new AppError('forbidden', `Using '${a.name}' in this project needs can_edit on the project and access to the package.`, { action: 'install_package', assetId: a.id });
    }
    return userId!;
  }

  const userOf = (caller: Caller) => caller.principal?.userId ?? null;
  const ws = (caller: Caller, wsRef: string, id: string, action?: WorkspaceAction) => deps.assets.loadWorkspaceAsset(caller, wsRef, id, KIND, action);

  const api = {
    async list(caller: Caller, wsRef: string) {
      const w = await deps.workspaces.resolve(caller, wsRef);
      const userId = caller.principal!.userId;
      const list = await deps.assets.list(w.id, KIND, userId);
      return { packages: await Promise.all(list.map((a) => view(a, userId))), allowedActions: policies.workspaceActions(userId, w.id) };
    },
    async create(caller: Caller, wsRef: string, body: CreateInput) {
      const w = await deps.workspaces.resolve(caller, wsRef);
      const p = policies.assertWorkspace(caller, w.id, WorkspaceAction.manage_assets);
      requirePlan(w.plan as never, 'git_packages');
      const a = await create(w.id, p.userId, body, caller.ctx);
      return view(await deps.assets.get(a.id), p.userId);
    },
    get: async (caller: Caller, wsRef: string, id: string) => view(await ws(caller, wsRef, id), userOf(caller)),
    async update(caller: Caller, wsRef: string, id: string, patch: Partial<CreateInput> & { expectedVersion?: number }) {
      const a = await ws(caller, wsRef, id, WorkspaceAction.manage_assets);
      return view(await update(a, patch, caller.ctx), userOf(caller));
    },
    async updatePins(caller: Caller, wsRef: string, id: string, body: Partial<ConfirmOptions>) {
      const a = await ws(caller, wsRef, id, WorkspaceAction.manage_assets);
      return updatePins(a, userOf(caller), { confirm: !!body.confirm, dryRun: !!body.dryRun }, caller.ctx);
    },

    async listProject(caller: Caller, projectId: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view);
      const userId = userOf(caller);
      const imported = await deps.assets.importsOf(project, KIND);
      const pins = new Map((await repo.pinsOfProject(project.id)).map((x) => [x.assetId, x]));
      const lines = await Promise.all(imported.map(async (a) => line(a, pins.get(a.id), await repo.get(a.id), project, userId)));
      return { packages: lines, allowedActions: policies.projectActions(userId, project.id, null) };
    },
    /** Rule 5 + rule 7 through the assets import, then the pin (resolved first, so a bad token fails before anything changes). */
    async importPackage(caller: Caller, projectId: string, body: { packageId: string } & Partial<ConfirmOptions>) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.import_asset);
      const w = await deps.workspaces.resolve(caller, project.workspaceId);
      requirePlan(w.plan as never, 'git_packages');
      const userId = caller.principal!.userId;
      const a = await deps.assets.get(body.packageId).catch(() => null);
      if (!a || a.kind !== KIND || a.workspaceId !== project.workspaceId || !policies.canSeeAsset(userId, a)) throw notFound('Git package', body.packageId);
      const o = { confirm: !!body.confirm, dryRun: !!body.dryRun };
      const commit = o.dryRun ? null : await resolve(await pkgOf(a));
      const r = await deps.assets.importInto(project, a.id, userId, o, caller.ctx);
      const existing = await repo.pin(project.id, a.id);
      if (commit && (r.applied || (r.alreadyImported && !existing))) {
        await deps.store.transaction(async (tx) => {
          await repo.setPin(tx, project.id, a.id, commit, userId);
          await deps.audit.record(tx, caller.ctx, { workspaceId: a.workspaceId, action: 'git_package.pin', targetType: 'project', targetId: project.id, details: { assetId: a.id, name: a.name, commit } });
        });
        installer.start(project.id, a);
      }
      const pin = await repo.pin(project.id, a.id);
      const pkg = await repo.get(a.id);
      return { applied: r.applied, alreadyImported: r.alreadyImported, impact: r.impact, package: r.applied || r.alreadyImported ? line(a, pin, pkg, project, userId) : null };
    },
    /** (Re)installs a pin and streams its events; joins an install already running. */
    async install(caller: Caller, projectId: string, name: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const a = await byName(project, name);
      const userId = assertUse(caller, project, a);
      const w = await deps.workspaces.resolve(caller, project.workspaceId);
      requirePlan(w.plan as never, 'git_packages');
      if (!(await repo.pin(project.id, a.id))) await pinNow(project, a, userId);
      return { events: installer.follow(installer.start(project.id, a)) };
    },
    async archive(caller: Caller, projectId: string, name: string, format: 'tar' | 'zip') {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const a = await byName(project, name);
      const userId = assertUse(caller, project, a);
      const { pin, file } = await ensureArtifact(project, a, userId);
      const { stream, size } = await installer.archiveStream(file, pin.artifactKey!, format);
      return { stream, size, filename: `${a.name}-${pin.commit.slice(0, 12)}.${format}`, format };
    },
    /**
     * What the project runtime materializes: every package the caller may use (rule 5), each
     * installed first. One that cannot be installed is listed with its error; it does not hide the others.
     */
    async runtime(caller: Caller, projectId: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const userId = userOf(caller);
      const usable = (await deps.assets.importsOf(project, KIND)).filter((a) => policies.canUseAsset(userId, project.id, a.id));
      const out = [];
      for (const a of usable) {
        try {
          const { pin } = await ensureArtifact(project, a, userId);
          out.push({ name: a.name, commit: pin.commit, status: 'installed' as const, artifactKey: pin.artifactKey!, archivePath: `/api/v1/projects/${project.id}/packages/${encodeURIComponent(a.name)}/archive?format=tar`, error: null });
        } catch (e) {
          const err = asAppError(e);
          const pin = await repo.pin(project.id, a.id);
          out.push({ name: a.name, commit: pin?.commit ?? null, status: 'failed' as const, artifactKey: null, archivePath: null, error: { code: String(err.code), message: err.message } });
        }
      }
      return { packages: out };
    },
  };

  return {
    create,
    update,
    updatePins,
    resolve,
    startInstall: (projectId: string, a: AssetRow) => installer.start(projectId, a).promise,
    ensureArtifact,
    stats: installer.stats,
    /** Resolves once no install runs (tests, shutdown). */
    idle: installer.idle,
    close: () => cache.close(),
    api,
  };
}

export type GitPackagesService = ReturnType<typeof createGitPackagesService>;
export type GitPackagesApi = GitPackagesService['api'];
