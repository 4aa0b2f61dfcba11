/**
 * Git packages in the console, in a real Chromium against a real Atrium and a real git server:
 * an admin connects a provider, adds a package with install commands and restricts it to a group;
 * an editor imports it into a project and sees the install log; a user lacking access to it is
 * downgraded, with the package named.
 * Runs in the SQLite pass only (vitest.config.ts): the browser does not care about the store.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardFixtures } from '../../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../../scripts/services/git-server.js';
import { startGitHubContractServer } from '../../src/connectors/git-providers/github-contract-server.js';
import { callerFor } from '../helpers/test-app.js';
import { choose, launchBrowser, type Served, screenshot, serveAtrium, signIn } from './e2e-browser.js';

const TOKEN = 'glpat-e2e-PACKAGES-token';
let served: Served;
let git: GitServer;
let gitRoot: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Page;

async function as(email: string): Promise<Page> {
  const { context, page } = await signIn(browser, served.baseUrl, email);
  contexts.push(context);
  return page;
}

async function openProject(page: Page, name: string): Promise<void> {
  await page.goto('/projects');
  await page.getByRole('link', { name }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

beforeAll(async () => {
  gitRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-e2e-git-'));
  await buildStandardFixtures(gitRoot);
  git = await startGitServer({ root: gitRoot, tokens: { [TOKEN]: { repos: '*' } } });
  [served, browser] = await Promise.all([serveAtrium({ env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true' } }), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await served?.t.atrium.services.gitPackages.idle();
  await served?.t.close();
  await git?.close();
  if (gitRoot) fs.rmSync(gitRoot, { recursive: true, force: true });
});

describe('git packages in the console', () => {
  it('an admin connects a git provider', async () => {
    admin = await as('admin@demo.local');
    await admin.getByRole('link', { name: 'Integrations' }).click();
    await admin.getByRole('button', { name: 'New git provider' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New git provider' });
    await dialog.getByLabel('Name').fill('Local Git');
    await dialog.getByLabel('Base URL').fill(git.url);
    await dialog.getByLabel('Access token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Connect provider' }).click();
    await dialog.waitFor({ state: 'detached' });
    const providers = admin.getByRole('table', { name: 'Git providers' });
    await providers.getByText('Local Git').waitFor();
    expect(await admin.content()).not.toContain(TOKEN);

    await admin.getByRole('button', { name: 'Actions for Local Git' }).click();
    await admin.getByRole('menuitem', { name: 'Test' }).click();
    const test = admin.getByRole('dialog', { name: 'Test Local Git' });
    await test.getByLabel('Repository').fill('acme/tools');
    await test.getByRole('button', { name: 'Test' }).click();
    await test.getByText('The provider works').waitFor();
    await test.getByRole('button', { name: 'Cancel' }).click();
  });

  it('adds a package with install commands, restricted to the Data Team', async () => {
    await admin.getByRole('button', { name: 'New git package' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New git package' });
    await dialog.getByRole('textbox', { name: /^Name/ }).fill('tools');
    await dialog.getByLabel('Repository').fill('acme/tools');
    await dialog.getByRole('textbox', { name: /^Install commands/ }).fill('echo BUILT-IN-THE-SANDBOX\nmkdir -p dist\ncp src/index.js dist/');
    await choose(admin, 'Groups with access', 'Workspace');
    await admin.getByRole('option', { name: 'Data Team' }).click();
    await admin.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Create package' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = admin.getByRole('table', { name: 'Git packages' }).getByRole('row').filter({ hasText: 'tools' });
    await row.getByText('3 command(s)').waitFor();
    await row.getByText('Data Team').waitFor();
    await screenshot(admin, 'packages-settings');
  });

  it('an editor imports it into a project and sees the install log', async () => {
    const editor = await as('editor@demo.local');
    await openProject(editor, 'Revenue dashboard');
    await editor.getByRole('tab', { name: 'Packages' }).click();
    await editor.getByRole('button', { name: 'Import package' }).click();
    const dialog = editor.getByRole('dialog', { name: 'Import a git package' });
    await choose(editor, 'Package', /tools/);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = editor.getByRole('table', { name: 'Packages' }).getByRole('row').filter({ hasText: 'tools' });
    await row.getByText('installed').waitFor({ timeout: 30_000 });
    await editor.getByRole('button', { name: 'Actions for tools' }).click();
    await editor.getByRole('menuitem', { name: 'Install log' }).click();
    const log = editor.getByRole('dialog', { name: 'Install log of tools' });
    await log.getByText('BUILT-IN-THE-SANDBOX').first().waitFor();
    expect(await log.getByLabel('Install log').textContent()).toContain('+ mkdir -p dist');
    await screenshot(editor, 'packages-install-log');
    await editor.keyboard.press('Escape');
    expect(await row.getByRole('link', { name: 'Download tools as zip' }).getAttribute('href')).toContain('/packages/tools/archive?format=zip');
  });

  it('an editor sees the pin outdated once the install commands change, and reinstalls it', async () => {
    const s = served.t.atrium.services.gitPackages.api;
    const adminCaller = callerFor(served.t.users.admin);
    const tools = (await s.list(adminCaller, served.t.demoWorkspaceId)).packages.find((p) => p.name === 'tools')!;
    await s.update(adminCaller, served.t.demoWorkspaceId, tools.id, { installCommands: ['echo REBUILT-WITH-NEW-COMMANDS', 'mkdir -p dist', 'cp src/index.js dist/'] });
    const editor = await as('editor@demo.local');
    await openProject(editor, 'Revenue dashboard');
    await editor.getByRole('tab', { name: 'Packages' }).click();
    const row = editor.getByRole('table', { name: 'Packages' }).getByRole('row').filter({ hasText: 'tools' });
    await row.getByLabel(/^outdated: .*commands/).waitFor();
    await row.getByRole('button', { name: 'Reinstall' }).click();
    // The install's log streams into a dialog while it runs, with the new commands.
    await editor.getByRole('dialog', { name: 'Installing tools' }).getByText('REBUILT-WITH-NEW-COMMANDS').first().waitFor({ timeout: 30_000 });
    await editor.keyboard.press('Escape');
    await row.getByLabel(/^outdated/).waitFor({ state: 'detached', timeout: 30_000 });
    await row.getByText('installed').waitFor();
  });

  it('a user lacking access to it is downgraded, with the package named', async () => {
    // The guest can edit the Interview exercise; the admin imports the package there anyway (rule 7 asks first).
    await openProject(admin, 'Interview exercise');
    await admin.getByRole('tab', { name: 'Packages' }).click();
    await admin.getByRole('button', { name: 'Import package' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Import a git package' });
    await choose(admin, 'Package', /tools/);
    await dialog.getByRole('button', { name: 'Import anyway' }).click();
    await dialog.waitFor({ state: 'detached' });

    const guest = await as('guest@demo.local');
    await openProject(guest, 'Interview exercise');
    await guest.getByText('You can only view this project').waitFor();
    await guest.getByRole('tab', { name: 'Packages' }).click();
    const row = guest.getByRole('table', { name: 'Packages' }).getByRole('row').filter({ hasText: 'tools' });
    await row.getByText('tools (no access)').waitFor();
    expect(await row.getByRole('link', { name: /Download/ }).count()).toBe(0);
    await screenshot(guest, 'packages-downgraded');
  });

  it('an admin connects the workspace’s GitHub account through GitHub’s sign-in', async () => {
    // GitHub's side: the contract server, whose authorize page approves at once for the signed-in user.
    const key = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const gh = await startGitHubContractServer({
      apps: [{ id: 6161, slug: 'atrium-e2e', name: 'Atrium e2e', key: key.publicKey, clientId: 'Iv1.e2e', clientSecret: 'e2e-client-secret', owner: { id: 1, login: 'acme', type: 'Organization' } }],
      installations: [{ id: 61, appId: 6161, account: { id: 601, login: 'acme-e2e', type: 'Organization' }, repositories: [] }],
      repositories: [],
      users: [{ id: 6001, login: 'octo-e2e', type: 'User', installationIds: [61] }],
    });
    try {
      gh.signIn('octo-e2e');
      const config = { appId: 6161, apiBaseUrl: gh.url, clientId: 'Iv1.e2e' };
      await served.t.atrium.services.gitProviders.api.create(callerFor(served.t.users.admin), served.t.demoWorkspaceId, { name: 'GitHub', kind: 'github', config, credentials: { privateKey: key.privateKey, clientSecret: 'e2e-client-secret' } });
      await admin.goto('/settings/workspace/integrations');
      const row = admin.getByRole('table', { name: 'Git providers' }).getByRole('row').filter({ hasText: 'GitHub' });
      await row.getByText('Not connected').waitFor();
      await admin.getByRole('button', { name: 'Actions for GitHub' }).click();
      await admin.getByRole('menuitem', { name: 'Connect GitHub account' }).click();
      await admin.getByRole('dialog', { name: 'Connect GitHub account to GitHub' }).getByRole('button', { name: 'Continue on GitHub' }).click();
      // To GitHub and back: the console says so, and the address bar keeps no trace of the flow.
      await admin.getByText('This workspace is now linked to acme-e2e.').waitFor();
      await row.getByText('linked by octo-e2e').waitFor();
      expect(new URL(admin.url()).search).toBe('');
      expect(gh.requests.some((r) => r.path === '/login/oauth/access_token' && r.status === 200)).toBe(true);
    } finally {
      await gh.close();
    }
  });
});
