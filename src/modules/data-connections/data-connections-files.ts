/**
 * Which database file a SQLite/DuckDB connection may use, decided in one place (issue 9, point 1).
 *
 * - A connection whose config has no `path` owns a file: `ATRIUM_FILES_DIR/connections/<id>/`
 *   holds its database (created empty, or replaced by an upload) and nothing else. Every
 *   project connection is of this kind (or DuckDB `:memory:`): it cannot name a file on the
 *   server, so it cannot reach another connection's data or Atrium's own.
 * - Only a workspace connection (admins) may name an existing file, and only a regular file
 *   under the files directory, spelled plainly, reached through no symlink, outside every
 *   connection's own directory and outside Atrium's data directory (store, master key).
 *
 * The directory of an own file is mode 0755: the sandboxed engine runs as another uid and looks
 * for its side files (journal, WAL) with access(2), so it needs o+x (src/sandbox/README.md).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SqlType } from '../../connectors/sql/sql-connector.js';
import { AppError } from '../../errors.js';
import { createEmptyDuckdbFile } from '../../sandbox/sandbox-sql-create.js';

export interface ConnectionFilesOptions {
  /** ATRIUM_FILES_DIR */
  filesDir: string;
  /** Atrium's data directory: never reachable by a connection. */
  protectedDir: string;
  /** Largest accepted upload. */
  maxUploadBytes: number;
}

const OWN_NAME: Record<'sqlite' | 'duckdb', string> = { sqlite: 'database.sqlite', duckdb: 'database.duckdb' };
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const DUCKDB_MAGIC = Buffer.from('DUCK', 'latin1');
/** Side files an engine keeps next to a database; stale after the file is replaced. */
const SIDE_SUFFIXES = ['-wal', '-shm', '-journal', '.wal'];

export const isFileEngine = (type: SqlType): type is 'sqlite' | 'duckdb' => type === 'sqlite' || type === 'duckdb';

const refused = (message: string) => new AppError('file_not_allowed', message, { field: 'config.path' });

