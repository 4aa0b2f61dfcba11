/**
 * Starting one sandboxed embedded-engine worker (for the pools of sandbox-sql-pool.ts).
 *
 * What a worker's sandbox contains: node (under /usr, or its own install dir read-only), the worker
 * script, the engine's npm packages and their dependencies (read-only, at their host paths, so
 * node resolves them as usual), and the database:
 *   - read-only: the file alone, bound read-only (plus existing `-wal`/`-shm`), opened read-only;
 *   - read-write: the file's directory, bound read-write (SQLite's journal and DuckDB's `.wal`
 *     live next to the file), with every other entry present in it masked (empty file / empty
 *     directory). A read-write connection should have a directory of its own: a file created in
 *     that directory after the worker started would be visible to it.
 *   - `:memory:` (DuckDB): no file at all.
 *   - `readOnlyDirs`: extra directories bound read-only at their own paths (DuckDB may read them).
 *   - `projectDir`: a project's files, bound read-only at /project, the working directory.
 * Never the repository, the data directory or anything else.
 *
 * Running the worker: from `dist/` the compiled `sandbox-sql-worker.js` runs as an ES module
 * (bound as `.mjs`, since its package.json is not there); from the TypeScript sources (tests,
 * `tsx`) the `.ts` file is bound as `.mts` and node runs it with `--import tsx`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SandboxBind, type SandboxLimits, sandboxMode } from './sandbox-bwrap.js';
import { SandboxError } from './sandbox-errors.js';
import { type SandboxProcess, spawnSandboxed } from './sandbox-process.js';
import type { SqlPoolOptions } from './sandbox-sql-pool.js';
import type { Engine, OpenRequest } from './sandbox-sql-protocol.js';

const SANDBOX_ROOT_FOR_DB = '/db';
const WORKER_DIR_INSIDE = '/worker';
const WORKER_INSIDE = '/worker/sandbox-sql-worker.mjs';
const PROJECT_INSIDE = '/project';

export const DEFAULT_WORKER_LIMITS: SandboxLimits = {
  memoryBytes: 4 * 1024 ** 3,
  processes: 128,
  cpuSeconds: 3600,
  tmpBytes: 256 * 1024 ** 2,
  fileBytes: 64 * 1024 ** 3,
  openFiles: 256,
};

let compiled: Promise<string> | null = null;

/**
 * The worker script on the host. From dist/ it is the compiled sibling. From the TypeScript
 * sources (vitest, tsx) it is transpiled once per process with esbuild (a dev dependency, there
 * whenever the sources run) into a private temp file: the sandbox then holds plain JavaScript in
 * both cases, and no TypeScript loader runs inside it.
 */
export async function workerScriptPath(): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return path.join(path.dirname(here), 'sandbox-sql-worker.js');
  compiled ??= (async () => {
    const esbuild = await import('esbuild');
    const src = path.join(path.dirname(here), 'sandbox-sql-worker.ts');
    const out = await esbuild.transform(fs.readFileSync(src, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: src });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sandbox-worker-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'sandbox-sql-worker.mjs');
    fs.writeFileSync(file, out.code, { mode: 0o644 });
    return file;
  })();
  return compiled;
}

const ENGINE_PACKAGES: Record<Engine, string[]> = {
  sqlite: ['better-sqlite3'],
  duckdb: ['@duckdb/node-api'],
};

