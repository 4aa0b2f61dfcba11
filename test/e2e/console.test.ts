/**
 * The web console in a real Chromium against a real Atrium and a real PostgreSQL target:
 * an admin shares a connection with a group and makes it the default; an editor imports it and
 * runs a query (rows stream in); a viewer reads the stored result but cannot run; sharing with
 * someone who lacks access to the connection warns of the downgrade (rule 7); deleting the
 * connection previews its usage and removes it from the project (rule 8).
 * Runs in the SQLite pass only (vitest.config.ts): the browser does not care about the store.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgTarget, pgTarget } from '../helpers/test-sql.js';
import { choose, launchBrowser, type Served, screenshot, serveAtrium, signIn } from './e2e-browser.js';

let served: Served;
let pgt: PgTarget;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Page;
let editor: Page;
let revenueId: string;
const CONN = 'Warehouse';
const QUERY = 'select region, count(*) as sales, sum(amount) as total\nfrom sales\ngroup by region\norder by region';

async function as(email: string): Promise<Page> {
  const { context, page } = await signIn(browser, served.baseUrl, email);
  contexts.push(context);
  return page;
}

async function openRevenue(page: Page): Promise<void> {
  await page.goto('/projects');
  await page.getByRole('link', { name: 'Revenue dashboard' }).click();
  await page.getByRole('heading', { name: 'Revenue dashboard', level: 2 }).waitFor();
}

beforeAll(async () => {
  [served, pgt, browser] = await Promise.all([serveAtrium(), pgTarget(), launchBrowser()]);
  const db = served.t.atrium.services.store.db;
  revenueId = (await db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await served?.t.close();
  await pgt?.drop();
});

describe('console', () => {
  it('serves the app at / with an SPA fallback, and keeps API 404s as JSON', async () => {
    const page = await fetch(`${served.baseUrl}/projects/anything`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const api = await fetch(`${served.baseUrl}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    expect((await fetch(`${served.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${served.baseUrl}/api/docs`)).headers.get('content-type')).toMatch(/text\/html/);
  });

  it('an admin creates a PostgreSQL connection, shares it with a group and sets it as default', async () => {
    admin = await as('admin@demo.local');
    await admin.getByRole('link', { name: 'Data sources' }).click();
    await admin.getByRole('button', { name: 'New data connection' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New data connection' });
    await dialog.getByLabel('Name').fill(CONN);
    await dialog.getByLabel('Host').fill(pgt.host);
    await dialog.getByLabel('Port').fill(String(pgt.port));
    await dialog.getByLabel('Database').fill(pgt.database);
    await dialog.getByLabel('User').fill(pgt.user);
    await dialog.getByLabel('Password').fill(pgt.password);
    await choose(admin, 'SSL mode', 'disable');
    // Groups with access: the Data Team instead of the whole workspace.
    await choose(admin, 'Groups with access', 'Workspace');
    await admin.getByRole('option', { name: 'Data Team' }).click();
    await admin.keyboard.press('Escape');

    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => dialog.getByText('Connection succeeded').isVisible()).toBe(true);
    expect(await dialog.getByText(/PostgreSQL 1\d/).isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Create connection' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = admin.getByTestId(`connection-${CONN}`);
    await row.waitFor();
    expect(await row.getByText('Data Team').isVisible()).toBe(true);
    expect(await row.getByText('Workspace', { exact: true }).count()).toBe(0);
    expect(await row.getByText('0 projects').isVisible()).toBe(true);

    await row.getByRole('button', { name: `Actions for ${CONN}` }).click();
    await admin.getByRole('menuitem', { name: 'Set as default' }).click();
    await row.getByText('Default', { exact: true }).waitFor();

    // The API agrees: shared with the Data Team only, and the default.
    const list = (await (await served.t.login('admin@demo.local')).get('/api/v1/workspaces/demo/data-connections')).json() as { dataConnections: { name: string; access: string[]; isDefault: boolean }[] };
    const saved = list.dataConnections.find((c) => c.name === CONN)!;
    expect(saved.isDefault).toBe(true);
    expect(saved.access).toHaveLength(1);
    expect(saved.access[0]).toMatch(/^grp_/);
  });

  it('an editor imports it into a project and runs a query: rows appear, errors show their position', async () => {
    editor = await as('editor@demo.local');
    await openRevenue(editor);
    await editor.getByRole('tab', { name: 'Imported assets' }).click();
    await editor.getByRole('button', { name: 'Import asset' }).click();
    const dialog = editor.getByRole('dialog', { name: 'Import a workspace asset' });
    await choose(editor, 'Asset', new RegExp(`^${CONN}`));
    await dialog.getByText('Nobody who can edit this project would lose access.').waitFor();
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await editor.getByRole('table', { name: 'Imported assets' }).getByText(CONN).waitFor();

    await editor.getByRole('tab', { name: 'SQL' }).click();
    const sql = editor.getByRole('textbox', { name: 'SQL' });
    // A typo first: the error names the position.
    await sql.fill('select region\nfrom sales\nwher amount > 1');
    await editor.getByRole('button', { name: 'Run' }).click();
    const alert = editor.getByRole('alert').filter({ hasText: 'Query failed' });
    await alert.waitFor();
    expect(await alert.getByText(/at line 3, column \d+/).isVisible()).toBe(true);

    await sql.fill(QUERY);
    await editor.getByRole('button', { name: 'Run' }).click();
    const rows = editor.getByRole('table', { name: 'Result rows' });
    await rows.getByRole('cell', { name: 'north', exact: true }).waitFor();
    for (const region of ['east', 'south', 'west']) expect(await rows.getByRole('cell', { name: region, exact: true }).isVisible()).toBe(true);
    await editor.getByText('4 rows', { exact: false }).first().waitFor();
    await editor.getByRole('table', { name: 'Stored results' }).getByText('group by region').waitFor();
    await screenshot(editor, 'console-project-sql');
  });

  it('a viewer sees the stored result but has no Run button', async () => {
    const viewer = await as('viewer@demo.local');
    await openRevenue(viewer);
    const stored = viewer.getByRole('table', { name: 'Stored results' });
    await stored.waitFor();
    expect(await viewer.getByRole('button', { name: 'Run' }).count()).toBe(0);
    expect(await viewer.getByRole('textbox', { name: 'SQL' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Share' }).count()).toBe(0);
    await stored.getByRole('button', { name: /Open result of select region, count/ }).click();
    const rows = viewer.getByRole('table', { name: 'Result rows' });
    await rows.getByRole('cell', { name: 'north', exact: true }).waitFor();
    expect(await rows.getByRole('row').count()).toBe(5); // header + 4 regions
  });

  it('sharing the project with someone who lacks access to the connection warns of the downgrade', async () => {
    await openRevenue(editor);
    await editor.getByRole('button', { name: 'Share' }).click();
    const dialog = editor.getByRole('dialog', { name: 'Share “Revenue dashboard”' });
    await choose(editor, 'Member', /Gus Guest/);
    await choose(editor, 'Level', 'Can edit');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    const warning = dialog.getByRole('alert').filter({ hasText: 'They would only be able to view this project' });
    await warning.waitFor();
    const affected = warning.getByRole('table', { name: 'Downgraded users' });
    expect(await affected.getByText('Gus Guest <guest@demo.local>').isVisible()).toBe(true);
    expect(await affected.getByRole('cell', { name: CONN }).isVisible()).toBe(true);
    expect(await affected.getByRole('cell', { name: 'Can view' }).isVisible()).toBe(true);
    await screenshot(editor, 'console-share-downgrade');

    // Nothing was granted yet; confirming stores the grant (the guest is effectively can_view).
    const grantsBefore = (await (await served.t.login('admin@demo.local')).get(`/api/v1/projects/${revenueId}/grants`)).json() as { grants: { label: string }[] };
    expect(grantsBefore.grants.some((g) => g.label === 'guest@demo.local')).toBe(false);
    await warning.getByRole('button', { name: 'Share anyway' }).click();
    await warning.waitFor({ state: 'hidden' });
    await dialog.getByRole('table', { name: 'Project sharing' }).getByText('Gus Guest <guest@demo.local>').waitFor();
    const guest = await served.t.login('guest@demo.local');
    const access = (await guest.get(`/api/v1/projects/${revenueId}/access`)).json() as { level: string; granted: string };
    expect(access).toMatchObject({ level: 'can_view', granted: 'can_edit' });
    await editor.keyboard.press('Escape');
  });

  it('removing a member from a group previews who would lose access, and cancelling changes nothing', async () => {
    await admin.getByRole('link', { name: 'Users and groups' }).click();
    const members = admin.getByRole('table', { name: 'Members' });
    await members.getByText('Eddie Editor').waitFor();
    expect(await members.getByRole('row').count()).toBe(5); // header + the four demo members
    await screenshot(admin, 'console-users');

    await admin.getByRole('tab', { name: 'Groups' }).click();
    await admin.getByRole('table', { name: 'Groups' }).getByRole('button', { name: 'Data Team', exact: true }).click();
    const group = admin.getByRole('dialog', { name: 'Group: Data Team' });
    await group.getByRole('button', { name: 'Actions for editor@demo.local' }).click();
    await admin.getByRole('menuitem', { name: 'Remove from the group' }).click();
    // Eddie created Revenue dashboard (Full access), which now imports the Warehouse only the Data Team may use.
    const confirm = admin.getByRole('dialog', { name: 'Remove editor@demo.local from Data Team' });
    const impact = confirm.getByRole('table', { name: 'Downgraded users' });
    const revenue = impact.getByRole('row').filter({ hasText: 'Revenue dashboard' });
    await revenue.waitFor();
    expect(await revenue.getByText('Eddie Editor <editor@demo.local>').isVisible()).toBe(true);
    expect(await revenue.getByRole('cell', { name: 'Full access → Can view' }).isVisible()).toBe(true);
    await screenshot(admin, 'console-group-impact');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await group.getByRole('table', { name: 'Group members' }).getByText('Eddie Editor').isVisible()).toBe(true);

    const api = await served.t.login('admin@demo.local');
    const groups = (await api.get('/api/v1/workspaces/demo/groups')).json() as { custom: { id: string; name: string }[] };
    const dataTeam = groups.custom.find((g) => g.name === 'Data Team')!;
    const detail = (await api.get(`/api/v1/workspaces/demo/groups/${dataTeam.id}`)).json() as { members: { email: string }[] };
    expect(detail.members.map((m) => m.email)).toContain('editor@demo.local');
    await admin.keyboard.press('Escape');
  });

  it('deleting the connection shows its usage, needs the name typed, and removes it from the project', async () => {
    // A second, read-only connection shared with the whole workspace (through the API).
    const adminApi = await served.t.login('admin@demo.local');
    const other = await adminApi.post('/api/v1/workspaces/demo/data-connections', {
      name: 'Product analytics',
      type: 'postgres',
      config: { host: pgt.host, port: pgt.port, database: pgt.database, user: pgt.user, sslMode: 'disable' },
      password: pgt.password,
      readOnly: true,
    });
    expect(other.statusCode).toBe(201);
    await admin.goto('/settings/workspace/data-sources');
    const row = admin.getByTestId(`connection-${CONN}`);
    await admin.getByTestId('connection-Product analytics').getByText('Read-only').waitFor();
    await row.getByRole('button', { name: `Usage of ${CONN}: 1 project` }).waitFor();
    await screenshot(admin, 'console-data-sources');
    await row.getByRole('button', { name: `Actions for ${CONN}` }).click();
    await admin.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = admin.getByRole('dialog', { name: `Delete data connection “${CONN}”` });
    await dialog.getByText('It will be removed from 1 project that use it:').waitFor();
    expect(await dialog.getByRole('listitem').filter({ hasText: 'Revenue dashboard' }).isVisible()).toBe(true);
    expect(await dialog.getByText(/workspace default connection/).isVisible()).toBe(true);
    const del = dialog.getByRole('button', { name: 'Delete data connection' });
    expect(await del.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type .* to confirm/).fill(CONN);
    await del.click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });

    await openRevenue(editor);
    await editor.getByRole('tab', { name: 'Imported assets' }).click();
    await editor.getByText('No imported assets.').waitFor();
    const imports = (await (await served.t.login('editor@demo.local')).get(`/api/v1/projects/${revenueId}/imports`)).json() as { imports: unknown[] };
    expect(imports.imports).toEqual([]);
  });

  it('the audit log lists the deletion for admins', async () => {
    await admin.getByRole('link', { name: 'Audit log' }).click();
    const table = admin.getByRole('table', { name: 'Audit events' });
    await table.getByText('data_connection.delete').waitFor();
    await table.getByText('project.grant_set').first().waitFor();
    await screenshot(admin, 'console-audit-log');
    // Filters go to the API.
    await admin.getByLabel('Action').fill('data_connection.delete');
    await admin.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    // Viewers have no audit log in their navigation.
    const viewer = await as('viewer@demo.local');
    expect(await viewer.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
  });
});
