/**
 * External file integrations in the console, in Chromium against a real Atrium and a real S3
 * (radosgw, ATRIUM_TEST_S3): an admin adds a bucket and is told which permission the limited key
 * lacks; an editor imports a file with progress and queries it from a DuckDB SQL cell; a viewer
 * downloads it. Runs in the SQLite pass only, like the other browser tests.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient, testS3 } from '../../src/connectors/s3/s3-test-support.js';
import { systemContext } from '../../src/context.js';
import { choose, launchBrowser, type Served, screenshot, serveAtrium, signIn } from './e2e-browser.js';

const s3 = testS3();
const RUN = `atrium-e2e/${randomUUID()}`;
const CSV = 'region,amount\nnorth,10\nsouth,32\n';
let served: Served;
let browser: Browser;
const contexts: BrowserContext[] = [];
let revenueId: string;
const raw = rawClient(s3);

async function as(email: string): Promise<Page> {
  const { context, page } = await signIn(browser, served.baseUrl, email);
  contexts.push(context);
  return page;
}

async function openRevenueFiles(page: Page): Promise<void> {
  await page.goto('/projects');
  await page.getByRole('link', { name: 'Revenue dashboard' }).click();
  await page.getByRole('heading', { name: 'Revenue dashboard', level: 2 }).waitFor();
  await page.getByRole('tab', { name: 'Files' }).click();
}

beforeAll(async () => {
  [served, browser] = await Promise.all([serveAtrium(), launchBrowser()]);
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/sales.csv`, Body: CSV }));
  const s = served.t.atrium.services;
  revenueId = (await s.store.db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
  // A DuckDB connection the Revenue project uses, for the SQL cell that reads the file.
  const duck = await s.connections.create({ workspaceId: served.t.demoWorkspaceId, projectId: null, createdBy: served.t.users.admin, name: 'Files duck', type: 'duckdb', config: { path: ':memory:' } }, systemContext('e2e'));
  await s.assets.importInto(await s.projects.get(revenueId), duck.id, served.t.users.admin, { confirm: true, dryRun: false }, systemContext('e2e'));
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await served?.t.close();
  await raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${RUN}/sales.csv` })).catch(() => {});
  raw.destroy();
});

describe('external file integrations in the console', () => {
  it('an admin adds a bucket; the limited key is refused, naming the permission it lacks', async () => {
    const admin = await as('admin@demo.local');
    await admin.getByRole('link', { name: 'Integrations' }).click();
    await admin.getByRole('button', { name: 'New file integration' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New file integration' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Raw');
    await dialog.getByRole('textbox', { name: 'Bucket' }).fill(s3.bucket);
    await dialog.getByRole('textbox', { name: 'Region' }).fill(s3.region);
    await dialog.getByRole('textbox', { name: 'Endpoint' }).fill(s3.endpoint);
    await dialog.getByRole('switch', { name: /Path-style/ }).check();
    await dialog.getByRole('textbox', { name: 'Prefix' }).fill(RUN);
    await dialog.getByRole('textbox', { name: 'Access key id' }).fill(s3.users.noPut.accessKeyId);
    await dialog.getByLabel('Secret access key').fill(s3.users.noPut.secretAccessKey);
    await dialog.getByRole('switch', { name: /Writeback/ }).check();
    await dialog.getByRole('button', { name: 'Add integration' }).click();
    const refused = dialog.getByRole('alert').filter({ hasText: 'The integration was not saved' });
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/Writeback needs s3:PutObject .*which this key lacks/);
    await screenshot(admin, 'console-file-integration-missing-permission');

    // The full key saves.
    await dialog.getByRole('textbox', { name: 'Access key id' }).fill(s3.users.full.accessKeyId);
    await dialog.getByLabel('Secret access key').fill(s3.users.full.secretAccessKey);
    await dialog.getByRole('button', { name: 'Check permissions' }).click();
    await dialog.getByText('This key has every permission the integration needs').waitFor();
    await dialog.getByRole('button', { name: 'Add integration' }).click();
    await dialog.waitFor({ state: 'detached' });
    const table = admin.getByRole('table', { name: 'External file integrations' });
    await table.getByText('Raw').waitFor();
    expect(await admin.content()).not.toContain(s3.users.full.secretAccessKey);
  });

  it('an editor imports a file with progress and queries it from a SQL cell', async () => {
    const s = served.t.atrium.services;
    const fi = (await s.store.db.selectFrom('assets').select('id').where('kind', '=', 'file_integration').where('name', '=', 'Raw').executeTakeFirstOrThrow()).id;
    await s.assets.importInto(await s.projects.get(revenueId), fi, served.t.users.editor, { confirm: true, dryRun: false }, systemContext('e2e'));

    const editor = await as('editor@demo.local');
    await openRevenueFiles(editor);
    await editor.getByRole('button', { name: 'Import files' }).click();
    const dialog = editor.getByRole('dialog', { name: 'Import files' });
    await dialog.getByRole('checkbox', { name: 'sales.csv' }).check();
    await dialog.getByRole('button', { name: 'Import 1 file(s)' }).click();
    await dialog.waitFor({ state: 'detached' });
    await editor.getByText('Done: external-files/s3/Raw/sales.csv').waitFor();
    const files = editor.getByRole('table', { name: 'Files' });
    await files.getByRole('link', { name: 'Download external-files/s3/Raw/sales.csv' }).waitFor();
    await screenshot(editor, 'console-project-files');

    // The SQL cell names the file by the path the Files panel shows: its path in the project, no host path.
    const sqlPath = 'external-files/s3/Raw/sales.csv';
    expect(await files.getByText(`read_csv('${sqlPath}')`, { exact: false }).count()).toBeGreaterThan(0);
    expect(await files.getByText(await s.fileStore.localRoot(revenueId), { exact: false }).count()).toBe(0);
    await editor.getByRole('tab', { name: 'SQL' }).click();
    await choose(editor, 'Data connection', /^Files duck/);
    await editor.getByRole('textbox', { name: 'SQL' }).fill(`select region, amount from read_csv('${sqlPath}') order by region`);
    await editor.getByRole('button', { name: 'Run' }).click();
    const rows = editor.getByRole('table', { name: 'Result rows' });
    await rows.getByRole('cell', { name: 'north', exact: true }).waitFor();
    expect(await rows.getByRole('cell', { name: '32', exact: true }).isVisible()).toBe(true);
  });

  it('a viewer downloads the file but cannot import or delete', async () => {
    const viewer = await as('viewer@demo.local');
    await openRevenueFiles(viewer);
    const link = viewer.getByRole('link', { name: 'Download external-files/s3/Raw/sales.csv' });
    await link.waitFor();
    const [download] = await Promise.all([viewer.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('sales.csv');
    expect(fs.readFileSync(await download.path(), 'utf8')).toBe(CSV);
    expect(await viewer.getByRole('button', { name: 'Import files' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /Actions for/ }).count()).toBe(0);
  });
});
