/**
 * Imports and exports of a file integration: planned and checked (authorization, existence,
 * limits) before the first byte moves, so those failures are ordinary HTTP errors; then one file
 * at a time, streamed with bounded memory (the S3 connector: temp file, checksum, rename), with
 * progress as events. A failure mid-way ends the stream with an `error` event; the files already
 * moved stay, each whole, and none is left half-written.
 */
import type { S3Connector, S3ObjectInfo } from '../../connectors/s3/s3-connector.js';
import type { Caller, RequestContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { AssetRow } from '../assets/assets-service.js';
import type { AuditService } from '../audit/audit-service.js';
import { integrationFolder, normalizeProjectPath } from '../project-files/project-files-paths.js';
import type { FileReservation, ProjectFilesService } from '../project-files/project-files-service.js';
import type { ProjectRow } from '../projects/projects-service.js';
import { s3Call, transferErrorOf, writebackDisabled } from './file-integrations-errors.js';
import type { FileIntegrationRow } from './file-integrations-repository.js';

const KIND = 'file_integration' as const;

export type TransferEvent =
  | { type: 'start'; direction: 'import' | 'export'; files: number; bytes: number }
  | { type: 'progress'; key: string; path: string; loaded: number; total: number | null; filesDone: number; bytesDone: number }
  | { type: 'file'; key: string; path: string; size: number; verifiedBy: string[]; unverifiedReason?: string }
  | { type: 'end'; files: number; bytes: number; durationMs: number }
  | { type: 'error'; error: { code: string; message: string; details: Record<string, unknown> }; filesDone: number };

/** How often (at most) a transfer reports progress of one file. */
const PROGRESS_EVERY_MS = 250;

type Deps = {
  store: Pick<Store, 'transaction'>;
  audit: Pick<AuditService, 'record'>;
  files: Pick<ProjectFilesService, 'reserve' | 'store'>;
  /** The project and an integration it imports that the caller may use (rule 5). */
  usable(caller: Caller, projectId: string, id: string): Promise<{ project: ProjectRow; a: AssetRow }>;
  row(a: AssetRow): Promise<FileIntegrationRow>;
  connectorOf(a: AssetRow): Promise<{ conn: S3Connector; writeback: boolean; folder: string }>;
};

export function createFileTransfers(deps: Deps, opts: { maxObjects: number }) {
  const { maxObjects } = opts;
  const { usable, row, connectorOf } = deps;

  /**
   * One object by key, with its size, by listing (the key needs s3:ListBucket anyway): the level
   * of keys that start like it, in key order, until it or a later key shows up.
   */
  async function findObject(conn: S3Connector, key: string, signal: AbortSignal): Promise<S3ObjectInfo | null> {
    if (key.endsWith('/')) return null;
    const target = Buffer.from(key);
    let pageToken: string | undefined;
    do {
      const page = await s3Call(conn.list({ prefix: key.slice(0, -1), delimiter: '/', pageToken, signal }));
      const hit = page.objects.find((o) => o.key === key);
      if (hit) return hit;
      // S3 lists in UTF-8 byte order: once a later key is listed, this one does not exist.
      if (page.objects.some((o) => Buffer.compare(Buffer.from(o.key), target) > 0)) return null;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return null;
  }

  /** The objects an import names: each key (must exist) or every object under a prefix. */
  async function planImport(conn: S3Connector, body: { keys?: string[]; prefix?: string }, signal: AbortSignal): Promise<S3ObjectInfo[]> {
    const out = new Map<string, S3ObjectInfo>();
    for (const key of body.keys ?? []) {
      const o = await findObject(conn, key, signal);
      if (!o) throw new AppError('not_found', `No object '${key}' in the bucket.`, { resource: 'object', key });
      out.set(o.key, o);
    }
    if (body.prefix !== undefined) {
      const prefix = body.prefix === '' || body.prefix.endsWith('/') ? body.prefix : `${body.prefix}/`;
      let pageToken: string | undefined;
      do {
        const page = await s3Call(conn.list({ prefix, delimiter: '', pageToken, signal }));
        for (const o of page.objects) if (!o.key.endsWith('/')) out.set(o.key, o);
        if (out.size > maxObjects) throw new AppError('file_limit_exceeded', `More than ${maxObjects} objects under '${prefix}': import a smaller folder.`, { limit: 'objects', max: maxObjects });
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    return [...out.values()];
  }

  /** Where an object lands in the project; a key that is not a safe path is refused, never bent. */
  function destOf(folder: string, key: string): string {
    try {
      return normalizeProjectPath(`${folder}/${key}`);
    } catch {
      throw new AppError('validation_failed', `The object key '${key.slice(0, 200)}' cannot be a project file path (it has '..', '.', empty segments, a backslash or control characters).`, { key: key.slice(0, 200) });
    }
  }

  /**
   * Starts `work` now and streams its events; `emit` queues one. The generator ends when the work
   * does; a failure of the work becomes an `error` event (the HTTP status was sent long ago). The
   * work runs (and cleans up: connection, reserved room, audit) whether or not anyone reads the
   * events: a client that hangs up early cancels it through the signal.
   */
  function eventsOf(work: (emit: (e: TransferEvent) => void) => Promise<void>, filesDone: () => number): AsyncGenerator<TransferEvent> {
    const queue: TransferEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const emit = (e: TransferEvent) => {
      queue.push(e);
      wake?.();
    };
    const p = work(emit).then(
      () => {
        done = true;
        wake?.();
      },
      (e: unknown) => {
        emit({ type: 'error', error: transferErrorOf(e), filesDone: filesDone() });
        done = true;
        wake?.();
      },
    );
    return (async function* () {
      while (true) {
        while (queue.length) yield queue.shift()!;
        if (done) break;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
      await p;
    })();
  }

  function progressReporter(emit: (e: TransferEvent) => void, base: { key: string; path: string }, counters: { files: number; bytes: number }) {
    let last = 0;
    return (p: { loaded: number; total: number | null }) => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && p.loaded !== p.total) return;
      last = now;
      emit({ type: 'progress', key: base.key, path: base.path, loaded: p.loaded, total: p.total, filesDone: counters.files, bytesDone: counters.bytes + p.loaded });
    };
  }

  /**
   * Import: plans and checks (authorization, existence, limits) before the first byte moves, so
   * those failures are ordinary HTTP errors; then one object at a time into the project's store.
   */
  async function startImport(caller: Caller, projectId: string, id: string, body: { keys?: string[]; prefix?: string }, signal: AbortSignal) {
    const { project, a } = await usable(caller, projectId, id);
    const { conn, folder } = await connectorOf(a);
    let plan: { key: string; path: string; size: number }[];
    let room: FileReservation;
    try {
      const objects = await planImport(conn, body, signal);
      plan = objects.map((o) => ({ key: o.key, path: destOf(folder, o.key), size: o.size }));
      // The room is held until the import ends, so a concurrent import or upload counts it.
      room = await deps.files.reserve(project.id, plan.map((f) => ({ path: f.path, bytes: f.size })));
    } catch (e) {
      conn.close();
      throw e;
    }
    const counters = { files: 0, bytes: 0 };
    const started = Date.now();
    const events = eventsOf(async (emit) => {
      try {
        emit({ type: 'start', direction: 'import', files: plan.length, bytes: plan.reduce((s, f) => s + f.size, 0) });
        for (const f of plan) {
          if (signal.aborted) throw new AppError('conflict', 'The import was cancelled.', { cancelled: true });
          const r = await deps.files.store.receive(project.id, f.path, (dest) => conn.download(f.key, dest, { signal, onProgress: progressReporter(emit, f, counters) }));
          room.settle(f.path);
          counters.files++;
          counters.bytes += r.size;
          emit({ type: 'file', key: f.key, path: f.path, size: r.size, verifiedBy: r.verifiedBy, ...(r.unverifiedReason ? { unverifiedReason: r.unverifiedReason } : {}) });
        }
        emit({ type: 'end', files: counters.files, bytes: counters.bytes, durationMs: Date.now() - started });
      } finally {
        room.release();
        conn.close();
        await auditTransfer(caller.ctx, project, a, 'import', counters, plan.length).catch(() => {});
      }
    }, () => counters.files);
    return { events, files: plan.length };
  }

  /** Export: only with writeback; each project file to its key (its path under the integration's folder). */
  async function startExport(caller: Caller, projectId: string, id: string, body: { paths?: string[]; prefix?: string }, signal: AbortSignal) {
    const { project, a } = await usable(caller, projectId, id);
    const r = await row(a);
    if (Number(r.writeback) !== 1) throw writebackDisabled(a.name);
    const folder = integrationFolder(a.name);
    const wanted = new Map<string, { path: string; size: number }>();
    for (const p of body.paths ?? []) {
      const rel = normalizeProjectPath(p);
      const st = await deps.files.store.stat(project.id, rel);
      if (!st) throw new AppError('not_found', `File '${rel}' was not found in this project.`, { resource: 'file', path: rel });
      wanted.set(rel, { path: rel, size: st.size });
    }
    if (body.prefix !== undefined) {
      const dir = body.prefix === '' ? folder : normalizeProjectPath(body.prefix, { folder: true });
      for (const f of await deps.files.store.list(project.id, dir)) wanted.set(f.path, { path: f.path, size: f.size });
    }
    const plan = [...wanted.values()].map((f) => ({ ...f, key: f.path.startsWith(`${folder}/`) ? f.path.slice(folder.length + 1) : f.path }));
    const { conn } = await connectorOf(a);
    const counters = { files: 0, bytes: 0 };
    const started = Date.now();
    const events = eventsOf(async (emit) => {
      try {
        emit({ type: 'start', direction: 'export', files: plan.length, bytes: plan.reduce((s, f) => s + f.size, 0) });
        for (const f of plan) {
          if (signal.aborted) throw new AppError('conflict', 'The export was cancelled.', { cancelled: true });
          const u = await deps.files.store.withLocalCopy(project.id, f.path, (local) => conn.upload(local, f.key, { signal, onProgress: progressReporter(emit, f, counters) }));
          counters.files++;
          counters.bytes += u.size;
          emit({ type: 'file', key: f.key, path: f.path, size: u.size, verifiedBy: u.verifiedBy, ...(u.unverifiedReason ? { unverifiedReason: u.unverifiedReason } : {}) });
        }
        emit({ type: 'end', files: counters.files, bytes: counters.bytes, durationMs: Date.now() - started });
      } finally {
        conn.close();
        await auditTransfer(caller.ctx, project, a, 'export', counters, plan.length).catch(() => {});
      }
    }, () => counters.files);
    return { events, files: plan.length };
  }

  async function auditTransfer(ctx: RequestContext, project: ProjectRow, a: AssetRow, direction: 'import' | 'export', done: { files: number; bytes: number }, planned: number) {
    await deps.store.transaction((tx) =>
      deps.audit.record(tx, ctx, { workspaceId: project.workspaceId, action: `file_integration.${direction}`, targetType: KIND, targetId: a.id, details: { projectId: project.id, files: done.files, bytes: done.bytes, planned, complete: done.files === planned } }),
    );
  }

  return { startImport, startExport };
}
