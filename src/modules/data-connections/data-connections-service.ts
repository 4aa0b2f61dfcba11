/**
 * Data connections: a database's non-secret settings plus write-only credentials, encrypted with
 * the workspace data key. Owns one connector (and so one connection pool) per connection,
 * rebuilt when the connection is edited and closed when it is deleted or the server stops
 * (data-connections-connectors.ts). A SQLite/DuckDB connection uses its own database file, or —
 * a workspace connection only — an existing file an admin names (data-connections-files.ts).
 * Top level: trusted operations (demo, tests, queries); `api`: what a request may ask, authorized.
 */
import type { Readable } from 'node:stream';
import { AssetAction, type AssetKind, ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import { parseSqlConfig, type SqlSandboxSettings, type SqlSchema, type SqlType } from '../../connectors/sql/sql-connector.js';
import type { Caller, RequestContext } from '../../context.js';
import type { CryptoService } from '../../crypto/crypto-service.js';
import { AppError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { AssetRow, AssetsService } from '../assets/assets-service.js';
import type { ConfirmOptions } from '../authz/authz-confirm.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import { requirePlan } from '../plans.js';
import type { ProjectRow, ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import { createConnectionConnectors } from './data-connections-connectors.js';
import { createConnectionFiles, isFileEngine } from './data-connections-files.js';
import type { DataConnectionsRepository } from './data-connections-repository.js';

export interface DataConnectionOptions {
  poolMax: number;
  connectTimeoutMs: number;
  ssrfGuard: boolean;
  ssrfAllowHosts: string[];
  /** SQLite and DuckDB files live under this directory: each connection's own in connections/<id>/. */
  filesDir: string;
  /** Never reachable by a connection, even when under filesDir (the app's own database and keys). */
  protectedDir: string;
  /** Largest database file an upload may bring (default 1 GiB). */
  maxUploadBytes?: number;
  /** How the SQLite/DuckDB workers run (idle stop, memory, processes, output, DuckDB's own limits). */
  sandbox?: Omit<SqlSandboxSettings, 'readOnlyDirs' | 'workerScript'>;
}

export interface ConnectionInput {
  name: string;
  type: SqlType;
  config: unknown;
  password?: string | null;
  readOnly?: boolean;
  access?: string[];
}

export interface DataConnectionView {
  id: string;
  name: string;
  type: SqlType;
  /** non-secret settings only */
  config: Record<string, unknown>;
  /** the password is write-only: only whether one is set */
  hasPassword: boolean;
  readOnly: boolean;
  scope: 'workspace' | 'project';
  projectId: string | null;
  access: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

type Deps = {
  repo: DataConnectionsRepository;
  assets: Pick<AssetsService, 'create' | 'update' | 'get' | 'list' | 'loadWorkspaceAsset' | 'usageCount' | 'remove' | 'setDefault' | 'importsOf'>;
  projects: Pick<ProjectsService, 'load'>;
  workspaces: Pick<WorkspacesService, 'resolve' | 'defaultConnectionId'>;
  policies: Pick<AuthzPolicies, 'assetActions' | 'canSeeAsset' | 'canUseAsset' | 'assertWorkspace' | 'workspaceActions' | 'level' | 'imports'>;
  crypto: Pick<CryptoService, 'encryptForWorkspace' | 'decryptForWorkspace'>;
};
type Patch = { name?: string; config?: unknown; password?: string | null; readOnly?: boolean; expectedVersion?: number };
type TestInput = { type: SqlType; config: unknown; password?: string };
type Scope = 'workspace' | 'project';

const aadFor = (assetId: string) => `data_connection:${assetId}`;

export function createDataConnectionsService(deps: Deps, opts: DataConnectionOptions) {
  const { repo } = deps;

  const files = createConnectionFiles({ filesDir: opts.filesDir, protectedDir: opts.protectedDir, maxUploadBytes: opts.maxUploadBytes ?? 1024 ** 3 });

  /**
   * Validates a config for its type and the connection's scope. SQLite/DuckDB: no `path` means
   * the connection's own file; only workspace connections may name an existing file, checked by
   * data-connections-files.ts (project connections never: issue 9, point 1).
   */
  function validateConfig(type: SqlType, config: unknown, scope: Scope = 'workspace'): Record<string, unknown> {
    if (!isFileEngine(type) || typeof config !== 'object' || config === null || Array.isArray(config)) return parseSqlConfig(type, config) as Record<string, unknown>;
    const stored = files.checkConfig(type, config as Record<string, unknown>, scope);
    // The engine's schema still checks every other field (strict: unknown keys are refused).
    const parsed = parseSqlConfig(type, files.isOwn(type, stored) ? { ...stored, path: '/own-file' } : stored) as Record<string, unknown>;
    if (files.isOwn(type, stored)) delete parsed.path;
    return parsed;
  }

  async function view(a: AssetRow): Promise<DataConnectionView> {
    const r = await repo.get(a.id);
    if (!r) throw notFound('Data connection', a.id);
    return {
      id: a.id,
      name: a.name,
      type: r.type as SqlType,
      config: JSON.parse(r.config) as Record<string, unknown>,
      hasPassword: r.credentials !== null,
      readOnly: Number(r.read_only) === 1,
      scope: a.projectId ? 'project' : 'workspace',
      projectId: a.projectId,
      access: a.access,
      version: a.version,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  async function create(input: ConnectionInput & { workspaceId: string; projectId: string | null; createdBy: string }, ctx: RequestContext): Promise<AssetRow> {
    const config = validateConfig(input.type, input.config, input.projectId ? 'project' : 'workspace');
    const id = newId('ast');
    // Encrypt before the transaction (it may create the workspace's data key on another connection).
    const credentials = input.password ? await deps.crypto.encryptForWorkspace(input.workspaceId, JSON.stringify({ password: input.password }), aadFor(id)) : null;
    return deps.assets.create(
      { id, workspaceId: input.workspaceId, projectId: input.projectId, kind: 'data_connection', name: input.name, access: input.access, createdBy: input.createdBy },
      async (tx, assetId) => {
        await repo.insert(tx, { asset_id: assetId, type: input.type, config: JSON.stringify(config), credentials, read_only: input.readOnly ? 1 : 0, schema_cache: null, schema_cached_at: null });
        return { type: input.type, hasPassword: credentials !== null, readOnly: !!input.readOnly };
      },
      ctx,
    ).then(async (a) => {
      if (isFileEngine(input.type) && files.isOwn(input.type, config)) await files.ensureOwnFile(a.id, input.type);
      return a;
    });
  }

  async function update(a: AssetRow, patch: Patch, ctx: RequestContext): Promise<AssetRow> {
    const current = await view(a);
    const config = patch.config !== undefined ? validateConfig(current.type, patch.config, a.projectId ? 'project' : 'workspace') : undefined;
    const credentials =
      patch.password === undefined ? undefined : patch.password === null ? null : await deps.crypto.encryptForWorkspace(a.workspaceId, JSON.stringify({ password: patch.password }), aadFor(a.id));
    const updated = await deps.assets.update(
      a,
      { name: patch.name, expectedVersion: patch.expectedVersion },
      async (tx) => {
        const set: Record<string, unknown> = {};
        if (config !== undefined) set.config = JSON.stringify(config);
        if (credentials !== undefined) set.credentials = credentials;
        if (patch.readOnly !== undefined) set.read_only = patch.readOnly ? 1 : 0;
        if (config !== undefined || credentials !== undefined) {
          set.schema_cache = null;
          set.schema_cached_at = null;
        }
        await repo.update(tx, a.id, set);
        return { ...(config !== undefined ? { configChanged: true } : {}), ...(credentials !== undefined ? { passwordChanged: true } : {}), ...(patch.readOnly !== undefined ? { readOnly: patch.readOnly } : {}) };
      },
      ctx,
    );
    await dropConnector(a.id);
    if (config !== undefined && isFileEngine(current.type) && files.isOwn(current.type, config)) await files.ensureOwnFile(a.id, current.type);
    return updated;
  }

  async function credentialsOf(a: AssetRow): Promise<{ password?: string }> {
    const r = await repo.get(a.id);
    if (!r?.credentials) return {};
    return JSON.parse(await deps.crypto.decryptForWorkspace(a.workspaceId, r.credentials, aadFor(a.id))) as { password?: string };
  }

  const pool = createConnectionConnectors({ view, credentialsOf, validateConfig, files }, opts);
  const { connectorFor, dropConnector, testUnsaved, testSaved, closeAll } = pool;

  /** The schema browser: cached in the database; `refresh` asks the database again. */
  async function schema(a: AssetRow, refresh: boolean): Promise<{ schema: SqlSchema; cachedAt: string; fromCache: boolean }> {
    if (!refresh) {
      const r = await repo.get(a.id);
      if (r?.schema_cache && r.schema_cached_at) return { schema: JSON.parse(r.schema_cache) as SqlSchema, cachedAt: r.schema_cached_at, fromCache: true };
    }
    const { connector } = await connectorFor(a);
    const s = await connector.schema();
    const cachedAt = new Date().toISOString();
    await repo.cacheSchema(a.id, JSON.stringify(s), cachedAt);
    return { schema: s, cachedAt, fromCache: false };
  }

  /**
   * An own-file connection gets an uploaded database: checked (size, magic header) into a
   * temporary file first, then — its workers stopped — moved over the old one. The version bump
   * (audited) makes every node rebuild its connector.
   */
  async function upload(a: AssetRow, body: Readable, declaredBytes: number | null, ctx: RequestContext): Promise<AssetRow> {
    const v = await view(a);
    if (!isFileEngine(v.type) || !files.isOwn(v.type, v.config)) {
      throw new AppError('validation_failed', 'Only a SQLite or DuckDB connection with a database of its own (no "path" in its config) takes an uploaded file.', { field: 'config.path' });
    }
    const type = v.type;
    const received = await files.receiveUpload(a.id, type, body, declaredBytes);
    try {
      await dropConnector(a.id);
      received.commit();
    } catch (e) {
      received.discard();
      throw e;
    }
    const updated = await deps.assets.update(a, {}, async (tx) => {
      await repo.update(tx, a.id, { schema_cache: null, schema_cached_at: null });
      return { fileUploaded: true, bytes: received.bytes };
    }, ctx);
    await dropConnector(a.id);
    return updated;
  }

  /** After a delete: stop the connection's workers and remove its own directory. */
  async function forget(assetId: string): Promise<void> {
    await dropConnector(assetId);
    files.removeOwn(assetId);
  }

  /** Wraps the assets module's delete (the workspace route): a deleted connection is forgotten. */
  function removingOwnFiles<A extends unknown[], R extends { applied?: boolean }>(remove: (caller: Caller, kind: AssetKind, wsRef: string, id: string, ...rest: A) => Promise<R>) {
    return async (caller: Caller, kind: AssetKind, wsRef: string, id: string, ...rest: A): Promise<R> => {
      const r = await remove(caller, kind, wsRef, id, ...rest);
      if (r.applied && kind === 'data_connection') await forget(id);
      return r;
    };
  }

  /** Own directories left by connections deleted another way (with their project): removed. */
  const sweepOwnFiles = () => files.sweep(async (id) => (await repo.get(id)) !== undefined);

  const userOf = (caller: Caller) => caller.principal?.userId ?? null;
  const present = async (a: AssetRow, userId: string | null, defaultId: string | null) => ({
    ...(await view(a)),
    isDefault: a.id === defaultId,
    usageCount: deps.assets.usageCount(a.id),
    allowedActions: deps.policies.assetActions(userId, a),
  });
  const ws = (caller: Caller, wsRef: string, id: string, action?: WorkspaceAction) => deps.assets.loadWorkspaceAsset(caller, wsRef, id, 'data_connection', action);
  async function adminOf(caller: Caller, wsRef: string) {
    const w = await deps.workspaces.resolve(caller, wsRef);
    const p = deps.policies.assertWorkspace(caller, w.id, WorkspaceAction.manage_assets);
    return { ws: w, userId: p.userId };
  }
  /** A project's own connection (404 for any other). */
  async function own(project: ProjectRow, id: string): Promise<AssetRow> {
    const a = await deps.assets.get(id, 'data_connection').catch(() => null);
    if (!a || a.projectId !== project.id) throw new AppError('not_found', `Data connection '${id}' was not found in this project.`, { resource: 'data_connection', id });
    return a;
  }

  const api = {
    async listWorkspace(caller: Caller, wsRef: string) {
      const w = await deps.workspaces.resolve(caller, wsRef);
      const userId = caller.principal!.userId;
      const def = await deps.workspaces.defaultConnectionId(w.id);
      const list = await deps.assets.list(w.id, 'data_connection', userId);
      return {
        dataConnections: await Promise.all(list.map((a) => present(a, userId, def))),
        defaultConnectionId: list.some((a) => a.id === def) ? def : null,
        allowedActions: deps.policies.workspaceActions(userId, w.id),
      };
    },
    async createWorkspace(caller: Caller, wsRef: string, body: ConnectionInput) {
      const { ws: w, userId } = await adminOf(caller, wsRef);
      requirePlan(w.plan, 'shared_data_connections');
      const a = await create({ ...body, workspaceId: w.id, projectId: null, createdBy: userId }, caller.ctx);
      return present(a, userId, await deps.workspaces.defaultConnectionId(w.id));
    },
    testUnsavedWorkspace: async (caller: Caller, wsRef: string, body: TestInput) => (await adminOf(caller, wsRef), testUnsaved(body, 'workspace')),
    async getWorkspace(caller: Caller, wsRef: string, id: string) {
      const a = await ws(caller, wsRef, id);
      return present(a, userOf(caller), await deps.workspaces.defaultConnectionId(a.workspaceId));
    },
    async updateWorkspace(caller: Caller, wsRef: string, id: string, patch: Patch) {
      const a = await ws(caller, wsRef, id, WorkspaceAction.manage_assets);
      return present(await update(a, patch, caller.ctx), userOf(caller), await deps.workspaces.defaultConnectionId(a.workspaceId));
    },
    testWorkspace: async (caller: Caller, wsRef: string, id: string) => testSaved(await ws(caller, wsRef, id, WorkspaceAction.manage_assets)),
    async schemaWorkspace(caller: Caller, wsRef: string, id: string, refresh: boolean) {
      const a = await ws(caller, wsRef, id);
      if (!deps.policies.assetActions(userOf(caller), a).includes(AssetAction.use)) throw new AppError('forbidden', 'Browsing the schema needs permission to use this connection.', { action: 'use' });
      return schema(a, refresh);
    },
    /** Rule 9: set (or, with null, clear) the workspace default connection. */
    async setDefault(caller: Caller, wsRef: string, connectionId: string | null) {
      const { ws: w } = await adminOf(caller, wsRef);
      await deps.assets.setDefault(w.id, connectionId, caller.ctx);
      return { defaultConnectionId: connectionId };
    },
    /** Connections the project can query: its own, imported ones, and the workspace default. */
    async listProject(caller: Caller, projectId: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view);
      const userId = userOf(caller);
      const def = await deps.workspaces.defaultConnectionId(project.workspaceId);
      const imported = deps.policies.imports(project.id);
      const ids = new Set(imported);
      if (def) ids.add(def);
      const rows: AssetRow[] = [];
      for (const id of ids) {
        const a = await deps.assets.get(id).catch(() => null);
        if (a && a.kind === 'data_connection' && deps.policies.canSeeAsset(userId, a)) rows.push(a);
      }
      rows.sort((x, y) => x.name.localeCompare(y.name));
      return {
        dataConnections: await Promise.all(rows.map(async (a) => ({ ...(await present(a, userId, def)), imported: imported.includes(a.id), canQuery: deps.policies.canUseAsset(userId, project.id, a.id) }))),
        defaultConnectionId: rows.some((r) => r.id === def) ? def : null,
      };
    },
    async createProject(caller: Caller, projectId: string, body: Omit<ConnectionInput, 'access'>) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      return present(await create({ ...body, workspaceId: project.workspaceId, projectId: project.id, createdBy: caller.principal!.userId }, caller.ctx), userOf(caller), null);
    },
    testUnsavedProject: async (caller: Caller, projectId: string, body: TestInput) => (await deps.projects.load(caller, projectId, ProjectAction.edit), testUnsaved(body, 'project')),
    async updateProject(caller: Caller, projectId: string, id: string, patch: Patch) {
      const a = await own(await deps.projects.load(caller, projectId, ProjectAction.edit), id);
      return present(await update(a, patch, caller.ctx), userOf(caller), null);
    },
    testProject: async (caller: Caller, projectId: string, id: string) => testSaved(await own(await deps.projects.load(caller, projectId, ProjectAction.edit), id)),
    async removeProject(caller: Caller, projectId: string, id: string, opts: ConfirmOptions) {
      const a = await own(await deps.projects.load(caller, projectId, ProjectAction.edit), id);
      const r = await deps.assets.remove(a, opts, caller.principal!.userId, caller.ctx);
      if (r.applied) await forget(a.id);
      return r;
    },
    /** Replaces the connection's own database with an uploaded SQLite/DuckDB file (can_edit). */
    async uploadProject(caller: Caller, projectId: string, id: string, body: Readable, declaredBytes: number | null) {
      const a = await own(await deps.projects.load(caller, projectId, ProjectAction.edit), id);
      return present(await upload(a, body, declaredBytes, caller.ctx), userOf(caller), null);
    },
    /** The schema browser inside a project: can_edit there and access to the connection (rule 5). */
    async schemaProject(caller: Caller, projectId: string, id: string, refresh: boolean) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view);
      const userId = userOf(caller);
      const a = await deps.assets.get(id, 'data_connection').catch(() => null);
      if (!a || !deps.policies.canSeeAsset(userId, a) || (a.projectId && a.projectId !== project.id)) throw new AppError('not_found', `Data connection '${id}' was not found.`, { resource: 'data_connection' });
      if (!deps.policies.canUseAsset(userId, project.id, a.id)) throw new AppError('forbidden', 'Browsing the schema needs can_edit on the project and access to the connection.', { action: 'use' });
      return schema(a, refresh);
    },
  };

  return { validateConfig, view, create, update, connectorFor, dropConnector, forget, removingOwnFiles, sweepOwnFiles, testUnsaved, testSaved, schema, closeAll, maxUploadBytes: opts.maxUploadBytes ?? 1024 ** 3, api };
}

export type DataConnectionsService = ReturnType<typeof createDataConnectionsService>;
export type DataConnectionsApi = DataConnectionsService['api'];
