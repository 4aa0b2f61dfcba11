/*
 * Issue 9, point 1 — "A guest reads and writes a Data-Team-only database."
 *
 * Attack: the demo guest has can_edit on "Interview exercise" only and no access to the
 * "Finance" connection (Data Team). They create a *project* SQLite connection whose `path` is the
 * Finance connection's file, with readOnly: false, then `select * from payroll` and
 * `update payroll …`. Safe outcome: a project connection cannot name a file that belongs to
 * another connection or to Atrium — refused with a 4xx before anything is opened; only workspace
 * admins may point a connection at an existing file in the files directory.
 *
 * On the code as it was when these tests were written (before the fix), FAILED:
 *   - every "refuses …" test below: the guest's connection was created (201), the payroll rows
 *     came back and the update succeeded; the editor and the PATCH / test routes likewise.
 * PASSED already: the admin's positive control, and the path into Atrium's own data directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/test-app.js';
import { type DemoIds, filesDirOf, runSql, sha256File, startDemoSession } from './security-app.js';

let t: TestApp;
let ids: DemoIds;
let guest: Client;
let editor: Client;
let admin: Client;
let files: string;
let financeFile: string;
let warehouseFile: string;

beforeAll(async () => {
  ({ t, ids, guest, editor, admin } = await startDemoSession());
  files = filesDirOf(t);
  financeFile = path.join(files, 'demo-finance.db');
  warehouseFile = path.join(files, 'demo-warehouse.db');
  expect(fs.existsSync(financeFile)).toBe(true);
});
afterAll(async () => t?.close());

/** A refusal: a 4xx in the one error shape, and not a 404 for the route itself. */
function expectRefused(res: { statusCode: number; json(): any; body: string }) {
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, res.body).toBeLessThan(500);
  expect(res.json().error.code).not.toBe('route_not_found');
}

/** Whatever the creation answered, the guest must not be able to read or change payroll through it. */
async function expectNoPayrollThrough(c: Client, projectId: string, created: { statusCode: number; json(): any }) {
  if (created.statusCode !== 201) return;
  const id = created.json().id as string;
  const read = await runSql(c, projectId, { connectionId: id, sql: 'select * from payroll' });
  expect(read.rows, 'payroll rows came back').toEqual([]);
  const write = await runSql(c, projectId, { connectionId: id, sql: "update payroll set monthly_salary = 1 where employee = 'Ada'" });
  expect(write.error, 'the update succeeded').not.toBeNull();
}

describe('point 1: a project connection cannot name another connection’s file', () => {
  it('refuses the guest’s project SQLite connection to the Finance file (readOnly: false)', async () => {
    const before = sha256File(financeFile);
    const res = await guest.post(`/api/v1/projects/${ids.interview}/data-connections`, { name: 'mine', type: 'sqlite', config: { path: financeFile }, readOnly: false });
    try {
      expectRefused(res);
    } finally {
      await expectNoPayrollThrough(guest, ids.interview, res);
    }
    expect(sha256File(financeFile)).toBe(before);
  });

  it.each([
    ['a /./ detour', (f: string) => `${path.dirname(f)}/./${path.basename(f)}`],
    ['a ../ detour', (f: string) => `${path.dirname(f)}/x/../${path.basename(f)}`],
    ['a doubled slash', (f: string) => `${path.dirname(f)}//${path.basename(f)}`],
  ])('refuses the Finance file spelled with %s', async (_n, spell) => {
    const res = await guest.post(`/api/v1/projects/${ids.interview}/data-connections`, { name: `mine ${_n}`, type: 'sqlite', config: { path: spell(financeFile) } });
    try {
      expectRefused(res);
    } finally {
      await expectNoPayrollThrough(guest, ids.interview, res);
    }
  });

  it('refuses a symlink the guest did not make but finds in the files directory', async () => {
    const link = path.join(files, 'innocent-looking.db');
    fs.symlinkSync(financeFile, link);
    const res = await guest.post(`/api/v1/projects/${ids.interview}/data-connections`, { name: 'via link', type: 'sqlite', config: { path: link } });
    try {
      expectRefused(res);
    } finally {
      await expectNoPayrollThrough(guest, ids.interview, res);
      fs.rmSync(link, { force: true });
    }
  });

  it('refuses DuckDB pointed at the Finance file too', async () => {
    const res = await guest.post(`/api/v1/projects/${ids.interview}/data-connections`, { name: 'duck', type: 'duckdb', config: { path: financeFile } });
    expectRefused(res);
  });

  it('refuses the default warehouse’s file (the guest has no access to it either)', async () => {
    const res = await guest.post(`/api/v1/projects/${ids.interview}/data-connections`, { name: 'wh', type: 'sqlite', config: { path: warehouseFile }, readOnly: false });
    try {
      expectRefused(res);
    } finally {
      await expectNoPayrollThrough(guest, ids.interview, res);
    }
  });

  it('refuses “test connection” on the Finance file (it opens the file)', async () => {
    const res = await guest.post(`/api/v1/projects/${ids.interview}/data-connections/test`, { type: 'sqlite', config: { path: financeFile } });
    expectRefused(res);
  });

  it('refuses moving an existing project connection onto the Finance file with PATCH', async () => {
    // A DuckDB in-memory connection is a file of nobody's: the guest may have it.
    const own = await guest.post(`/api/v1/projects/${ids.interview}/data-connections`, { name: 'scratch', type: 'duckdb', config: { path: ':memory:' } });
    expect(own.statusCode, own.body).toBe(201);
    const id = own.json().id as string;
    const res = await guest.patch(`/api/v1/projects/${ids.interview}/data-connections/${id}`, { config: { path: financeFile } });
    expectRefused(res);
    const read = await runSql(guest, ids.interview, { connectionId: id, sql: 'select * from payroll' });
    expect(read.rows).toEqual([]);
  });

  it('refuses an editor who is not an admin (a Data Team member) as well: only admins point at existing files', async () => {
    const res = await editor.post(`/api/v1/projects/${ids.revenue}/data-connections`, { name: 'finance copy', type: 'sqlite', config: { path: financeFile }, readOnly: false });
    try {
      expectRefused(res);
    } finally {
      await expectNoPayrollThrough(editor, ids.revenue, res);
    }
  });

  it('never reaches Atrium’s own database', async () => {
    const own = fs.readdirSync(t.db.dataDir).find((f) => f.endsWith('.db') || f.endsWith('.sqlite'));
    const target = own ? path.join(t.db.dataDir, own) : path.join(t.db.dataDir, 'atrium.db');
    for (const c of [guest, admin]) {
      const res = await c.post(c === admin ? `/api/v1/workspaces/${ids.ws}/data-connections` : `/api/v1/projects/${ids.interview}/data-connections`, { name: 'store', type: 'sqlite', config: { path: target } });
      expectRefused(res);
    }
  });

  it('positive control: a workspace admin may still point a workspace connection at an existing file that no connection owns', async () => {
    const loose = path.join(files, 'uploaded-by-ops.db');
    fs.copyFileSync(warehouseFile, loose);
    const res = await admin.post(`/api/v1/workspaces/${ids.ws}/data-connections`, { name: 'Ops copy', type: 'sqlite', config: { path: loose }, readOnly: true });
    expect(res.statusCode, res.body).toBe(201);
  });
});
