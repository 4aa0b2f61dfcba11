/*
 * Issue 9, point 7 — secrets reachable by the wrong callers.
 *
 * (a) A read-only API token read every secret of a project through GET /projects/{p}/runtime/env
 *     (a GET, so the token's missing write scope was never asked for). Safe outcome: 403 — the
 *     values leave only with the write scope, as with POST …/reveal.
 * (b) An anonymous caller of a web-shared project's GET …/secrets got each secret's groups and
 *     last use (DESIGN rule 2: "a secret's groups or last use … no access, no name").
 *     Safe outcome: no groups, no last use for callers without access to the secret.
 *
 * On the code as it was when these tests were written (before the fix), FAILED: (a) the read
 * token got 200 with the values; (b) anonymous and the guest saw `access` and `lastUsedAt`.
 * PASSED already: the positive controls (a write token, an editor with access).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/test-app.js';
import { type DemoIds, startDemoSession } from './security-app.js';

let t: TestApp;
let ids: DemoIds;
let admin: Client;
let editor: Client;
let demoValue: string;

beforeAll(async () => {
  ({ t, ids, admin, editor } = await startDemoSession());
  const r = await admin.post(`/api/v1/projects/${ids.churn}/secrets/DEMO_API_TOKEN/reveal`);
  expect(r.statusCode, r.body).toBe(200);
  demoValue = JSON.stringify(r.json()).match(/demo-[\w-]+/)![0];
});
afterAll(async () => t?.close());

describe('point 7: a read-only token cannot read secrets', () => {
  it('GET /projects/{p}/runtime/env with a read-only token is refused', async () => {
    const reader = await t.tokenClient('editor@demo.local', ['read']);
    const r = await reader.get(`/api/v1/projects/${ids.churn}/runtime/env`);
    expect(r.statusCode, r.body).toBe(403);
    expect(r.body).not.toContain(demoValue);
    const reveal = await reader.post(`/api/v1/projects/${ids.churn}/secrets/DEMO_API_TOKEN/reveal`);
    expect(reveal.statusCode).toBe(403);
    expect(reveal.body).not.toContain(demoValue);
  });

  it('positive control: a write token of the same user gets the environment', async () => {
    const writer = await t.tokenClient('editor@demo.local', ['read', 'write']);
    const r = await writer.get(`/api/v1/projects/${ids.churn}/runtime/env`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toContain(demoValue);
  });
});

describe('point 7: no groups or last use of secrets for callers without access', () => {
  beforeAll(async () => {
    // The web-shared project gets its own secret and the Data-Team-only workspace secret, both used once.
    const own = await editor.post(`/api/v1/projects/${ids.kpis}/secrets`, { name: 'KPI_FEED_KEY', value: 'kpi-feed-value-123' });
    expect(own.statusCode, own.body).toBe(201);
    const restrict = await admin.put(`/api/v1/workspaces/${ids.ws}/secrets/${ids.secret}/access`, { access: [ids.dataTeam], confirm: true });
    expect(restrict.statusCode, restrict.body).toBeLessThan(300);
    const imp = await editor.post(`/api/v1/projects/${ids.kpis}/imports`, { assetId: ids.secret, confirm: true });
    expect(imp.statusCode, imp.body).toBeLessThan(300);
    for (const name of ['KPI_FEED_KEY', 'DEMO_API_TOKEN']) {
      const r = await editor.post(`/api/v1/projects/${ids.kpis}/secrets/${name}/reveal`);
      expect(r.statusCode, r.body).toBe(200);
    }
  });

  type SecretRow = { id: string; name: string | null; access?: string[]; lastUsedAt?: string | null; lastUsedProjectId?: string | null };
  const list = async (c: Client) => {
    const r = await c.get(`/api/v1/projects/${ids.kpis}/secrets`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().secrets as SecretRow[];
  };
  const leaks = (s: SecretRow) => ({
    groups: (s.access ?? []).length > 0,
    lastUse: s.lastUsedAt != null || s.lastUsedProjectId != null,
  });

  it('an anonymous web viewer sees no secret’s groups or last use', async () => {
    const rows = await list(t.anonymous);
    expect(rows.length).toBe(2);
    for (const s of rows) expect(leaks(s), JSON.stringify(s)).toEqual({ groups: false, lastUse: false });
    const body = JSON.stringify(rows);
    expect(body).not.toContain(ids.dataTeam);
  });

  it('the guest (no access to the Data Team secret) sees neither for it', async () => {
    const guest = await t.login('guest@demo.local');
    const rows = await list(guest);
    const restricted = rows.find((s) => s.id === ids.secret);
    expect(restricted).toBeDefined();
    expect(leaks(restricted!), JSON.stringify(restricted)).toEqual({ groups: false, lastUse: false });
  });

  it('positive control: the editor (with access) sees both', async () => {
    const rows = await list(editor);
    const restricted = rows.find((s) => s.id === ids.secret)!;
    expect(restricted.access).toEqual([ids.dataTeam]);
    expect(restricted.lastUsedAt).toBeTruthy();
  });
});
