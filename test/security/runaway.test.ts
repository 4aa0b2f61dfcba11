/**
 * Issue 9, reproduction 5: one runaway SQLite query froze the whole server (/healthz took 42 s),
 * and cancel said "Cancelled" while the query ran on. Through the real HTTP server, on SQLite and
 * on DuckDB: while a runaway query runs, another client polls /healthz every ~50 ms and every
 * poll answers within a generous 1 s; the runaway is killed at its timeout (stored as timed_out);
 * a cancel stops it, its sandbox process is gone, and the run is stored as cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxedSqlConnector } from '../../src/connectors/sql/sql-sandboxed.js';
import { isGone } from '../../src/sandbox/sandbox-test-support.js';
import { DEMO_PASSWORD, type TestApp, startTestApp } from '../helpers/test-app.js';

let t: TestApp;
let base: string;
let headers: Record<string, string>;
let project: string;
let sqliteConn: string;
let duckConn: string;

const SQLITE_RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000000) SELECT count(*) FROM c';
const DUCKDB_RUNAWAY = 'SELECT count(*) FROM range(1000000000000) a, range(1000) b WHERE a.range * b.range = 7';

beforeAll(async () => {
  t = await startTestApp();
  base = await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.local', password: DEMO_PASSWORD }) });
  expect(login.status).toBe(200);
  headers = { 'content-type': 'application/json', cookie: login.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
  const db = t.atrium.services.store.db;
  project = (await db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
  // The demo's default warehouse (a read-only SQLite file): a cell that names no connection uses it.
  sqliteConn = (await db.selectFrom('assets').select('id').where('name', '=', 'Demo warehouse').executeTakeFirstOrThrow()).id;
  const duck = await fetch(`${base}/api/v1/projects/${project}/data-connections`, { method: 'POST', headers, body: JSON.stringify({ name: 'Runaway duck', type: 'duckdb', config: { path: ':memory:' } }) });
  expect(duck.status).toBe(201);
  duckConn = ((await duck.json()) as { id: string }).id;
});

let closed = false;
afterAll(async () => {
  if (!closed) await t?.close();
});

/** Polls /healthz every ~50 ms until stopped; returns every poll's latency. */
function pollHealth(): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
      await r.text();
      expect(r.status).toBe(200);
      latencies.push(performance.now() - started);
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

async function connector(id: string): Promise<SandboxedSqlConnector> {
  const asset = await t.atrium.services.assets.get(id, 'data_connection');
  return (await t.atrium.services.connections.connectorFor(asset)).connector as SandboxedSqlConnector;
}

type Ev = { type: string; error?: { code: string } };
const events = (body: string): Ev[] => body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev);

describe.each([
  ['SQLite', () => sqliteConn, () => undefined, SQLITE_RUNAWAY],
  ['DuckDB', () => duckConn, () => duckConn, DUCKDB_RUNAWAY],
])('a runaway %s query', (_engine, conn, named, sql) => {
  it('is killed at its timeout while /healthz keeps answering', async () => {
    const health = pollHealth();
    let latencies: number[] = [];
    const started = Date.now();
    let res: Response;
    let body: string;
    try {
      res = await fetch(`${base}/api/v1/projects/${project}/queries`, { method: 'POST', headers, body: JSON.stringify({ connectionId: named(), sql, timeoutMs: 1000 }) });
      body = await res.text();
    } finally {
      latencies = await health.stop();
    }
    const elapsed = Date.now() - started;
    const err = res!.status === 200 ? events(body!).at(-1)?.error : (JSON.parse(body!) as { error: { code: string } }).error;
    expect(err?.code).toBe('statement_timeout');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    // The stored run says it was stopped by its time limit: not succeeded, not a plain failure.
    expect(res!.status).toBe(200);
    const stored = await fetch(`${base}/api/v1/projects/${project}/queries/${res!.headers.get('x-query-id')}`, { headers });
    expect(((await stored.json()) as { status: string }).status).toBe('timed_out');
  });

  it('is stopped by a cancel: the run ends cancelled and its sandbox process is gone', async () => {
    const health = pollHealth();
    try {
      await cancelRunaway(conn(), named(), sql);
    } finally {
      const latencies = await health.stop();
      expect(Math.max(...latencies)).toBeLessThan(1000);
    }
  });
});

async function cancelRunaway(conn: string, named: string | undefined, sql: string): Promise<void> {
  {
    const res = await fetch(`${base}/api/v1/projects/${project}/queries`, { method: 'POST', headers, body: JSON.stringify({ connectionId: named, sql, timeoutMs: 60_000 }) });
    expect(res.status).toBe(200);
    const queryId = res.headers.get('x-query-id')!;
    const bodyP = res.text();
    // Wait until the query is running in a worker.
    const c = await connector(conn);
    const deadline = Date.now() + 10_000;
    let pids: number[] = [];
    while (Date.now() < deadline) {
      pids = c.pools().flatMap((p) => p.pids());
      if (pids.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(pids.length).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = await fetch(`${base}/api/v1/projects/${project}/queries/${queryId}/cancel`, { method: 'POST', headers });
    expect(cancelled.status).toBe(202);
    const last = events(await bodyP).at(-1);
    expect(last?.error?.code).toBe('cancelled');
    expect(await isGone(pids[0]!)).toBe(true);
    const stored = await fetch(`${base}/api/v1/projects/${project}/queries/${queryId}`, { headers });
    expect(((await stored.json()) as { status: string }).status).toBe('cancelled');
  }
}

describe('shutdown', () => {
  it('closing the server stops every sandboxed worker', async () => {
    // Warm workers on both engines, then close: none may outlive the server.
    for (const named of [undefined, duckConn]) {
      const res = await fetch(`${base}/api/v1/projects/${project}/queries`, { method: 'POST', headers, body: JSON.stringify({ connectionId: named, sql: 'select 1' }) });
      expect(res.status).toBe(200);
      await res.text();
    }
    const pids = [...(await connector(sqliteConn)).pools(), ...(await connector(duckConn)).pools()].flatMap((p) => p.pids());
    expect(pids.length).toBeGreaterThanOrEqual(2);
    closed = true;
    await t.close();
    for (const pid of pids) expect(await isGone(pid), `worker ${pid} outlived the server`).toBe(true);
  });
});
