/**
 * A new, empty DuckDB database file, written by DuckDB itself inside a sandbox: the server process
 * never opens an embedded engine, even for a file of its own with a fixed statement. (SQLite needs
 * no engine for this: an empty file is an empty SQLite database.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxBind } from './sandbox-bwrap.js';
import { SandboxError } from './sandbox-errors.js';
import { runSandboxed } from './sandbox-run.js';
import { packageClosure } from './sandbox-sql-launch.js';

const CREATE = [
  "import { DuckDBInstance } from '@duckdb/node-api';",
  "const db = await DuckDBInstance.create('/out/' + process.argv[2], { threads: '1' });",
  'const conn = await db.connect();',
  "await conn.run('CHECKPOINT');",
  'conn.closeSync();',
  'db.closeSync();',
].join('\n');

/** Writes an empty DuckDB database at `file` (whose directory must exist and must not hold `file`). */
export async function createEmptyDuckdbFile(file: string): Promise<void> {
  const dir = fs.realpathSync(path.dirname(file));
  const script = path.join(dir, `.create-${process.pid}.mjs`);
  fs.writeFileSync(script, CREATE, { mode: 0o644 });
  try {
    const packages = packageClosure(['@duckdb/node-api'], path.dirname(fileURLToPath(import.meta.url)));
    const node = fs.realpathSync(process.execPath);
    const binds: SandboxBind[] = [
      { path: script, dest: '/opt/create.mjs', mode: 'ro' },
      ...packages.map((p): SandboxBind => ({ path: p.dir, dest: path.posix.join('/opt/node_modules', p.name), mode: 'ro' })),
      { path: dir, dest: '/out', mode: 'rw' },
    ];
    if (!node.startsWith('/usr/')) binds.push({ path: path.dirname(path.dirname(node)), mode: 'ro' });
    const r = await runSandboxed({
      command: node,
      args: ['--disable-wasm-trap-handler', '/opt/create.mjs', path.basename(file)],
      binds,
      env: { PATH: '/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp', LANG: 'C.UTF-8' },
      cwd: '/opt',
      network: false,
      fileAccess: 'write',
      limits: { wallMs: 60_000, cpuSeconds: 60, memoryBytes: 4 * 1024 ** 3 },
    });
    if (r.status !== 'ok') throw r.error ?? new SandboxError('sandbox_failed', `Could not create an empty DuckDB database: ${r.stderr.slice(-500)}`);
    // Written by the sandbox's own uid in root mode: give it back to the server's (rootless: already its own).
    if (typeof process.getuid === 'function') fs.chownSync(file, process.getuid(), process.getgid!());
  } finally {
    fs.rmSync(script, { force: true });
  }
}
