/**
 * The Content-Security-Policy in a real Chromium: the built console and the API docs (Swagger UI)
 * render and work under their policies with not one violation reported, and another page cannot
 * frame either (clickjacking; `frame-ancestors 'none'`). A policy too strict for Vite's build or
 * Mantine breaks the console silently in production, which is what this catches.
 * Runs in the SQLite pass only (vitest.config.ts), like the other browser tests.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../helpers/test-app.js';
import { launchBrowser, type Served, serveAtrium } from './e2e-browser.js';

let served: Served;
let browser: Browser;

beforeAll(async () => {
  [served, browser] = await Promise.all([serveAtrium(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.t.close();
});

/** Collects every CSP violation the page reports (the DOM event and the console message). */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

describe('Content-Security-Policy in the browser', () => {
  it('the console signs in, opens a project, the data sources and the users with no violation', async () => {
    const context = await browser.newContext({ baseURL: served.baseUrl });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const violations = await watchViolations(page);
    await page.goto('/projects');
    await page.getByLabel('Email').fill('admin@demo.local');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 2 }).waitFor();
    await page.getByRole('link', { name: 'Revenue dashboard' }).click();
    await page.getByRole('heading', { name: 'Revenue dashboard', level: 2 }).waitFor();
    await page.goto('/settings/workspace/data-sources');
    await page.getByText('Demo warehouse').first().waitFor();
    await page.goto('/settings/users');
    await page.waitForLoadState('networkidle');
    // Mantine really styled the page (its injected <style> and style attributes were allowed).
    const styled = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--mantine-color-body').trim());
    expect(styled).not.toBe('');
    expect(violations).toEqual([]);
    await context.close();
  }, 60_000);

  it('the API docs render their operations with no violation', async () => {
    const context = await browser.newContext({ baseURL: served.baseUrl });
    const page = await context.newPage();
    const violations = await watchViolations(page);
    await page.goto('/api/docs');
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(violations).toEqual([]);
    await context.close();
  }, 60_000);

  /** What another page (about:blank with content, another origin) sees of ours in an iframe. */
  async function framed(url: string): Promise<string> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent(`<iframe src="${served.baseUrl}${url}" width="600" height="400"></iframe>`);
    await page.waitForTimeout(1_500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // Chromium replaces a refused frame with its own error page: none of our document is in it.
    const html = frame ? await frame.content().catch(() => '') : '';
    await context.close();
    return html;
  }

  it.each(['/', '/index.html', '/projects/prj_x', '/api/docs'])('%s cannot be framed by another page', async (url) => {
    expect(await framed(url)).not.toMatch(/id="root"|swagger-ui/);
  }, 30_000);

  it('positive control: a response without the headers does show in a frame', async () => {
    expect(await framed('/healthz')).toContain('"status":"ok"');
  }, 30_000);
});
