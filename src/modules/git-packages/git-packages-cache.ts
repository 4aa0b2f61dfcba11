/**
 * The content-addressed artifact cache of git packages: one tar file per key under
 * `<dir>/<key>.tar`, where the key is a sha256 of (commit, install commands, network switch,
 * sandbox version) — `artifactKey`. A warm install is a `stat`.
 *
 * - **Build once.** Concurrent callers of the same key share one build (an in-process promise
 *   map); a build writes `<key>.tar.tmp-<owner>-<random>` and renames it into place, so a reader
 *   never sees half a file and a crash leaves only a temp file (swept at the next start:
 *   git-packages-leftovers.ts).
 * - **LRU by bytes.** A hit touches the file's mtime; after each build, files are removed oldest
 *   first until the cache fits `budgetBytes` — never the one just built or one being read.
 * - **Shared tier** (optional, multi-node: git-packages-cache-s3.ts). On a local miss the bucket is
 *   asked before building; what a node builds is uploaded before its install ends. The local
 *   directory stays the node's hot tier. A bucket that fails is a warning, never a failed install.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { SharedArtifactStore } from './git-packages-cache-s3.js';
import { OWNER, sweepLeftovers } from './git-packages-leftovers.js';

export interface ArtifactKeyInput {
  commit: string;
  commands: string[];
  network: boolean;
  sandboxVersion: string;
}

export function artifactKey(k: ArtifactKeyInput): string {
  return createHash('sha256').update(JSON.stringify(['atrium-package-artifact/1', k.commit, k.commands, k.network, k.sandboxVersion])).digest('hex');
}

const KEY = /^[0-9a-f]{64}$/;

/** Where an artifact came from: this node's directory, the shared bucket, a build, or a build another caller ran. */
export type ArtifactSource = 'local' | 'shared' | 'built' | 'joined';

export interface PackageCache {
  readonly dir: string;
  /** The artifact's path when cached (and marks it used), else null. */
  lookup(key: string): Promise<string | null>;
  /**
   * The cached artifact (here, else in the shared tier), or builds it once however many callers
   * ask at the same time. `log` hears about the shared tier (a download, an upload, a failure).
   */
  getOrBuild(key: string, build: (tmpPath: string) => Promise<void>, log?: (line: string) => void): Promise<{ path: string; hit: boolean; shared: boolean; source: ArtifactSource }>;
  /** Keeps `key` from eviction while `fn` reads it. */
  hold<T>(key: string, fn: () => Promise<T>): Promise<T>;
  evict(): Promise<{ removed: string[]; bytes: number }>;
  usage(): Promise<{ files: number; bytes: number }>;
  /** Releases the shared tier's connections. */
  close(): void;
}

export function createPackageCache(opts: { dir: string; budgetBytes: number; shared?: SharedArtifactStore }): PackageCache {
  const dir = opts.dir;
  const remote = opts.shared;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Partial files of a crashed build or download (never one a live process is writing).
  sweepLeftovers(dir, (f) => f.includes('.tmp-'));
  const inflight = new Map<string, Promise<{ file: string; source: 'shared' | 'built' }>>();
  const holds = new Map<string, number>();
  const fileOf = (key: string) => {
    if (!KEY.test(key)) throw new Error('invalid artifact key');
    return path.join(dir, `${key}.tar`);
  };

  async function lookup(key: string): Promise<string | null> {
    const f = fileOf(key);
    try {
      const now = new Date();
      await fsp.utimes(f, now, now);
      return f;
    } catch {
      return null;
    }
  }

  async function hold<T>(key: string, fn: () => Promise<T>): Promise<T> {
    holds.set(key, (holds.get(key) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = (holds.get(key) ?? 1) - 1;
      if (n <= 0) holds.delete(key);
      else holds.set(key, n);
    }
  }

  async function entries() {
    const out: { key: string; file: string; size: number; mtimeMs: number }[] = [];
    for (const f of await fsp.readdir(dir)) {
      const m = /^([0-9a-f]{64})\.tar$/.exec(f);
      if (!m) continue;
      try {
        const st = await fsp.stat(path.join(dir, f));
        out.push({ key: m[1]!, file: path.join(dir, f), size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
    return out;
  }

  async function evict(keep?: string) {
    const all = (await entries()).sort((a, b) => a.mtimeMs - b.mtimeMs);
    let bytes = all.reduce((s, e) => s + e.size, 0);
    const removed: string[] = [];
    for (const e of all) {
      if (bytes <= opts.budgetBytes) break;
      if (e.key === keep || holds.has(e.key) || inflight.has(e.key)) continue;
      await fsp.rm(e.file, { force: true });
      bytes -= e.size;
      removed.push(e.key);
    }
    return { removed, bytes };
  }

  const why = (e: unknown) => (e as { name?: string }).name || 'error';

  /** The bucket's copy into `tmp`, verified; false when absent, corrupt or unreachable (then `overwrite` says whether to replace it). */
  async function fromShared(key: string, tmp: string, log: (line: string) => void): Promise<{ got: boolean; overwrite: boolean; down: boolean }> {
    if (!remote) return { got: false, overwrite: false, down: true };
    try {
      const r = await remote.fetch(key, tmp);
      if (r.status === 'fetched') {
        log(`artifact found in the shared cache (${r.bytes} bytes downloaded, sha256 verified): nothing to fetch or run`);
        return { got: true, overwrite: false, down: false };
      }
      if (r.status === 'corrupt') log(`the shared cache's copy is unusable (${r.reason}): building it again`);
      return { got: false, overwrite: r.status === 'corrupt', down: false };
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      log(`the shared cache could not be read (${why(e)}): building here`);
      return { got: false, overwrite: false, down: true };
    }
  }

  async function getOrBuild(key: string, build: (tmpPath: string) => Promise<void>, log: (line: string) => void = () => {}) {
    const hit = await lookup(key);
    if (hit) return { path: hit, hit: true, shared: false, source: 'local' as const };
    const running = inflight.get(key);
    if (running) return { path: (await running).file, hit: false, shared: true, source: 'joined' as const };
    const p = (async () => {
      const tmp = `${fileOf(key)}.tmp-${OWNER}-${randomBytes(6).toString('hex')}`;
      let source: 'shared' | 'built' = 'shared';
      let remoteState = { got: false, overwrite: false, down: true };
      try {
        remoteState = await fromShared(key, tmp, log);
        if (!remoteState.got) {
          source = 'built';
          await build(tmp);
        }
        await fsp.rename(tmp, fileOf(key));
      } catch (e) {
        await fsp.rm(tmp, { force: true });
        throw e;
      }
      // Shared before the install ends, so the next node's import finds it. Still in `inflight`: not evictable meanwhile.
      if (source === 'built' && remote && !remoteState.down) {
        try {
          const r = await remote.put(key, fileOf(key), { overwrite: remoteState.overwrite });
          log(r === 'stored' ? 'artifact stored in the shared cache' : 'another node stored this artifact in the shared cache first');
        } catch (e) {
          log(`the artifact could not be stored in the shared cache (${why(e)}); it stays in this node's cache`);
        }
      }
      return { file: fileOf(key), source };
    })();
    inflight.set(key, p);
    try {
      const r = await p;
      await evict(key);
      return { path: r.file, hit: false, shared: false, source: r.source };
    } finally {
      inflight.delete(key);
    }
  }

  return {
    dir,
    lookup,
    getOrBuild,
    hold,
    evict: () => evict(),
    async usage() {
      const all = await entries();
      return { files: all.length, bytes: all.reduce((s, e) => s + e.size, 0) };
    },
    close: () => remote?.close(),
  };
}
