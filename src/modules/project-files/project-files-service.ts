/**
 * A project's files: what imports bring in and what programs leave, kept in the project's file
 * store (project-files-store.ts). Files are results of the project (rule 6): whoever may view
 * the project lists and downloads them, web viewers included; editors (can_edit) add and delete.
 * Limits per project on the number of files and their bytes keep one project from filling the disk;
 * transfers in flight hold their room until they end (`reserve`), so concurrent ones cannot overshoot.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProjectAction } from '../../access/access-types.js';
import type { Caller } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { ProjectRow, ProjectsService } from '../projects/projects-service.js';
import { contentDisposition, normalizeProjectPath } from './project-files-paths.js';
import type { ProjectFileInfo, ProjectFileStore } from './project-files-store.js';

export interface ProjectFileLimits {
  maxFiles: number;
  maxBytes: number;
}

/** Room claimed for files being written (see `reserve`). */
export interface FileReservation {
  /** The most bytes the reserved files may total. */
  room: number;
  /** That file is in place (and counted by the store from now on). */
  settle(path: string): void;
  /** Ended or failed: the room not yet settled is given back. Safe to call twice. */
  release(): void;
}

type Deps = {
  store: Pick<Store, 'transaction'>;
  files: ProjectFileStore;
  projects: Pick<ProjectsService, 'load'>;
  policies: Pick<AuthzPolicies, 'projectActions'>;
  audit: Pick<AuditService, 'record'>;
};

const gib = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

