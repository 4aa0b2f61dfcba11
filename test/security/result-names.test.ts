/*
 * Issue 9, point 7 — a stored query result named its connection to callers who may not see it.
 *
 * Results are not assets (DESIGN rule 6): anyone who can view the project reads them. But the
 * connection's name is an asset's name (rule 2: no access, no name). The demo's web-shared
 * "Public KPIs" has a stored result from the "Demo warehouse" (access: workspace).
 * Safe outcome: the anonymous web viewer and the guest (neither may see the warehouse) get the
 * rows without the connection's name; an editor with access still sees it (positive control).
 *
 * On the code as it was when these tests were written (before the fix), FAILED: both the list
 * and the single result answered "connectionName": "Demo warehouse" to anonymous and the guest.
 * PASSED already: the positive control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/test-app.js';
import { type DemoIds, demoIds, startApp } from './security-app.js';

let t: TestApp;
let ids: DemoIds;
let queryId: string;

beforeAll(async () => {
  t = await startApp();
  ids = await demoIds(t);
  const editor = await t.login('editor@demo.local');
  const list = await editor.get(`/api/v1/projects/${ids.kpis}/queries`);
  expect(list.statusCode, list.body).toBe(200);
  queryId = list.json().queries[0].id;
});
afterAll(async () => t?.close());

async function bodies(c: Client) {
  const list = await c.get(`/api/v1/projects/${ids.kpis}/queries`);
  const one = await c.get(`/api/v1/projects/${ids.kpis}/queries/${queryId}`);
  expect(list.statusCode, list.body).toBe(200);
  expect(one.statusCode, one.body).toBe(200);
  return { list: list.body, one: one.body, rows: one.json().rows as unknown[] };
}

describe('point 7: stored results do not name a connection the caller may not see', () => {
  it('the anonymous web viewer reads the result but not the connection’s name', async () => {
    const b = await bodies(t.anonymous);
    expect(b.rows.length).toBeGreaterThan(0);
    expect(b.list).not.toContain('Demo warehouse');
    expect(b.one).not.toContain('Demo warehouse');
  });

  it('the guest (no access to the warehouse) likewise', async () => {
    const b = await bodies(await t.login('guest@demo.local'));
    expect(b.rows.length).toBeGreaterThan(0);
    expect(b.list).not.toContain('Demo warehouse');
    expect(b.one).not.toContain('Demo warehouse');
  });

  it('positive control: the editor (with access) sees it', async () => {
    const b = await bodies(await t.login('editor@demo.local'));
    expect(b.one).toContain('Demo warehouse');
  });
});
