/*
 * Issue 9, points 2–5 and 7 (PRAGMA temp_store_directory): one end-to-end check each, through the
 * HTTP API, of what a SQL cell on an embedded engine must not be able to do. The sandbox's own
 * tests (test/security/sandbox-*.test.ts, runaway.test.ts) go deeper; these only say that the
 * attack from the issue, sent as a member would send it, leaves the server and the other
 * connections' files as they were.
 *
 * On the code as it was when these tests were written (before the sandbox), FAILED:
 *   - point 2: the guest's DuckDB COPY replaced demo-warehouse.db with a CSV (hash changed), and
 *     read_blob() returned the Finance database's bytes;
 *   - point 3: `;VACUUM INTO` on the read-only default warehouse wrote a copy outside the files dir;
 *   - point 4: `EXPLAIN ANALYZE COPY … TO` wrote a file through a read-only DuckDB connection;
 *   - point 5: the runaway query blocked the event loop (/healthz waited for it) and ran far past
 *     its 1 s timeout;
 *   - point 7: `PRAGMA temp_store_directory` from one cell changed the setting every other SQLite
 *     connection of the process sees.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/test-app.js';
import { type DemoIds, filesDirOf, readSql, runSql, sha256File, startDemoSession } from './security-app.js';

let t: TestApp;
let ids: DemoIds;
let guest: Client;
let editor: Client;
let admin: Client;
let files: string;

beforeAll(async () => {
  ({ t, ids, guest, editor, admin } = await startDemoSession());
  files = filesDirOf(t);
});
afterAll(async () => t?.close());

async function guestDuck(name: string, readOnly = false): Promise<string> {
  const res = await guest.post(`/api/v1/projects/${ids.interview}/data-connections`, { name, type: 'duckdb', config: { path: ':memory:' }, readOnly });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('point 2: DuckDB cannot touch other connections’ files', () => {
  it('COPY … TO the default warehouse’s file leaves it intact', async () => {
    const warehouse = path.join(files, 'demo-warehouse.db');
    const before = sha256File(warehouse);
    const backup = `${warehouse}.redteam-backup`;
    fs.copyFileSync(warehouse, backup);
    const conn = await guestDuck('scratch copy');
    const out = await runSql(guest, ids.interview, { connectionId: conn, sql: `COPY (select 42 a) TO '${warehouse}' (FORMAT csv)` });
    const after = sha256File(warehouse);
    // Put the warehouse back either way, so the tests after this one attack a working server.
    if (after !== before) fs.copyFileSync(backup, warehouse);
    fs.rmSync(backup);
    expect(after, 'the COPY replaced the warehouse file').toBe(before);
    expect(out.error, 'the COPY succeeded').not.toBeNull();
    // And the warehouse still answers for the people who may use it.
    const ok = await runSql(editor, ids.revenue, { sql: 'select count(*) from sales' });
    expect(ok.error).toBeNull();
    expect(ok.rows).toEqual([[2000]]);
  });

  it('read_blob() of the Finance database returns nothing', async () => {
    const conn = await guestDuck('scratch blob');
    const out = await runSql(guest, ids.interview, { connectionId: conn, sql: `select content from read_blob('${path.join(files, 'demo-finance.db')}')` });
    expect(out.rows).toEqual([]);
    expect(out.body).not.toContain('payroll');
  });
});

describe('point 3: a leading ; does not get VACUUM INTO past the SQLite filter', () => {
  it(';VACUUM INTO on the read-only default warehouse writes no copy anywhere', async () => {
    const targets = [path.join(t.db.dataDir, 'stolen-copy.db'), path.join(os.tmpdir(), `atrium-redteam-${process.pid}-${Date.now()}.db`)];
    for (const target of targets) {
      const out = await runSql(editor, ids.revenue, { sql: `;VACUUM INTO '${target}'` });
      const exists = fs.existsSync(target);
      if (exists) fs.rmSync(target, { force: true });
      expect(exists, `a copy of the warehouse was written to ${target}`).toBe(false);
      expect(out.error).not.toBeNull();
    }
  });
});

describe('point 4: EXPLAIN ANALYZE does not bypass DuckDB’s read-only check', () => {
  it('EXPLAIN ANALYZE COPY … TO through a read-only connection writes nothing', async () => {
    const conn = await guestDuck('read-only duck', true);
    const target = path.join(files, `explain-${Date.now()}.csv`);
    const out = await runSql(guest, ids.interview, { connectionId: conn, sql: `EXPLAIN ANALYZE COPY (select 1 a) TO '${target}' (FORMAT csv)` });
    const exists = fs.existsSync(target);
    if (exists) fs.rmSync(target, { force: true });
    expect(exists, 'EXPLAIN ANALYZE COPY wrote a file').toBe(false);
    expect(out.error).not.toBeNull();
  });
});

describe('point 5: one SQLite query does not freeze the server', () => {
  it('a runaway recursive CTE with timeoutMs 1000 neither blocks /healthz nor outlives its timeout', async () => {
    // 30M rows: seconds of work in-process — long enough to show a blocked event loop, short
    // enough not to hang the suite when it is blocked.
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 30000000) SELECT count(*) FROM c';
    const started = Date.now();
    let done = false;
    const running = editor.post(`/api/v1/projects/${ids.revenue}/queries`, { sql, timeoutMs: 1000 }).then((res) => {
      done = true;
      return { res, at: Date.now() };
    });
    // Poll every 100 ms while it runs; each poll is timed from when it was due, so a poll the
    // blocked event loop could not even start counts as waiting.
    const polls: number[] = [];
    for (let i = 1; !done && i <= 40; i++) {
      const due = started + i * 100;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const h = await t.anonymous.get('/healthz');
      expect(h.statusCode).toBe(200);
      polls.push(Date.now() - due);
    }
    const { res, at } = await running;
    const out = readSql(res);
    expect(polls.length).toBeGreaterThan(0);
    expect(Math.max(...polls), `healthz waited up to ${Math.max(...polls)} ms behind the query`).toBeLessThan(1000);
    expect(at - started, 'the query ran far past its 1 s timeout').toBeLessThan(3000);
    expect(out.error?.code, `the runaway was not stopped: ${out.body.slice(0, 300)}`).toMatch(/timeout/);
    // The stored run says it timed out, not that it succeeded.
    const list = (await editor.get(`/api/v1/projects/${ids.revenue}/queries`)).json().queries as { sql: string; status: string }[];
    const stored = list.find((q) => q.sql === sql);
    expect(stored?.status).not.toBe('succeeded');
  });
});

describe('point 7: PRAGMA temp_store_directory cannot change a process-wide setting', () => {
  it('a cell setting it does not change what other SQLite connections see', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-redteam-temp-'));
    try {
      const read = async () => (await runSql(admin, ids.churn, { connectionId: ids.finance, sql: 'PRAGMA temp_store_directory' })).rows;
      const before = await read();
      await runSql(editor, ids.revenue, { sql: `PRAGMA temp_store_directory = '${dir}'` });
      const after = await read();
      expect(JSON.stringify(after)).not.toContain(dir);
      expect(after).toEqual(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
