/**
 * Data connections: a database's non-secret settings plus write-only credentials, encrypted with
 * the workspace data key. Owns one connector (and so one connection pool) per connection,
 * rebuilt when the connection is edited and closed when it is deleted or the server stops.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createSqlConnector, parseSqlConfig, type SqlConnector, type SqlSchema, type SqlType } from '../../connectors/sql/sql-connector.js';
import type { CryptoService } from '../../crypto/crypto-service.js';
import { AppError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AssetRow, AssetsService } from '../assets/assets-service.js';
import type { RequestContext } from '../audit/audit-types.js';

export interface DataConnectionOptions {
  poolMax: number;
  connectTimeoutMs: number;
  ssrfGuard: boolean;
  ssrfAllowHosts: string[];
  /** SQLite and DuckDB files must be under this directory. */
  filesDir: string;
  /** Never reachable by a connection, even when under filesDir (the app's own database and keys). */
  protectedDir: string;
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

type Deps = { store: Store; assets: AssetsService; crypto: CryptoService };

const aadFor = (assetId: string) => `data_connection:${assetId}`;

export function createDataConnectionsService(deps: Deps, opts: DataConnectionOptions) {
  const { db } = deps.store;
  const connectors = new Map<string, { version: number; connector: SqlConnector; readOnly: boolean; type: SqlType }>();

  /** Validates a config for its type; file paths must stay inside the files directory. */
  function validateConfig(type: SqlType, config: unknown): Record<string, unknown> {
    const parsed = parseSqlConfig(type, config) as Record<string, unknown>;
    if (type === 'sqlite' || type === 'duckdb') {
      const p = parsed.path as string;
      if (p !== ':memory:') {
        // Resolve symlinks too, so a link cannot lead out of the files directory.
        let resolved = path.resolve(p);
        try {
          resolved = fs.realpathSync(resolved);
        } catch {
          /* a missing file is reported by the connector */
        }
        const inside = (dir: string, x: string) => x.startsWith(path.resolve(dir) + path.sep);
        const filesInsideProtected = inside(opts.protectedDir, path.resolve(opts.filesDir));
        if (!inside(opts.filesDir, resolved) || (inside(opts.protectedDir, resolved) && !filesInsideProtected)) {
          throw new AppError('validation_failed', `Database files must be under ${opts.filesDir} (set ATRIUM_FILES_DIR to change it), outside Atrium's own data.`, { field: 'config.path' });
        }
      }
    }
    return parsed;
  }

  async function view(a: AssetRow): Promise<DataConnectionView> {
    const r = await db.selectFrom('data_connections').select(['type', 'config', 'credentials', 'read_only']).where('asset_id', '=', a.id).executeTakeFirst();
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
    const config = validateConfig(input.type, input.config);
    const id = newId('ast');
    // Encrypt before the transaction (it may create the workspace's data key on another connection).
    const credentials = input.password ? await deps.crypto.encryptForWorkspace(input.workspaceId, JSON.stringify({ password: input.password }), aadFor(id)) : null;
    return deps.assets.create(
      { id, workspaceId: input.workspaceId, projectId: input.projectId, kind: 'data_connection', name: input.name, access: input.access, createdBy: input.createdBy },
      async (tx, assetId) => {
        await tx.insertInto('data_connections').values({ asset_id: assetId, type: input.type, config: JSON.stringify(config), credentials, read_only: input.readOnly ? 1 : 0, schema_cache: null, schema_cached_at: null }).execute();
        return { type: input.type, hasPassword: credentials !== null, readOnly: !!input.readOnly };
      },
      ctx,
    );
  }

  async function update(
    a: AssetRow,
    patch: { name?: string; config?: unknown; password?: string | null; readOnly?: boolean; expectedVersion?: number },
    ctx: RequestContext,
  ): Promise<AssetRow> {
    const current = await view(a);
    const config = patch.config !== undefined ? validateConfig(current.type, patch.config) : undefined;
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
        if (Object.keys(set).length) await tx.updateTable('data_connections').set(set).where('asset_id', '=', a.id).execute();
        return { ...(config !== undefined ? { configChanged: true } : {}), ...(credentials !== undefined ? { passwordChanged: true } : {}), ...(patch.readOnly !== undefined ? { readOnly: patch.readOnly } : {}) };
      },
      ctx,
    );
    await dropConnector(a.id);
    return updated;
  }

  async function credentialsOf(a: AssetRow): Promise<{ password?: string }> {
    const r = await db.selectFrom('data_connections').select('credentials').where('asset_id', '=', a.id).executeTakeFirst();
    if (!r?.credentials) return {};
    return JSON.parse(await deps.crypto.decryptForWorkspace(a.workspaceId, r.credentials, aadFor(a.id))) as { password?: string };
  }

  function limits() {
    return { poolMax: opts.poolMax, connectTimeoutMs: opts.connectTimeoutMs, ssrf: { enabled: opts.ssrfGuard, allowHosts: opts.ssrfAllowHosts }, fileRoots: [opts.filesDir] };
  }

  /** The pooled connector of a saved connection (one per connection and version). */
  async function connectorFor(a: AssetRow): Promise<{ connector: SqlConnector; readOnly: boolean; type: SqlType }> {
    // The asset's version changes with every edit, so a cached connector of the same version is current.
    const cached = connectors.get(a.id);
    if (cached && cached.version === a.version) return cached;
    const v = await view(a);
    if (cached) void cached.connector.close().catch(() => {});
    const entry = { version: v.version, connector: createSqlConnector(v.type, v.config, await credentialsOf(a), limits()), readOnly: v.readOnly, type: v.type };
    connectors.set(a.id, entry);
    return entry;
  }

  async function dropConnector(assetId: string): Promise<void> {
    const c = connectors.get(assetId);
    connectors.delete(assetId);
    if (c) await c.connector.close().catch(() => {});
  }

  /** Tests an unsaved connection: nothing is stored, the password is used once and dropped. */
  async function testUnsaved(input: { type: SqlType; config: unknown; password?: string }) {
    const config = validateConfig(input.type, input.config);
    const c = createSqlConnector(input.type, config, input.password ? { password: input.password } : {}, { ...limits(), poolMax: 1 });
    try {
      return await c.test();
    } finally {
      await c.close().catch(() => {});
    }
  }

  async function testSaved(a: AssetRow) {
    const v = await view(a);
    const c = createSqlConnector(v.type, v.config, await credentialsOf(a), { ...limits(), poolMax: 1 });
    try {
      return await c.test();
    } finally {
      await c.close().catch(() => {});
    }
  }

  /** The schema browser: cached in the database; `refresh` asks the database again. */
  async function schema(a: AssetRow, refresh: boolean): Promise<{ schema: SqlSchema; cachedAt: string; fromCache: boolean }> {
    if (!refresh) {
      const r = await db.selectFrom('data_connections').select(['schema_cache', 'schema_cached_at']).where('asset_id', '=', a.id).executeTakeFirst();
      if (r?.schema_cache && r.schema_cached_at) return { schema: JSON.parse(r.schema_cache) as SqlSchema, cachedAt: r.schema_cached_at, fromCache: true };
    }
    const { connector } = await connectorFor(a);
    const s = await connector.schema();
    const cachedAt = new Date().toISOString();
    await db.updateTable('data_connections').set({ schema_cache: JSON.stringify(s), schema_cached_at: cachedAt }).where('asset_id', '=', a.id).execute();
    return { schema: s, cachedAt, fromCache: false };
  }

  async function closeAll(): Promise<void> {
    const all = [...connectors.keys()];
    await Promise.all(all.map(dropConnector));
  }

  return { validateConfig, view, create, update, connectorFor, dropConnector, testUnsaved, testSaved, schema, closeAll };
}

export type DataConnectionsService = ReturnType<typeof createDataConnectionsService>;
