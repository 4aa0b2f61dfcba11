/**
 * Joining by invitation, in a real Chromium: an admin invites an email and copies the one-time
 * link; a new person opens it, chooses their own password and lands in the workspace; the link
 * then no longer works; an existing user accepts signed in, without a password.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type Served, serveAtrium, signIn } from './e2e-browser.js';

let served: Served;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function fresh(): Promise<Page> {
  const context = await browser.newContext({ baseURL: served.baseUrl, viewport: { width: 1360, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[browser] ${e.message}`));
  return page;
}

async function inviteAs(admin: Page, email: string, role: string): Promise<string> {
  await admin.goto('/settings/users');
  await admin.getByRole('button', { name: 'Invite user' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Invite user' });
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByRole('textbox', { name: 'Role', exact: true }).click();
  await admin.getByRole('option', { name: role }).first().click();
  await dialog.getByRole('button', { name: 'Create invitation' }).click();
  const linkBox = admin.getByRole('dialog', { name: 'Invitation link' }).getByLabel('Invitation link');
  await linkBox.waitFor();
  const link = await linkBox.inputValue();
  await screenshot(admin, 'console-invitation-link');
  await admin.getByRole('button', { name: 'Done' }).click();
  return link;
}

beforeAll(async () => {
  [served, browser] = await Promise.all([serveAtrium(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await served?.t.close();
});

describe('invitations in the console', () => {
  it('a new person joins with a password of their own; the link works once', async () => {
    const { context, page: admin } = await signIn(browser, served.baseUrl, 'admin@demo.local');
    contexts.push(context);
    const link = await inviteAs(admin, 'nina@acme.test', 'Editor');
    expect(link).toMatch(/\/invite#token=atrinv_/);
    await expect.poll(() => admin.getByRole('table', { name: 'Invitations' }).getByText('nina@acme.test').isVisible()).toBe(true);

    const nina = await fresh();
    await nina.goto(link);
    await nina.getByLabel('Your name').fill('Nina New');
    await nina.getByLabel('Password').fill('nina-own-password-1');
    await screenshot(nina, 'console-invitation-accept');
    await nina.getByRole('button', { name: 'Join workspace' }).click();
    await nina.getByRole('heading', { name: 'Projects', level: 2 }).waitFor();
    const me = await nina.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me.user.email).toBe('nina@acme.test');
    expect(me.workspaces.map((w: { role: string }) => w.role)).toEqual(['editor']);

    const again = await fresh();
    await again.goto(link);
    await again.getByLabel('Password').fill('someone-else-pw-2');
    await again.getByRole('button', { name: 'Join workspace' }).click();
    await expect.poll(() => again.getByText(/not valid/).isVisible()).toBe(true);
  });

  it('an existing account is asked to sign in, then accepts without a password', async () => {
    const t = served.t;
    const s = t.atrium.services;
    const { systemContext } = await import('../../src/context.js');
    const boss = await s.workspaces.findOrCreateUserStandalone({ email: 'boss@rival.test', password: 'boss-password-1' }, systemContext());
    const rival = await s.workspaces.create({ name: 'Rival', slug: 'rival', plan: 'enterprise', adminUserId: boss.id }, systemContext());
    const inv = await s.invitations.create(rival.id, { email: 'viewer@demo.local', role: 'viewer' as never }, systemContext());

    const anon = await fresh();
    await anon.goto(inv.acceptPath);
    await anon.getByLabel('Password').fill('a-password-of-rivals');
    await anon.getByRole('button', { name: 'Join workspace' }).click();
    await expect.poll(() => anon.getByText('You already have an account').isVisible()).toBe(true);

    const { context, page: viewer } = await signIn(browser, served.baseUrl, 'viewer@demo.local');
    contexts.push(context);
    await viewer.goto(inv.acceptPath);
    await viewer.getByRole('button', { name: 'Accept invitation' }).click();
    await viewer.getByRole('heading', { name: 'Projects', level: 2 }).waitFor();
    const me = await viewer.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me.workspaces.map((w: { slug: string }) => w.slug).sort()).toEqual(['demo', 'rival']);
  });
});
