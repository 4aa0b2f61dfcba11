/**
 * Where a project's files live (DESIGN.md "File integrations"): a directory per project under the
 * data directory on the embedded default, or a bucket of Atrium's own when several nodes share a
 * PostgreSQL database (every node must see the same files). Both behind one small interface that
 * moves whole files: `receive` fills a file in place (a transfer writes a temp file and renames it
 * only once verified, so a failure leaves no half file), `withLocalCopy` lends a local path to
 * read from, `read` streams one out. Paths are normalised project paths (project-files-paths.ts)
 * and are resolved under the project's root here again.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3Client, type S3Connector } from '../../connectors/s3/s3-connector.js';
import { AppError } from '../../errors.js';
import { normalizeProjectPath, resolveUnder } from './project-files-paths.js';

export interface ProjectFileInfo {
  path: string;
  size: number;
  /** ISO 8601 */
  modified: string;
}

export interface ProjectFileStore {
  readonly kind: 'local' | 's3';
  /** Every file of the project (under `prefix`, a folder path without trailing slash, or ''). */
  list(projectId: string, prefix?: string): Promise<ProjectFileInfo[]>;
  stat(projectId: string, rel: string): Promise<ProjectFileInfo | null>;
  read(projectId: string, rel: string): Promise<{ stream: Readable; size: number; modified: string }>;
  /** `fill(dest)` must create `dest` (atomically: temp + rename); then it is the project's file. */
  receive<R>(projectId: string, rel: string, fill: (dest: string) => Promise<R>): Promise<R>;
  /** Lends a local path holding the file's bytes for the time of `use`. */
  withLocalCopy<R>(projectId: string, rel: string, use: (localPath: string) => Promise<R>): Promise<R>;
  remove(projectId: string, rel: string): Promise<boolean>;
  /**
   * The project's directory on this machine, created (0755) if missing, for the DuckDB sandbox to
   * bind read-only. The S3 store keeps a local mirror, refreshed by this call.
   */
  localRoot(projectId: string): Promise<string>;
  /** Where `localRoot` is, without creating or refreshing it (to name files for SQL cells). */
  localRootPath(projectId: string): string;
  close(): void;
}

const notFoundFile = (rel: string) => new AppError('not_found', `File '${rel}' was not found in this project.`, { resource: 'file', path: rel });
const PROJECT_ID = /^[A-Za-z0-9_-]{1,100}$/;
function checkProjectId(id: string): string {
  // Project ids are ours, but they become a directory name: never trust a shape we did not check.
  if (!PROJECT_ID.test(id)) throw new AppError('validation_failed', 'Invalid project id.', { field: 'projectId' });
  return id;
}
const isPart = (name: string) => name.startsWith('.') && name.endsWith('.part');

async function mkdirp(dir: string, stopAt: string): Promise<void> {
  // 0755 (not umask's choice) so the sandbox's unprivileged uid can traverse and read.
  const made = await fs.promises.mkdir(dir, { recursive: true, mode: 0o755 });
  if (made) {
    for (let d = dir; d.length >= made.length && d.startsWith(stopAt); d = path.dirname(d)) await fs.promises.chmod(d, 0o755).catch(() => {});
  }
}

// ---- the embedded default: DATA_DIR/project-files/<projectId>/…

export function createLocalFileStore(baseDir: string): ProjectFileStore {
  const base = path.resolve(baseDir);
  const rootOf = (projectId: string) => path.join(base, checkProjectId(projectId));

  async function walk(root: string, rel: string, out: ProjectFileInfo[]): Promise<void> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(path.join(root, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw e;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(root, r, out);
      else if (e.isFile() && !isPart(e.name)) {
        const st = await fs.promises.stat(path.join(root, r)).catch(() => null);
        if (st) out.push({ path: r, size: st.size, modified: st.mtime.toISOString() });
      }
      // symlinks and anything else are never listed (we never create them)
    }
  }

  /** The real file, checked to be a regular file inside the project's real root. */
  async function real(projectId: string, rel: string): Promise<{ full: string; st: fs.Stats } | null> {
    const root = rootOf(projectId);
    const full = resolveUnder(root, rel);
    const st = await fs.promises.lstat(full).catch(() => null);
    if (!st || !st.isFile()) return null;
    const [rr, rf] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(full)]);
    if (!rf.startsWith(rr + path.sep)) return null;
    return { full: rf, st };
  }

  return {
    kind: 'local',
    async list(projectId, prefix = '') {
      const out: ProjectFileInfo[] = [];
      await walk(rootOf(projectId), prefix, out);
      return out.sort((a, b) => a.path.localeCompare(b.path));
    },
    async stat(projectId, rel) {
      const r = await real(projectId, rel);
      return r ? { path: rel, size: r.st.size, modified: r.st.mtime.toISOString() } : null;
    },
    async read(projectId, rel) {
      const r = await real(projectId, rel);
      if (!r) throw notFoundFile(rel);
      return { stream: fs.createReadStream(r.full), size: r.st.size, modified: r.st.mtime.toISOString() };
    },
    async receive(projectId, rel, fill) {
      const root = rootOf(projectId);
      const dest = resolveUnder(root, rel);
      await mkdirp(path.dirname(dest), base);
      const existing = await fs.promises.lstat(dest).catch(() => null);
      if (existing && !existing.isFile()) throw new AppError('conflict', `'${rel}' is a folder in this project, not a file.`, { path: rel });
      const r = await fill(dest);
      await fs.promises.chmod(dest, 0o644).catch(() => {});
      return r;
    },
    async withLocalCopy(projectId, rel, use) {
      const r = await real(projectId, rel);
      if (!r) throw notFoundFile(rel);
      return use(r.full);
    },
    async remove(projectId, rel) {
      const r = await real(projectId, rel);
      if (!r) return false;
      await fs.promises.unlink(r.full);
      // Drop folders left empty, up to the project's root.
      const root = rootOf(projectId);
      for (let d = path.dirname(r.full); d.startsWith(root + path.sep); d = path.dirname(d)) {
        if ((await fs.promises.readdir(d).catch(() => ['x'])).length) break;
        await fs.promises.rmdir(d).catch(() => {});
      }
      return true;
    },
    async localRoot(projectId) {
      const root = rootOf(projectId);
      await mkdirp(root, base);
      return root;
    },
    localRootPath: rootOf,
    close() {},
  };
}

