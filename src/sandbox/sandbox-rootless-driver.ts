/**
 * Test support (not a test itself): the sandbox as a server that is NOT root uses it. The tests
 * run as root, so sandbox-rootless.test.ts starts this file with `setpriv --reuid=<uid>` and
 * `node --import tsx`, then sends it one JSON request per line on stdin; it answers one JSON line
 * per request on stdout (requests may overlap: answers carry the request's id).
 *
 *   { id, op: 'mode' }                                   → { id, mode, uid, gid, pid }
 *   { id, op: 'run', opts, abortAfterMs? }               → { id, result }        (runSandboxed)
 *   { id, op: 'sql', pool, sql, readOnly?, timeoutMs? }  → { id, rows, error, stopped, pid, initPid }
 *   { id, op: 'closePools' }                             → { id }
 *   { id, op: 'createDuckdb', file }                     → { id }                (createEmptyDuckdbFile)
 * A failure of the request itself answers { id, fail: { code, message } }.
 */
import readline from 'node:readline';
import { sandboxMode } from './sandbox-bwrap.js';
import { SandboxError } from './sandbox-errors.js';
import { type RunOptions, runSandboxed } from './sandbox-run.js';
import { createEmptyDuckdbFile } from './sandbox-sql-create.js';
import { type SqlPoolOptions, SqlWorkerPool } from './sandbox-sql-pool.js';
import type { Reply } from './sandbox-sql-protocol.js';

type Request =
  | { id: number; op: 'mode' }
  | { id: number; op: 'run'; opts: RunOptions; abortAfterMs?: number }
  | { id: number; op: 'sql'; pool: Omit<SqlPoolOptions, 'maxWorkers'>; sql: string; readOnly?: boolean; timeoutMs?: number }
  | { id: number; op: 'closePools' }
  | { id: number; op: 'createDuckdb'; file: string };

const pools = new Map<string, SqlWorkerPool>();

function pool(o: Omit<SqlPoolOptions, 'maxWorkers'>): SqlWorkerPool {
  const key = JSON.stringify(o);
  let p = pools.get(key);
  if (!p) {
    p = new SqlWorkerPool({ ...o, maxWorkers: 1 });
    pools.set(key, p);
  }
  return p;
}

/** SQL straight to a worker (no text filter), as sql-sandboxed.test.ts does; a timeout kills the worker. */
async function sql(r: Extract<Request, { op: 'sql' }>): Promise<object> {
  const l = await pool(r.pool).acquire();
  const w = l.worker;
  const rows: unknown[][] = [];
  let error: string | null = null;
  let stopped: string | null = null;
  const timer = r.timeoutMs ? setTimeout(() => w.kill('timeout'), r.timeoutMs) : null;
  try {
    for await (const m of w.request({ op: 'query', sql: r.sql, params: [], maxRows: 1000, batchSize: 100, readOnly: r.readOnly ?? false }) as AsyncGenerator<Reply>) {
      if ('id' in m && m.t === 'rows') rows.push(...m.rows);
      if ('id' in m && m.t === 'error') error = m.error.message;
    }
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    stopped = e.code;
    await w.proc.exited;
  } finally {
    if (timer) clearTimeout(timer);
    l.release(stopped === null);
  }
  return { rows, error, stopped, pid: w.proc.pid, initPid: w.proc.initPid };
}

async function handle(r: Request): Promise<object> {
  switch (r.op) {
    case 'mode':
      return { mode: sandboxMode(), uid: process.getuid!(), gid: process.getgid!(), pid: process.pid };
    case 'run': {
      const ac = new AbortController();
      const t = r.abortAfterMs !== undefined ? setTimeout(() => ac.abort(), r.abortAfterMs) : null;
      try {
        const res = await runSandboxed({ ...r.opts, signal: ac.signal });
        return { result: { ...res, error: res.error ? { code: res.error.code, message: res.error.message } : null } };
      } finally {
        if (t) clearTimeout(t);
      }
    }
    case 'sql':
      return sql(r);
    case 'closePools': {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close()));
      return {};
    }
    case 'createDuckdb':
      await createEmptyDuckdbFile(r.file);
      return {};
  }
}

const answer = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const r = JSON.parse(line) as Request;
  handle(r).then(
    (o) => answer({ id: r.id, ...o }),
    (e: unknown) => answer({ id: r.id, fail: { code: (e as { code?: string }).code ?? 'error', message: (e as Error).message } }),
  );
}).on('close', () => {
  void Promise.all([...pools.values()].map((p) => p.close())).then(() => process.exit(0));
});
