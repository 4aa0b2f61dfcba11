/**
 * Secrets: a name usable as an environment variable, a description, and a write-only value kept
 * encrypted (envelope encryption with the workspace data key) in versions. The value leaves the
 * server only through `reveal` and `runtimeEnv`, each audited (never with the value).
 */
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { CryptoService } from '../../crypto/crypto-service.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { RequestContext } from '../audit/audit-types.js';
import { type AssetRow, type AssetsService, toAssetRow } from '../assets/assets-service.js';
import type { ProjectRow } from '../projects/projects-service.js';
import type { AuthzService } from '../authz/authz-service.js';

export const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const DEFAULT_KEEP_VERSIONS = 10;

type Deps = { store: Store; audit: AuditService; auditWriter: AuditWriter; authz: AuthzService; assets: AssetsService; crypto: CryptoService };

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

const aadFor = (assetId: string) => `secret:${assetId}`;

export function createSecretsService(deps: Deps) {
  const { db } = deps.store;

  async function view(a: AssetRow, tx: DbOrTx = db): Promise<SecretView> {
    const s = await tx.selectFrom('secrets').selectAll().where('asset_id', '=', a.id).executeTakeFirst();
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
      { id, workspaceId: input.workspaceId, projectId: input.projectId, kind: 'secret', name: input.name, access: input.access, createdBy: input.createdBy },
      async (tx, assetId) => {
        await tx.insertInto('secrets').values({ asset_id: assetId, description: input.description ?? '', current_version: 1, keep_versions: input.keepVersions ?? DEFAULT_KEEP_VERSIONS, last_used_at: null, last_used_project_id: null }).execute();
        await tx.insertInto('secret_versions').values({ asset_id: assetId, version: 1, value: ct, created_by: input.createdBy, created_at: nowIso() }).execute();
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
  async function update(
    a: AssetRow,
    patch: { name?: string; description?: string; value?: string; expectedVersion?: number },
    actorId: string,
    ctx: RequestContext,
  ): Promise<SecretView> {
    if (patch.name !== undefined) checkName(patch.name);
    // Encrypt before the transaction: no key work while holding the database's write lock.
    const ct = patch.value !== undefined ? await deps.crypto.encryptForWorkspace(a.workspaceId, patch.value, aadFor(a.id)) : undefined;
    const updated = await deps.assets.update(
      a,
      { name: patch.name },
      async (tx) => {
        const s = await tx.selectFrom('secrets').selectAll().where('asset_id', '=', a.id).executeTakeFirstOrThrow();
        const current = Number(s.current_version);
        if (patch.expectedVersion !== undefined && patch.expectedVersion !== current) {
          throw new AppError('version_conflict', `Secret '${a.name}' is at version ${current}, not ${patch.expectedVersion}: someone changed it. Reload and try again.`, { currentVersion: current, expectedVersion: patch.expectedVersion });
        }
        const set: Record<string, unknown> = {};
        if (patch.description !== undefined) set.description = patch.description;
        let next = current;
        if (ct !== undefined) {
          next = current + 1;
          // Conditional on the version we read: a concurrent writer makes this update miss.
          const res = await tx.updateTable('secrets').set({ ...set, current_version: next }).where('asset_id', '=', a.id).where('current_version', '=', current).executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) throw new AppError('version_conflict', `Secret '${a.name}' was changed concurrently. Reload and try again.`, { expectedVersion: current });
          await tx.insertInto('secret_versions').values({ asset_id: a.id, version: next, value: ct, created_by: actorId, created_at: nowIso() }).execute();
          await tx.deleteFrom('secret_versions').where('asset_id', '=', a.id).where('version', '<=', next - Number(s.keep_versions)).execute();
        } else if (Object.keys(set).length) {
          await tx.updateTable('secrets').set(set).where('asset_id', '=', a.id).execute();
        }
        return { ...(patch.description !== undefined ? { description: patch.description } : {}), ...(ct !== undefined ? { valueVersion: next, valueChanged: true } : {}) };
      },
      ctx,
    );
    return view(updated);
  }

  async function versions(a: AssetRow) {
    const rows = await db.selectFrom('secret_versions').select(['version', 'created_by', 'created_at']).where('asset_id', '=', a.id).orderBy('version', 'desc').execute();
    return rows.map((r) => ({ version: Number(r.version), createdBy: r.created_by, createdAt: r.created_at }));
  }

  /** Makes an earlier value current again, as a new version (history is never rewritten). */
  async function rollback(a: AssetRow, toVersion: number, actorId: string, ctx: RequestContext, expectedVersion?: number): Promise<SecretView> {
    const updated = await deps.assets.update(
      a,
      {},
      async (tx) => {
        const s = await tx.selectFrom('secrets').selectAll().where('asset_id', '=', a.id).executeTakeFirstOrThrow();
        const current = Number(s.current_version);
        if (expectedVersion !== undefined && expectedVersion !== current) {
          throw new AppError('version_conflict', `Secret '${a.name}' is at version ${current}, not ${expectedVersion}.`, { currentVersion: current, expectedVersion });
        }
        const old = await tx.selectFrom('secret_versions').select('value').where('asset_id', '=', a.id).where('version', '=', toVersion).executeTakeFirst();
        if (!old) throw new AppError('not_found', `Version ${toVersion} of '${a.name}' does not exist (only the last ${s.keep_versions} are kept).`, { resource: 'secret_version', version: toVersion });
        const next = current + 1;
        const res = await tx.updateTable('secrets').set({ current_version: next }).where('asset_id', '=', a.id).where('current_version', '=', current).executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) throw new AppError('version_conflict', `Secret '${a.name}' was changed concurrently.`, {});
        // The ciphertext is bound to the secret, not to a version: copying it needs no decryption.
        await tx.insertInto('secret_versions').values({ asset_id: a.id, version: next, value: old.value, created_by: actorId, created_at: nowIso() }).execute();
        await tx.deleteFrom('secret_versions').where('asset_id', '=', a.id).where('version', '<=', next - Number(s.keep_versions)).execute();
        return { rolledBackTo: toVersion, valueVersion: next };
      },
      ctx,
    );
    return view(updated);
  }

  /** The secrets a project can use, by name: its own and the workspace secrets it imports. */
  async function inProject(project: ProjectRow): Promise<AssetRow[]> {
    const ids = deps.authz.index.imports(project.id);
    if (!ids.length) return [];
    const rows = await deps.store.read.selectFrom('assets').selectAll().where('id', 'in', ids).where('kind', '=', 'secret').orderBy('name_key').execute();
    return rows.map(toAssetRow);
  }

  async function byNameInProject(project: ProjectRow, name: string): Promise<AssetRow> {
    const all = await inProject(project);
    // A project secret shadows an imported workspace secret of the same name.
    const found = all.find((s) => s.name === name && s.projectId === project.id) ?? all.find((s) => s.name === name);
    if (!found) throw notFound('Secret', name);
    return found;
  }

  async function decryptCurrent(a: AssetRow): Promise<{ value: string; version: number }> {
    const row = await deps.store.read
      .selectFrom('secrets')
      .innerJoin('secret_versions', (j) => j.onRef('secret_versions.asset_id', '=', 'secrets.asset_id').onRef('secret_versions.version', '=', 'secrets.current_version'))
      .select(['secret_versions.value', 'secret_versions.version'])
      .where('secrets.asset_id', '=', a.id)
      .executeTakeFirstOrThrow();
    return { value: await deps.crypto.decryptForWorkspace(a.workspaceId, row.value, aadFor(a.id)), version: Number(row.version) };
  }

  /**
   * Reveal (rule 5: the route has checked can_edit and access). The audit event is committed
   * before the value is returned: no unaudited reveal.
   */
  async function reveal(project: ProjectRow, a: AssetRow, ctx: RequestContext): Promise<{ name: string; value: string; version: number }> {
    const { value, version } = await decryptCurrent(a);
    // Resolves only once the event is committed (group commit with concurrent reveals).
    const usedAt = nowIso();
    await deps.auditWriter.append(
      ctx,
      { workspaceId: a.workspaceId, action: 'secret.reveal', targetType: 'secret', targetId: a.id, details: { name: a.name, projectId: project.id, valueVersion: version } },
      { key: `secret-used:${a.id}`, run: (tx) => tx.updateTable('secrets').set({ last_used_at: usedAt, last_used_project_id: project.id }).where('asset_id', '=', a.id).execute().then(() => undefined) },
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
      for (const s of ordered) await tx.updateTable('secrets').set({ last_used_at: now, last_used_project_id: project.id }).where('asset_id', '=', s.id).execute();
      await deps.audit.record(tx, ctx, { workspaceId: project.workspaceId, action: 'secret.runtime_env', targetType: 'project', targetId: project.id, details: { names: Object.keys(env).sort(), valueVersions: versions } });
    });
    return env;
  }

  return { view, create, update, versions, rollback, inProject, byNameInProject, reveal, runtimeEnv };
}

export type SecretsService = ReturnType<typeof createSecretsService>;