// ---- multi-node: a bucket of Atrium's own (ATRIUM_FILES_S3_*), keys `<prefix><projectId>/<path>`

export interface FilesS3Settings {
  bucket: string;
  region: string;
  endpoint?: string;
  pathStyle: boolean;
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function createS3FileStore(s: FilesS3Settings, opts: { tempDir: string; mirrorDir: string }): ProjectFileStore {
  const prefix = s.prefix ? `${s.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  // Our own bucket, configured by the operator: no SSRF policy applies (it may well be internal).
  const conn: S3Connector = createS3Client(
    { bucket: s.bucket, region: s.region, endpoint: s.endpoint, pathStyle: s.pathStyle, prefix },
    { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    { ssrf: { enabled: false } },
  );
  const raw = new S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: s.pathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
  });
  const keyOf = (projectId: string, rel: string) => {
    // A key is built, never passed through: the same checks as a local path (no '..', no '//').
    if (normalizeProjectPath(rel) !== rel) throw new AppError('validation_failed', 'Invalid file path.', { field: 'path' });
    return `${checkProjectId(projectId)}/${rel}`;
  };
  const tmp = () => path.join(opts.tempDir, `.t-${randomUUID()}.part`);

  async function list(projectId: string, folder = ''): Promise<ProjectFileInfo[]> {
    const base = `${checkProjectId(projectId)}/`;
    const out: ProjectFileInfo[] = [];
    let pageToken: string | undefined;
    do {
      const page = await conn.list({ prefix: base + (folder ? `${folder}/` : ''), delimiter: '', pageToken });
      for (const o of page.objects) out.push({ path: o.key.slice(base.length), size: o.size, modified: o.modified ?? new Date(0).toISOString() });
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  return {
    kind: 's3',
    list,
    async stat(projectId, rel) {
      try {
        const h = await raw.send(new HeadObjectCommand({ Bucket: s.bucket, Key: prefix + keyOf(projectId, rel) }));
        return { path: rel, size: Number(h.ContentLength ?? 0), modified: (h.LastModified ?? new Date(0)).toISOString() };
      } catch (e) {
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
        throw e;
      }
    },
    async read(projectId, rel) {
      try {
        const r = await raw.send(new GetObjectCommand({ Bucket: s.bucket, Key: prefix + keyOf(projectId, rel) }));
        return { stream: r.Body as Readable, size: Number(r.ContentLength ?? 0), modified: (r.LastModified ?? new Date(0)).toISOString() };
      } catch (e) {
        const code = (e as { name?: string }).name;
        if (code === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) throw notFoundFile(rel);
        throw e;
      }
    },
    async receive(projectId, rel, fill) {
      await fs.promises.mkdir(opts.tempDir, { recursive: true });
      const t = tmp();
      try {
        const r = await fill(t);
        await conn.upload(t, keyOf(projectId, rel));
        return r;
      } finally {
        await fs.promises.rm(t, { force: true });
      }
    },
    async withLocalCopy(projectId, rel, use) {
      await fs.promises.mkdir(opts.tempDir, { recursive: true });
      const t = tmp();
      try {
        await conn.download(keyOf(projectId, rel), t).catch((e: unknown) => {
          if ((e as { code?: string }).code === 'object_not_found') throw notFoundFile(rel);
          throw e;
        });
        return await use(t);
      } finally {
        await fs.promises.rm(t, { force: true });
      }
    },
    async remove(projectId, rel) {
      if (!(await this.stat(projectId, rel))) return false;
      await raw.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: prefix + keyOf(projectId, rel) }));
      return true;
    },
    async localRoot(projectId) {
      // DuckDB reads local files: mirror the project's objects (by size and time) before a query.
      const root = path.join(path.resolve(opts.mirrorDir), checkProjectId(projectId));
      await mkdirp(root, path.resolve(opts.mirrorDir));
      const want = await list(projectId);
      const wanted = new Set(want.map((f) => f.path));
      for (const f of want) {
        const dest = resolveUnder(root, f.path);
        const st = await fs.promises.stat(dest).catch(() => null);
        if (st && st.size === f.size && st.mtime.toISOString() === f.modified) continue;
        await mkdirp(path.dirname(dest), root);
        await conn.download(keyOf(projectId, f.path), dest);
        await fs.promises.chmod(dest, 0o644).catch(() => {});
        await fs.promises.utimes(dest, new Date(f.modified), new Date(f.modified)).catch(() => {});
      }
      const local = await createLocalFileStore(path.resolve(opts.mirrorDir)).list(projectId);
      for (const f of local) if (!wanted.has(f.path)) await fs.promises.rm(resolveUnder(root, f.path), { force: true });
      return root;
    },
    localRootPath: (projectId) => path.join(path.resolve(opts.mirrorDir), checkProjectId(projectId)),
    close() {
      conn.close();
      raw.destroy();
    },
  };
}

/** Reads a whole small stream (tests). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