export function createConnectionFiles(opts: ConnectionFilesOptions) {
  const filesDir = path.resolve(opts.filesDir);
  const ownRoot = path.join(filesDir, 'connections');

  function ownDir(assetId: string): string {
    // Asset ids are generated (`ast_…`); anything else must never become a path.
    if (!/^[A-Za-z0-9_-]+$/.test(assetId)) throw new AppError('validation_failed', 'Not a connection id.', { field: 'id' });
    return path.join(ownRoot, assetId);
  }

  const ownFile = (assetId: string, type: 'sqlite' | 'duckdb') => path.join(ownDir(assetId), OWN_NAME[type]);

  /** True when a stored/submitted config means "the connection's own file". */
  const isOwn = (type: SqlType, config: Record<string, unknown>) => isFileEngine(type) && (config.path === undefined || config.path === null);

  /** The config the connector gets: an own-file connection's path filled in. */
  function effectiveConfig(assetId: string, type: SqlType, config: Record<string, unknown>): Record<string, unknown> {
    return isFileEngine(type) && isOwn(type, config) ? { ...config, path: ownFile(assetId, type) } : config;
  }

  const realOrNull = (p: string): string | null => {
    try {
      return fs.realpathSync(p);
    } catch {
      return null;
    }
  };
  const inside = (dir: string, p: string) => p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

  /**
   * A path a workspace admin names: an existing regular file in the files directory, spelled
   * plainly, through no symlink, in no connection's own directory, outside Atrium's data.
   */
  function checkExistingFile(p: string): void {
    if (path.posix.normalize(p) !== p || p.endsWith('/')) {
      throw new AppError('validation_failed', 'Spell the database path plainly: no "..", "." or "//" in it.', { field: 'config.path' });
    }
    fs.mkdirSync(filesDir, { recursive: true });
    const realFiles = fs.realpathSync(filesDir);
    if (!inside(filesDir, p)) throw refused(`Database files must be in the files directory ${filesDir} (ATRIUM_FILES_DIR).`);
    const real = realOrNull(p);
    if (!real) throw new AppError('validation_failed', `There is no file at ${p}: copy it into the files directory first, or leave "path" out to get a new empty database.`, { field: 'config.path' });
    // Resolved once, here: a symlink anywhere below the files directory changes the real path.
    if (real !== path.join(realFiles, path.relative(filesDir, p)) || !inside(realFiles, real)) {
      throw refused('The database path goes through a symbolic link: name the file itself.');
    }
    const realOwn = realOrNull(ownRoot);
    if (real === realOwn || (realOwn && inside(realOwn, real))) throw refused("That file belongs to another connection (its own directory): a connection's own file cannot be shared.");
    const realProtected = realOrNull(opts.protectedDir) ?? path.resolve(opts.protectedDir);
    if ((real === realProtected || inside(realProtected, real)) && !inside(realProtected, realFiles)) {
      throw refused("Atrium's own data directory cannot hold a connection's database.");
    }
    if (!fs.statSync(real).isFile()) throw new AppError('validation_failed', `${p} is not a regular file.`, { field: 'config.path' });
  }

  /**
   * Validates a file engine's config for a connection of `scope` and returns what to store: no
   * `path` for an own file, `:memory:`, or (workspace connections only) a checked existing file.
   */
  function checkConfig(type: 'sqlite' | 'duckdb', config: Record<string, unknown>, scope: 'workspace' | 'project'): Record<string, unknown> {
    if (isOwn(type, config)) {
      const { path: _own, ...rest } = config;
      return rest;
    }
    const p = config.path;
    if (type === 'duckdb' && p === ':memory:') return config;
    if (scope === 'project') {
      throw refused(
        'A project connection cannot name a file on the server. Leave "path" out to get a new, empty database of its own, then fill it with SQL or upload a database file (PUT …/data-connections/{id}/file). Only workspace admins may use an existing file, for a workspace connection.',
      );
    }
    checkExistingFile(String(p));
    return config;
  }

  /** Creates the connection's own directory (0755) and an empty database in it, if missing. */
  async function ensureOwnFile(assetId: string, type: 'sqlite' | 'duckdb'): Promise<string> {
    const dir = ownDir(assetId);
    fs.mkdirSync(ownRoot, { recursive: true, mode: 0o755 });
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.chmodSync(dir, 0o755); // whatever the umask: the worker's uid needs o+x
    const file = ownFile(assetId, type);
    if (fs.existsSync(file)) return file;
    const tmp = path.join(dir, `.new-${randomBytes(6).toString('hex')}`);
    try {
      if (type === 'sqlite') {
        fs.writeFileSync(tmp, ''); // an empty file is an empty SQLite database
      } else {
        // DuckDB needs its header written, by DuckDB: in a sandbox, like every use of the engine.
        await createEmptyDuckdbFile(tmp);
      }
      fs.chmodSync(tmp, 0o644);
      fs.renameSync(tmp, file);
    } finally {
      for (const f of [tmp, ...SIDE_SUFFIXES.map((s) => tmp + s)]) fs.rmSync(f, { force: true });
    }
    return file;
  }

  /**
   * Writes an uploaded database into a temporary file of the connection's own directory, checking
   * size and the engine's magic header. `commit()` then moves it over the own file (call it once
   * the connection's workers are stopped); `discard()` drops it.
   */
  async function receiveUpload(assetId: string, type: 'sqlite' | 'duckdb', body: Readable, declaredBytes: number | null) {
    if (declaredBytes !== null && declaredBytes > opts.maxUploadBytes) throw tooLarge(opts.maxUploadBytes);
    await ensureOwnFile(assetId, type);
    const dir = ownDir(assetId);
    const tmp = path.join(dir, `.upload-${randomBytes(6).toString('hex')}`);
    let bytes = 0;
    // Opened before streaming: a stream that opens lazily could create the file after a failed
    // transfer was cleaned up, leaving it behind.
    const out = (await fs.promises.open(tmp, 'wx', 0o644)).createWriteStream();
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            bytes += chunk.length;
            if (bytes > opts.maxUploadBytes) throw tooLarge(opts.maxUploadBytes);
            yield chunk;
          }
        },
        out,
      );
      const head = Buffer.alloc(16);
      const fd = fs.openSync(tmp, 'r');
      const got = fs.readSync(fd, head, 0, 16, 0);
      fs.closeSync(fd);
      const ok = type === 'sqlite' ? got === 16 && head.equals(SQLITE_MAGIC) : got >= 12 && head.subarray(8, 12).equals(DUCKDB_MAGIC);
      if (!ok) throw new AppError('validation_failed', `The uploaded file is not a ${type === 'sqlite' ? 'SQLite' : 'DuckDB'} database (its header does not match).`, { field: 'body' });
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    return {
      bytes,
      commit(): void {
        const file = ownFile(assetId, type);
        for (const s of SIDE_SUFFIXES) fs.rmSync(file + s, { force: true });
        fs.renameSync(tmp, file);
      },
      discard: () => fs.rmSync(tmp, { force: true }),
    };
  }

  /** Removes a connection's own directory (its database with it). */
  function removeOwn(assetId: string): void {
    fs.rmSync(ownDir(assetId), { recursive: true, force: true });
  }

  /** Own directories whose connection no longer exists (deleted with its project, say). */
  async function sweep(exists: (assetId: string) => Promise<boolean>): Promise<string[]> {
    let entries: string[];
    try {
      entries = fs.readdirSync(ownRoot);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const id of entries) {
      if (!/^[A-Za-z0-9_-]+$/.test(id) || (await exists(id))) continue;
      removeOwn(id);
      removed.push(id);
    }
    return removed;
  }

  return { ownDir, ownFile, isOwn, effectiveConfig, checkConfig, ensureOwnFile, receiveUpload, removeOwn, sweep };
}

function tooLarge(max: number): AppError {
  return new AppError('payload_too_large', `The database file is larger than ${max} bytes (ATRIUM_CONNECTION_FILE_MAX_BYTES).`, { maxBytes: max });
}

export type ConnectionFiles = ReturnType<typeof createConnectionFiles>;
