/**
 * The content-addressed artifact cache of git packages: one tar file per key under
 * `<dir>/<key>.tar`, where the key is a sha256 of (commit, install commands, network switch,
 * sandbox version) — `artifactKey`. A warm install is a `stat`.
 *
 * - **Build once.** Concurrent callers of the same key share one build (an in-process promise
 *   map); a build writes `<key>.tar.tmp-<random>` and renames it into place, so a reader never
 *   sees half a file and a crash leaves only a temp file (removed by a later start once stale).
 * - **LRU by bytes.** A hit touches the file's mtime; after each build, files are removed oldest
 *   first until the cache fits `budgetBytes` — never the one just built or one being read.
 * - Single node. A multi-node deployment would put the same keys in an S3 bucket (follow-up).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

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
const STALE_TMP_MS = 6 * 3600_000;

export interface PackageCache {
  readonly dir: string;
  /** The artifact's path when cached (and marks it used), else null. */
  lookup(key: string): Promise<string | null>;
  /** The cached artifact, or builds it once however many callers ask at the same time. */
  getOrBuild(key: string, build: (tmpPath: string) => Promise<void>): Promise<{ path: string; hit: boolean; shared: boolean }>;
  /** Keeps `key` from eviction while `fn` reads it. */
  hold<T>(key: string, fn: () => Promise<T>): Promise<T>;
  evict(): Promise<{ removed: string[]; bytes: number }>;
  usage(): Promise<{ files: number; bytes: number }>;
}

export function createPackageCache(opts: { dir: string; budgetBytes: number }): PackageCache {
  const dir = opts.dir;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Leftovers of a crash. Only old ones: another process on this data directory (the CLI, a second
  // server) may be writing a fresh one right now.
  for (const f of fs.readdirSync(dir)) {
    if (!f.includes('.tmp-')) continue;
    const p = path.join(dir, f);
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > STALE_TMP_MS) fs.rmSync(p, { force: true });
    } catch {
      // gone meanwhile
    }
  }
  const inflight = new Map<string, Promise<string>>();
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

  async function getOrBuild(key: string, build: (tmpPath: string) => Promise<void>) {
    const hit = await lookup(key);
    if (hit) return { path: hit, hit: true, shared: false };
    const running = inflight.get(key);
    if (running) return { path: await running, hit: false, shared: true };
    const p = (async () => {
      const tmp = `${fileOf(key)}.tmp-${randomBytes(6).toString('hex')}`;
      try {
        await build(tmp);
        await fsp.rename(tmp, fileOf(key));
      } catch (e) {
        await fsp.rm(tmp, { force: true });
        throw e;
      }
      return fileOf(key);
    })();
    inflight.set(key, p);
    try {
      const file = await p;
      await evict(key);
      return { path: file, hit: false, shared: false };
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
  };
}
