/**
 * Secrets: a name usable as an environment variable, a description, and a write-only value kept
 * encrypted (envelope encryption with the workspace data key) in versions. The value leaves the
 * server only through `reveal` and `runtimeEnv`, each audited (never with the value), each
 * decided by one policy (`assertReveal`: rule 5, and a token that may write).
 * Top level: trusted operations (demo, tests); `api`: what a request may ask, authorized.
 */
import { type AssetKind, ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import type { Caller, RequestContext } from '../../context.js';
import type { CryptoService } from '../../crypto/crypto-service.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { GroupCommit } from '../../store/store-group-commit.js';
import type { Store } from '../../store/store.js';
import type { AssetRow, AssetsService } from '../assets/assets-service.js';
import type { AuditService, AuditWrite } from '../audit/audit-service.js';
import type { ConfirmOptions } from '../authz/authz-confirm.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import { requirePlan } from '../plans.js';
import type { ProjectRow, ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { SecretsRepository } from './secrets-repository.js';

export const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const DEFAULT_KEEP_VERSIONS = 10;
const KIND: AssetKind = 'secret';

type Deps = {
  store: Pick<Store, 'transaction'>;
  repo: SecretsRepository;
  assets: Pick<AssetsService, 'create' | 'update' | 'get' | 'importsOf' | 'usageCount' | 'list' | 'loadWorkspaceAsset' | 'remove'>;
  projects: Pick<ProjectsService, 'load'>;
  workspaces: Pick<WorkspacesService, 'resolve'>;
  policies: Pick<AuthzPolicies, 'assetActions' | 'canSeeAsset' | 'mayNameAsset' | 'canUseAsset' | 'assertReveal' | 'assertRevealAll' | 'assertWorkspace' | 'projectActions' | 'workspaceActions'>;
  audit: Pick<AuditService, 'record'>;
  commits: Pick<GroupCommit<AuditWrite>, 'submit'>;
  crypto: Pick<CryptoService, 'encryptForWorkspace' | 'decryptForWorkspace'>;
};

export interface SecretView {
  id: string;
  name: string;
  description: string;
  scope: 'workspace' | 'project';
  projectId: string | null;
  access: string[];
  /** the value version currently in force */
  currentVersion: number;
  /** the asset version, for optimistic concurrency of metadata edits */
  version: number;
  hasValue: true;
  lastUsedAt: string | null;
  lastUsedProjectId: string | null;
  createdAt: string;
  updatedAt: string;
}

type Patch = { name?: string; description?: string; value?: string; expectedVersion?: number };
const aadFor = (assetId: string) => `secret:${assetId}`;

export function createSecretsService(deps: Deps) {
  const { repo, policies } = deps;

  async function view(a: AssetRow): Promise<SecretView> {
    const s = await repo.get(a.id);
    if (!s) throw notFound('Secret', a.id);
    return {
      id: a.id,
      name: a.name,
      description: s.description,
      scope: a.projectId ? 'project' : 'workspace',
      projectId: a.projectId,
      access: a.access,
      currentVersion: Number(s.current_version),
      version: a.version,
      hasValue: true,
      lastUsedAt: s.last_used_at,
      lastUsedProjectId: s.last_used_project_id,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  function checkName(name: string): void {
    if (!SECRET_NAME.test(name)) {
      throw new AppError('validation_failed', `'${name}' is not a valid secret name: use capital letters, digits and underscores, not starting with a digit (like DB_PASSWORD).`, { field: 'name' });
    }
  }

  async function create(
    input: { workspaceId: string; projectId: string | null; name: string; description?: string; value: string; access?: string[]; createdBy: string; keepVersions?: number },
    ctx: RequestContext,
  ): Promise<SecretView> {
    checkName(input.name);
    // Encrypt first: it may create the workspace's data key, which must not wait on our transaction.
    const id = newId('ast');
    const ct = await deps.crypto.encryptForWorkspace(input.workspaceId, input.value, aadFor(id));
    const a = await deps.assets.create(
      { id, workspaceId: input.workspaceId, projectId: input.projectId, kind: KIND, name: input.name, access: input.access, createdBy: input.createdBy },
      async (tx, assetId) => {
        await repo.insert(tx, assetId, { description: input.description ?? '', keepVersions: input.keepVersions ?? DEFAULT_KEEP_VERSIONS, value: ct, createdBy: input.createdBy });
        return { valueVersion: 1 };
      },
      ctx,
    );
    return view(a);
  }

  /**
   * Edits metadata and/or sets a new value. A new value becomes version n+1; with
   * `expectedVersion` it is a check-and-set against the current value version (409 if stale).
   * Versions beyond `keep_versions` are pruned.
   */
  async function update(a: AssetRow, patch: Patch, actorId: string, ctx: RequestContext): Promise<SecretView> {
    if (patch.name !== undefined) checkName(patch.name);
    // Encrypt before the transaction: no key work while holding the database's write lock.
    const ct = patch.value !== undefined ? await deps.crypto.encryptForWorkspace(a.workspaceId, patch.value, aadFor(a.id)) : undefined;
    const updated = await deps.assets.update(
      a,
      { name: patch.name },
      async (tx) => {
        const s = (await repo.get(a.id, tx))!;
        const current = Number(s.current_version);
        if (patch.expectedVersion !== undefined && patch.expectedVersion !== current) {
          throw new AppError('version_conflict', `Secret '${a.name}' is at version ${current}, not ${patch.expectedVersion}: someone changed it. Reload and try again.`, { currentVersion: current, expectedVersion: patch.expectedVersion });
        }
        if (ct !== undefined) {
          const ok = await repo.addVersion(tx, a.id, { current, keep: Number(s.keep_versions), value: ct, createdBy: actorId, description: patch.description });
          if (!ok) throw new AppError('version_conflict', `Secret '${a.name}' was changed concurrently. Reload and try again.`, { expectedVersion: current });
        } else if (patch.description !== undefined) {
          await repo.setDescription(tx, a.id, patch.description);
        }
        return { ...(patch.description !== undefined ? { description: patch.description } : {}), ...(ct !== undefined ? { valueVersion: current + 1, valueChanged: true } : {}) };
      },
      ctx,
    );
    return view(updated);
  }

  /** Makes an earlier value current again, as a new version (history is never rewritten). */
  async function rollback(a: AssetRow, toVersion: number, actorId: string, ctx: RequestContext, expectedVersion?: number): Promise<SecretView> {
    const updated = await deps.assets.update(
      a,
      {},
      async (tx) => {
        const s = (await repo.get(a.id, tx))!;
        const current = Number(s.current_version);
        if (expectedVersion !== undefined && expectedVersion !== current) {
          throw new AppError('version_conflict', `Secret '${a.name}' is at version ${current}, not ${expectedVersion}.`, { currentVersion: current, expectedVersion });
        }
        const old = await repo.versionValue(tx, a.id, toVersion);
        if (old === undefined) throw new AppError('not_found', `Version ${toVersion} of '${a.name}' does not exist (only the last ${s.keep_versions} are kept).`, { resource: 'secret_version', version: toVersion });
        // The ciphertext is bound to the secret, not to a version: copying it needs no decryption.
        if (!(await repo.addVersion(tx, a.id, { current, keep: Number(s.keep_versions), value: old, createdBy: actorId }))) throw new AppError('version_conflict', `Secret '${a.name}' was changed concurrently.`, {});
        return { rolledBackTo: toVersion, valueVersion: current + 1 };
      },
      ctx,
    );
    return view(updated);
  }

  /** The secrets a project can use, by name: its own and the workspace secrets it imports. */
  const inProject = (project: Pick<ProjectRow, 'id'>): Promise<AssetRow[]> => deps.assets.importsOf(project, KIND);

  async function byNameInProject(project: ProjectRow, name: string): Promise<AssetRow> {
    const all = await inProject(project);
    // A project secret shadows an imported workspace secret of the same name.
    const found = all.find((s) => s.name === name && s.projectId === project.id) ?? all.find((s) => s.name === name);
    if (!found) throw notFound('Secret', name);
    return found;
  }

  async function decryptCurrent(a: AssetRow): Promise<{ value: string; version: number }> {
    const row = await repo.current(a.id);
    return { value: await deps.crypto.decryptForWorkspace(a.workspaceId, row.value, aadFor(a.id)), version: row.version };
  }

  /** The value, once its audit event is committed: no unaudited reveal. The caller has been authorized. */
  async function reveal(project: ProjectRow, a: AssetRow, ctx: RequestContext): Promise<{ name: string; value: string; version: number }> {
    const { value, version } = await decryptCurrent(a);
    const usedAt = nowIso();
    // Resolves only once the event is committed (group commit with concurrent reveals).
    await deps.commits.submit(
      { ctx, input: { workspaceId: a.workspaceId, action: 'secret.reveal', targetType: 'secret', targetId: a.id, details: { name: a.name, projectId: project.id, valueVersion: version } } },
      { key: `secret-used:${a.id}`, run: (tx) => repo.markUsed(tx, a.id, project.id, usedAt) },
    );
    return { name: a.name, value, version };
  }

  async function runtimeEnv(project: ProjectRow, secrets: AssetRow[], ctx: RequestContext): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    // Workspace secrets first, so a project secret of the same name wins.
    const ordered = [...secrets].sort((x, y) => Number(!!x.projectId) - Number(!!y.projectId));
    const versions: Record<string, number> = {};
    for (const s of ordered) {
      const { value, version } = await decryptCurrent(s);
      env[s.name] = value;
      versions[s.name] = version;
    }
    await deps.store.transaction(async (tx) => {
      const now = nowIso();
      for (const s of ordered) await repo.markUsed(tx, s.id, project.id, now);
      await deps.audit.record(tx, ctx, { workspaceId: project.workspaceId, action: 'secret.runtime_env', targetType: 'project', targetId: project.id, details: { names: Object.keys(env).sort(), valueVersions: versions } });
    });
    return env;
  }

  const userOf = (caller: Caller) => caller.principal?.userId ?? null;
  const present = async (a: AssetRow, userId: string | null) => ({ ...(await view(a)), usageCount: deps.assets.usageCount(a.id), allowedActions: policies.assetActions(userId, a) });
  const presentById = async (id: string, userId: string | null) => present(await deps.assets.get(id), userId);
  const ws = (caller: Caller, wsRef: string, id: string, action?: WorkspaceAction) => deps.assets.loadWorkspaceAsset(caller, wsRef, id, KIND, action);

  /** A project's own secret by name; a workspace secret is managed in the workspace, not here. */
  async function ownSecret(project: ProjectRow, name: string): Promise<AssetRow> {
    const a = await byNameInProject(project, name);
    if (!a.projectId) throw new AppError('forbidden', `'${name}' is a workspace secret: an admin manages it under Settings › Workspace › Secrets.`, { secretId: a.id });
    return a;
  }

  /**
   * One line of a project's secret list. Rule 2: a secret the caller may not see shows only its
   * id, scope and — for a user with can_edit granted on the project — its name; no groups, no
   * description, no last use.
   */
  async function projectLine(a: AssetRow, project: ProjectRow, userId: string | null) {
    if (policies.canSeeAsset(userId, a)) return { ...(await view(a)), visible: true as const, canReveal: policies.canUseAsset(userId, project.id, a.id) };
    // canUse implies access, so whoever may not see it may not reveal it either.
    return { id: a.id, name: policies.mayNameAsset(userId, a, project.id) ? a.name : null, scope: a.projectId ? ('project' as const) : ('workspace' as const), projectId: a.projectId, visible: false as const, canReveal: false as const };
  }

  const api = {
    async listWorkspace(caller: Caller, wsRef: string) {
      const w = await deps.workspaces.resolve(caller, wsRef);
      const userId = caller.principal!.userId;
      const list = await deps.assets.list(w.id, KIND, userId);
      return { secrets: await Promise.all(list.map((a) => present(a, userId))), allowedActions: policies.workspaceActions(userId, w.id) };
    },
    async createWorkspace(caller: Caller, wsRef: string, body: { name: string; description?: string; value: string; access?: string[] }) {
      const w = await deps.workspaces.resolve(caller, wsRef);
      const p = policies.assertWorkspace(caller, w.id, WorkspaceAction.manage_assets);
      requirePlan(w.plan, 'shared_secrets');
      const v = await create({ workspaceId: w.id, projectId: null, createdBy: p.userId, ...body }, caller.ctx);
      return presentById(v.id, p.userId);
    },
    getWorkspace: async (caller: Caller, wsRef: string, id: string) => present(await ws(caller, wsRef, id), userOf(caller)),
    async updateWorkspace(caller: Caller, wsRef: string, id: string, patch: Patch) {
      const a = await ws(caller, wsRef, id, WorkspaceAction.manage_assets);
      return presentById((await update(a, patch, caller.principal!.userId, caller.ctx)).id, userOf(caller));
    },
    versions: async (caller: Caller, wsRef: string, id: string) => ({ versions: await repo.versions((await ws(caller, wsRef, id, WorkspaceAction.manage_assets)).id) }),
    async rollback(caller: Caller, wsRef: string, id: string, body: { version: number; expectedVersion?: number }) {
      const a = await ws(caller, wsRef, id, WorkspaceAction.manage_assets);
      return presentById((await rollback(a, body.version, caller.principal!.userId, caller.ctx, body.expectedVersion)).id, userOf(caller));
    },
    async listProject(caller: Caller, projectId: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view);
      const userId = userOf(caller);
      const list = await inProject(project);
      return { secrets: await Promise.all(list.map((a) => projectLine(a, project, userId))), allowedActions: policies.projectActions(userId, project.id, null) };
    },
    async createProject(caller: Caller, projectId: string, body: { name: string; description?: string; value: string }) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const v = await create({ workspaceId: project.workspaceId, projectId: project.id, createdBy: caller.principal!.userId, ...body }, caller.ctx);
      return presentById(v.id, userOf(caller));
    },
    async updateProject(caller: Caller, projectId: string, name: string, patch: Patch) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const a = await ownSecret(project, name);
      return presentById((await update(a, patch, caller.principal!.userId, caller.ctx)).id, userOf(caller));
    },
    async removeProject(caller: Caller, projectId: string, name: string, opts: ConfirmOptions) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      return deps.assets.remove(await ownSecret(project, name), opts, caller.principal!.userId, caller.ctx);
    },
    /** Reveal: the project (view), the secret by name, then the one decision (`assertReveal`). */
    async reveal(caller: Caller, projectId: string, name: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view);
      const a = await byNameInProject(project, name);
      policies.assertReveal(caller, project, a);
      return reveal(project, a, caller.ctx);
    },
    /** Every secret of the project at once: the same decision as a reveal, for each of them. */
    async runtimeEnv(caller: Caller, projectId: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const list = await inProject(project);
      policies.assertRevealAll(caller, project, list);
      return { env: await runtimeEnv(project, list, caller.ctx) };
    },
  };

  return { view, create, update, rollback, versions: (a: AssetRow) => repo.versions(a.id), inProject, byNameInProject, reveal, runtimeEnv, api };
}

export type SecretsService = ReturnType<typeof createSecretsService>;
export type SecretsApi = SecretsService['api'];
