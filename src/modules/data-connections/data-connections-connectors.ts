/**
 * The pooled connectors of saved data connections (one per connection and version, rebuilt when
 * it is edited, closed when it is deleted or the server stops) and the "test connection" probes.
 * What a connector is given is decided here: the connection's own database file (SQLite/DuckDB),
 * the SSRF policy of its scope, and the sandbox settings of the embedded engines' workers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqlConnector, type SqlConnector, type SqlConnectorLimits, type SqlType } from '../../connectors/sql/sql-connector.js';
import { AppError } from '../../errors.js';
import type { AssetRow } from '../assets/assets-service.js';
import { type ConnectionFiles, isFileEngine } from './data-connections-files.js';
import type { DataConnectionOptions, DataConnectionView } from './data-connections-service.js';

type Scope = 'workspace' | 'project';
type TestInput = { type: SqlType; config: unknown; password?: string };
type Entry = { version: number; connector: SqlConnector; readOnly: boolean; type: SqlType };

export interface ConnectorDeps {
  view: (a: AssetRow) => Promise<DataConnectionView>;
  credentialsOf: (a: AssetRow) => Promise<{ password?: string }>;
  validateConfig: (type: SqlType, config: unknown, scope: Scope) => Record<string, unknown>;
  files: ConnectionFiles;
}

export function createConnectionConnectors(deps: ConnectorDeps, opts: DataConnectionOptions) {
  const { view, credentialsOf, validateConfig, files } = deps;
  const connectors = new Map<string, Entry>();
  /** DuckDB pools that also read one project's files (key: connection id + project id). */
  const projectConnectors = new Map<string, Entry>();

  /**
   * A connection made by a non-admin (a project connection) may not reach this server itself:
   * loopback and the host's own addresses are refused (`blockLocal`), so it cannot port-scan it.
   * No `fileRoots`: the sandboxed engines see only their own database (and `readOnlyDirs`).
   */
  function limits(scope: Scope): SqlConnectorLimits {
    return {
      poolMax: opts.poolMax,
      connectTimeoutMs: opts.connectTimeoutMs,
      ssrf: { enabled: opts.ssrfGuard, allowHosts: opts.ssrfAllowHosts, ...(scope === 'project' ? { blockLocal: true } : {}) },
      sandbox: { ...opts.sandbox },
    };
  }
  const scopeOf = (a: AssetRow): Scope => (a.projectId ? 'project' : 'workspace');

  /**
   * The config a saved connection's connector gets: its own file's path filled in (created empty
   * if missing). A project connection stored with a path (before connections owned their files)
   * is refused here, at use, so an old row cannot keep a hole open.
   */
  async function connectorConfig(a: AssetRow, v: DataConnectionView): Promise<Record<string, unknown>> {
    if (!isFileEngine(v.type)) return v.config;
    if (files.isOwn(v.type, v.config)) {
      await files.ensureOwnFile(a.id, v.type);
      return files.effectiveConfig(a.id, v.type, v.config);
    }
    if (a.projectId && v.config.path !== ':memory:') {
      throw new AppError('file_not_allowed', 'This project connection names a file on the server, which project connections may no longer do: edit it to use a database of its own (leave "path" out), or ask an admin.', { field: 'config.path' });
    }
    return v.config;
  }

  /**
   * The pooled connector of a saved connection (one per connection and version). A DuckDB cell of
   * a project (`project` given) also reads that project's files: its pool is the connection's for
   * that project alone, with the project's file directory bound read-only into the sandbox — a
   * cell of project A never sees B's files. In-memory and read-only DuckDB only: a read-write
   * database file admits one writer process, so it cannot have a pool per project.
   */
  async function connectorFor(a: AssetRow, project?: { id: string; filesDir: () => Promise<string> }): Promise<{ connector: SqlConnector; readOnly: boolean; type: SqlType }> {
    // The asset's version changes with every edit, so a cached connector of the same version is current.
    if (project) {
      const key = `${a.id}\u0000${project.id}`;
      const hit = projectConnectors.get(key);
      if (hit && hit.version === a.version) return hit;
      const v = await view(a);
      if (v.type === 'duckdb' && (v.config.path === ':memory:' || v.readOnly)) {
        if (hit) void hit.connector.close().catch(() => {});
        const dir = await project.filesDir();
        const base = limits(scopeOf(a));
        const entry = { version: v.version, connector: createSqlConnector(v.type, await connectorConfig(a, v), await credentialsOf(a), { ...base, sandbox: { ...base.sandbox, projectDir: dir } }), readOnly: v.readOnly, type: v.type };
        projectConnectors.set(key, entry);
        return entry;
      }
    }
    // A project connection's pool that reads its project's files is that connection's pool.
    const inProject = a.projectId && !project ? projectConnectors.get(`${a.id}\u0000${a.projectId}`) : undefined;
    if (inProject && inProject.version === a.version) return inProject;
    const cached = connectors.get(a.id);
    if (cached && cached.version === a.version) return cached;
    const v = await view(a);
    if (cached) void cached.connector.close().catch(() => {});
    const entry = { version: v.version, connector: createSqlConnector(v.type, await connectorConfig(a, v), await credentialsOf(a), limits(scopeOf(a))), readOnly: v.readOnly, type: v.type };
    connectors.set(a.id, entry);
    return entry;
  }

  async function dropConnector(assetId: string): Promise<void> {
    const c = connectors.get(assetId);
    connectors.delete(assetId);
    const closing = c ? [c.connector] : [];
    for (const [k, e] of projectConnectors) {
      if (k.startsWith(`${assetId}\u0000`)) {
        projectConnectors.delete(k);
        closing.push(e.connector);
      }
    }
    await Promise.all(closing.map((x) => x.close().catch(() => {})));
  }

  /**
   * Tests an unsaved connection: nothing is stored, the password is used once and dropped. A
   * new own file does not exist yet: the engine is tried on a scratch empty database instead.
   */
  async function testUnsaved(input: TestInput, scope: Scope) {
    let config = validateConfig(input.type, input.config, scope);
    let scratch: string | null = null;
    if (isFileEngine(input.type) && files.isOwn(input.type, config)) {
      if (input.type === 'duckdb') config = { ...config, path: ':memory:' };
      else {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-conn-test-'));
        fs.chmodSync(scratch, 0o755);
        fs.writeFileSync(path.join(scratch, 'database.sqlite'), '');
        config = { ...config, path: path.join(scratch, 'database.sqlite') };
      }
    }
    const c = createSqlConnector(input.type, config, input.password ? { password: input.password } : {}, { ...limits(scope), poolMax: 1 });
    try {
      return await c.test();
    } finally {
      await c.close().catch(() => {});
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  async function testSaved(a: AssetRow) {
    const v = await view(a);
    const c = createSqlConnector(v.type, await connectorConfig(a, v), await credentialsOf(a), { ...limits(scopeOf(a)), poolMax: 1 });
    try {
      return await c.test();
    } finally {
      await c.close().catch(() => {});
    }
  }

  async function closeAll(): Promise<void> {
    const all = [...new Set([...connectors.keys(), ...[...projectConnectors.keys()].map((k) => k.split('\u0000')[0]!)])];
    await Promise.all(all.map(dropConnector));
  }

  return { connectorFor, dropConnector, testUnsaved, testSaved, closeAll };
}
