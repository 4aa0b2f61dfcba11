/**
 * Browser plumbing for the console's end-to-end tests: Debian's Chromium (scripts/services/
 * chromium.sh installs it) driven by playwright-core, a served Atrium on a loopback port, the
 * built console (built here if missing), and optional screenshots into docs/ (ATRIUM_SCREENSHOTS).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../helpers/test-app.js';

export const CHROMIUM = process.env.ATRIUM_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOTS = process.env.ATRIUM_SCREENSHOTS ? path.resolve(ROOT, process.env.ATRIUM_SCREENSHOTS) : null;

/** The tests need the built console; `npm test` builds it first, a lone `vitest run test/e2e` may not have. */
export function ensureConsoleBuilt(): void {
  if (fs.existsSync(path.join(ROOT, 'dist/web/index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/services/chromium.sh install (npm test does).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface Served {
  t: TestApp;
  baseUrl: string;
}

export async function serveAtrium(opts: { env?: Record<string, string> } = {}): Promise<Served> {
  ensureConsoleBuilt();
  const t = await startTestApp({ env: opts.env });
  const baseUrl = await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, baseUrl };
}

/** A fresh browser context (its own cookies) signed in through the login page. */
export async function signIn(browser: Browser, baseUrl: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  // Surface browser-side failures in the test output.
  page.on('pageerror', (e) => console.error(`[browser ${email}] ${e.message}`));
  await page.goto('/projects');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects', level: 2 }).waitFor();
  return { context, page };
}

/** Picks an option of a Mantine Select/MultiSelect (a combobox with a listbox of options). */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('textbox', { name: label }).or(page.getByLabel(label, { exact: true })).first().click();
  await page.getByRole('option', { name: option }).first().click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // Let transitions settle and toasts go away.
  await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
}