/** The host directory of an installed package, found as node would from `fromDir`. */
function findPackage(name: string, fromDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Install-time tools an engine package depends on but never loads at run time. */
const INSTALL_ONLY = new Set(['prebuild-install', 'node-gyp', 'node-gyp-build']);
const closureCache = new Map<string, { name: string; dir: string }[]>();

/**
 * A package and, recursively, its installed run-time dependencies (optional ones when present),
 * as (name, host dir). They are laid out flat in the sandbox, so one name must mean one copy.
 */
export function packageClosure(names: string[], fromDir: string): { name: string; dir: string }[] {
  const key = `${fromDir}\0${names.join(',')}`;
  const cached = closureCache.get(key);
  if (cached) return cached;
  const found = new Map<string, string>();
  const visit = (name: string, from: string, optional: boolean) => {
    if (INSTALL_ONLY.has(name)) return;
    const dir = findPackage(name, from);
    if (!dir) {
      if (optional) return;
      throw new Error(`the package ${name} is not installed (needed inside the sandbox)`);
    }
    const seen = found.get(name);
    if (seen === dir) return;
    if (seen) throw new Error(`two copies of ${name} (${seen}, ${dir}) would be needed inside the sandbox`);
    found.set(name, dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const d of Object.keys(pkg.dependencies ?? {})) visit(d, dir, false);
    for (const d of Object.keys(pkg.optionalDependencies ?? {})) visit(d, dir, true);
  };
  for (const n of names) visit(n, fromDir, false);
  const out = [...found].map(([name, dir]) => ({ name, dir }));
  closureCache.set(key, out);
  return out;
}

/** The binds of the database: see the module header. Exported for tests. */
export function databaseBinds(file: string, readOnly: boolean): { binds: SandboxBind[]; inside: string } {
  if (file === ':memory:') return { binds: [], inside: ':memory:' };
  const real = fs.realpathSync(file);
  const base = path.basename(real);
  const inside = path.posix.join(SANDBOX_ROOT_FOR_DB, base);
  if (readOnly) {
    return {
      inside,
      binds: [
        { path: real, dest: inside, mode: 'ro' },
        { path: `${real}-wal`, dest: `${inside}-wal`, mode: 'ro', optional: true },
        { path: `${real}-shm`, dest: `${inside}-shm`, mode: 'ro', optional: true },
        { path: `${real}.wal`, dest: `${inside}.wal`, mode: 'ro', optional: true },
      ],
    };
  }
  const dir = path.dirname(real);
  // Engines test for side files (a hot journal, a WAL) with access(2), which ignores the
  // worker's capabilities: a directory others cannot search would hide them — and DuckDB would
  // then create a fresh database over the file. Refuse rather than risk the data. (A rootless
  // worker runs as the server's own uid: it sees what the server sees.)
  if (sandboxMode() === 'root' && (fs.statSync(dir).mode & 0o001) === 0) {
    throw new SandboxError('sandbox_failed', `The directory of a read-write database file must be searchable by other users (chmod o+x ${dir}): the sandboxed engine runs as an unprivileged user.`);
  }
  const own = new Set([base, `${base}-wal`, `${base}-shm`, `${base}-journal`, `${base}.wal`, `${base}.tmp`]);
  const binds: SandboxBind[] = [{ path: dir, dest: SANDBOX_ROOT_FOR_DB, mode: 'rw' }];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (own.has(e.name)) continue;
    // Other entries of the directory are hidden; symlinks dangle inside (nothing they name is bound).
    if (e.isDirectory()) binds.push({ path: '/', dest: path.posix.join(SANDBOX_ROOT_FOR_DB, e.name), mode: 'hide' });
    else if (!e.isSymbolicLink()) binds.push({ path: '/dev/null', dest: path.posix.join(SANDBOX_ROOT_FOR_DB, e.name), mode: 'ro' });
  }
  return { binds, inside };
}

export async function launchWorker(o: SqlPoolOptions): Promise<{ proc: SandboxProcess; open: OpenRequest }> {
  const script = fs.realpathSync(o.workerScript ?? (await workerScriptPath()));
  // The script sits in the sandbox next to a node_modules holding exactly the engine's packages.
  const packages = packageClosure(ENGINE_PACKAGES[o.engine], path.dirname(fileURLToPath(import.meta.url)));
  const db = databaseBinds(o.file, o.readOnly);
  const readOnlyDirs = (o.readOnlyDirs ?? []).map((d) => fs.realpathSync(d));
  const projectDir = o.projectDir ? fs.realpathSync(o.projectDir) : null;
  const binds: SandboxBind[] = [
    { path: script, dest: WORKER_INSIDE, mode: 'ro' },
    ...packages.map((p): SandboxBind => ({ path: p.dir, dest: path.posix.join(WORKER_DIR_INSIDE, 'node_modules', p.name), mode: 'ro' })),
    ...db.binds,
    ...readOnlyDirs.map((d): SandboxBind => ({ path: d, mode: 'ro' })),
    ...(projectDir ? [{ path: projectDir, dest: PROJECT_INSIDE, mode: 'ro' } satisfies SandboxBind] : []),
  ];
  const node = fs.realpathSync(process.execPath);
  if (!node.startsWith('/usr/')) binds.push({ path: path.dirname(path.dirname(node)), mode: 'ro' });
  const limits = { ...DEFAULT_WORKER_LIMITS, ...(o.limits ?? {}) };
  const proc = spawnSandboxed({
    command: node,
    // Without the trap handler, WebAssembly (node's own lexers) fits in the address-space limit.
    args: ['--disable-wasm-trap-handler', WORKER_INSIDE],
    binds,
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp', LANG: 'C.UTF-8' },
    // Relative paths in a DuckDB cell resolve against the project's files (node finds the
    // engine's packages next to the script, whatever the working directory).
    cwd: projectDir ? PROJECT_INSIDE : WORKER_DIR_INSIDE,
    network: false,
    limits,
    fileAccess: o.readOnly ? 'read' : 'write',
  });
  const open: OpenRequest = {
    op: 'open',
    engine: o.engine,
    path: db.inside,
    readOnly: o.readOnly,
    memoryLimitMb: o.duckdbMemoryLimitMb ?? 1024,
    threads: o.duckdbThreads ?? 2,
    allowedDirs: projectDir ? [...readOnlyDirs, PROJECT_INSIDE] : readOnlyDirs,
  };
  return { proc, open };
}