export function createProjectFilesService(deps: Deps, limits: ProjectFileLimits) {
  const { files } = deps;

  async function usage(projectId: string): Promise<{ files: number; bytes: number }> {
    const all = await files.list(projectId);
    return { files: all.length, bytes: all.reduce((s, f) => s + f.size, 0) };
  }

  /**
   * Transfers accepted but not finished, per project: what each will still add. A limit check
   * counts them, so two imports that each fit but together do not cannot both start. In-process
   * only: nodes sharing one bucket each count their own (see the module README).
   */
  const inFlight = new Map<string, Set<Map<string, { files: number; bytes: number }>>>();
  /** Check-then-claim runs one at a time per project (the check reads the store: it awaits). */
  const claimQueue = new Map<string, Promise<unknown>>();

  function serially<R>(projectId: string, fn: () => Promise<R>): Promise<R> {
    const prev = claimQueue.get(projectId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    claimQueue.set(projectId, tail);
    void tail.then(() => {
      if (claimQueue.get(projectId) === tail) claimQueue.delete(projectId);
    });
    return run;
  }

  function claimedByOthers(projectId: string): { files: number; bytes: number } {
    const out = { files: 0, bytes: 0 };
    for (const claim of inFlight.get(projectId) ?? []) {
      for (const d of claim.values()) {
        out.files += d.files;
        out.bytes += d.bytes;
      }
    }
    return out;
  }

  /**
   * Checks that `items` (files about to be written, each replacing the file at its path if any)
   * fit the project's limits together with the files there and every transfer still in flight,
   * and claims their room until `settle(path)` (that file is in place: the store counts it now)
   * or `release()` (the transfer ended or failed: what it did not write is given back). Throws
   * `file_limit_exceeded` naming the limit. `room` is the most bytes these items may total.
   */
  async function reserve(projectId: string, items: { path: string; bytes: number }[]): Promise<FileReservation> {
    return serially(projectId, async () => {
      const all = await files.list(projectId);
      const sizeOf = new Map(all.map((f) => [f.path, f.size]));
      const current = { files: all.length, bytes: all.reduce((s, f) => s + f.size, 0) };
      const others = claimedByOthers(projectId);
      const claim = new Map<string, { files: number; bytes: number }>();
      const net = { files: 0, bytes: 0, replaced: 0 };
      for (const it of items) {
        const old = sizeOf.get(it.path);
        net.files += old === undefined ? 1 : 0;
        net.bytes += it.bytes - (old ?? 0);
        net.replaced += old ?? 0;
        // Others see only growth: a file being replaced by a smaller one still takes its old room.
        claim.set(it.path, { files: old === undefined ? 1 : 0, bytes: Math.max(0, it.bytes - (old ?? 0)) });
      }
      const filesAfter = current.files + others.files + net.files;
      const bytesAfter = current.bytes + others.bytes + net.bytes;
      const busy = others.files > 0 || others.bytes > 0 ? ' (counting transfers still in progress)' : '';
      if (filesAfter > limits.maxFiles) {
        throw new AppError('file_limit_exceeded', `This would make ${filesAfter} files in the project${busy}; the limit is ${limits.maxFiles} (ATRIUM_PROJECT_FILES_MAX_FILES). Delete some files first.`, { limit: 'files', max: limits.maxFiles, current: current.files, inFlight: others.files, adding: net.files });
      }
      if (bytesAfter > limits.maxBytes) {
        throw new AppError('file_limit_exceeded', `This would bring the project's files to ${gib(bytesAfter)}${busy}; the limit is ${gib(limits.maxBytes)} (ATRIUM_PROJECT_FILES_MAX_BYTES). Delete some files first.`, { limit: 'bytes', max: limits.maxBytes, current: current.bytes, inFlight: others.bytes, adding: net.bytes });
      }
      let set = inFlight.get(projectId);
      if (!set) inFlight.set(projectId, (set = new Set()));
      set.add(claim);
      const release = () => {
        set.delete(claim);
        if (set.size === 0 && inFlight.get(projectId) === set) inFlight.delete(projectId);
      };
      return {
        room: limits.maxBytes - (current.bytes - net.replaced) - others.bytes,
        settle: (p: string) => void claim.delete(p),
        release,
      };
    });
  }

  /** A path a caller sent, normalised (hostile input refused with validation_failed). */
  const pathOf = (p: string) => normalizeProjectPath(p);

  async function sqlRoot(projectId: string): Promise<string> {
    return files.localRoot(projectId);
  }

  const api = {
    async list(caller: Caller, projectId: string, prefix?: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view_results);
      const userId = caller.principal?.userId ?? null;
      const actions = deps.policies.projectActions(userId, project.id, null);
      const folder = prefix ? normalizeProjectPath(prefix, { folder: true, allowEmpty: true }) : '';
      const list = await files.list(project.id, folder);
      // Editors (who can run SQL cells) see how a DuckDB cell names each file.
      const root = actions.includes(ProjectAction.edit) ? files.localRootPath(project.id) : null;
      const all = folder ? await files.list(project.id) : list;
      return {
        // Relative to the project's files, which a DuckDB cell sees as its working directory: no host path.
        files: list.map((f) => ({ ...f, ...(root ? { sqlPath: f.path } : {}) })),
        usage: { files: all.length, bytes: all.reduce((s, f) => s + f.size, 0), maxFiles: limits.maxFiles, maxBytes: limits.maxBytes },
        allowedActions: actions,
      };
    },
    /** A file's bytes, streamed, with a Content-Disposition that cannot break out of its header. */
    async download(caller: Caller, projectId: string, rawPath: string): Promise<{ stream: Readable; size: number; disposition: string; modified: string }> {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view_results);
      const rel = pathOf(rawPath);
      const r = await files.read(project.id, rel);
      return { ...r, disposition: contentDisposition(rel) };
    },
    async remove(caller: Caller, projectId: string, rawPath: string): Promise<void> {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const rel = pathOf(rawPath);
      if (!(await files.remove(project.id, rel))) throw notFound('File', rel);
      await deps.store.transaction((tx) => deps.audit.record(tx, caller.ctx, { workspaceId: project.workspaceId, action: 'project_file.delete', targetType: 'project', targetId: project.id, details: { path: rel } }));
    },
    /** Adds or replaces a file from a request body (editors; the CLI's runtime writes back this way). */
    async upload(caller: Caller, projectId: string, rawPath: string, body: Readable, size: number | null): Promise<ProjectFileInfo> {
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const rel = pathOf(rawPath);
      const claim = await reserve(project.id, [{ path: rel, bytes: size ?? 0 }]);
      let info: ProjectFileInfo;
      try {
        // A body longer than it said is cut off at the budget, before it replaces anything.
        info = await writeStream(project, rel, body, claim.room);
      } finally {
        claim.release();
      }
      await deps.store.transaction((tx) => deps.audit.record(tx, caller.ctx, { workspaceId: project.workspaceId, action: 'project_file.upload', targetType: 'project', targetId: project.id, details: { path: rel, size: info.size } }));
      return info;
    },
  };

  async function writeStream(project: ProjectRow, rel: string, body: Readable, budget: number): Promise<ProjectFileInfo> {
    await files.receive(project.id, rel, async (dest) => {
      const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomUUID()}.part`);
      let seen = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          seen += chunk.length;
          if (seen > budget) return cb(new AppError('file_limit_exceeded', `This file would bring the project's files over ${gib(limits.maxBytes)} (ATRIUM_PROJECT_FILES_MAX_BYTES). Delete some files first.`, { limit: 'bytes', max: limits.maxBytes }));
          cb(null, chunk);
        },
      });
      try {
        await pipeline(body, meter, fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644 }));
        await fs.promises.rename(tmp, dest);
      } catch (e) {
        await fs.promises.rm(tmp, { force: true });
        throw e;
      }
    });
    const st = await files.stat(project.id, rel);
    if (!st) throw new AppError('internal', 'The file was not stored.');
    return st;
  }

  return { usage, reserve, sqlRoot, store: files, limits, api };
}

export type ProjectFilesService = ReturnType<typeof createProjectFilesService>;
export type ProjectFilesApi = ProjectFilesService['api'];
