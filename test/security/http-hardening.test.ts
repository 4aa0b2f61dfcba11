/*
 * Issue 9, point 7 — small HTTP holes.
 *
 * (a) `PATCH /api/v1/workspaces/{ws}` with `{}` and `GET /%00` answered 500. Safe outcome: a 2xx
 *     or a 4xx in the one error shape, never a 5xx.
 * (b) `/index.html` and `/api/docs` could be framed by any site (clickjacking): no
 *     Content-Security-Policy frame-ancestors, no X-Frame-Options. Safe outcome: every HTML page
 *     the server sends carries `frame-ancestors 'none'` (or X-Frame-Options: DENY).
 *
 * The console is served from a stand-in build (ATRIUM_CONSOLE_DIR) so these run without `vite build`.
 *
 * On the code as it was when these tests were written (before the fix), FAILED: PATCH {} and
 * GET /%00 (500) — likewise /%00.html, /index.html%00, /assets/%00, /projects/%00 and a 300-character
 * file name (ENAMETOOLONG, found by the fuzzer); /%E0%A4%A (Fastify's own 400 body, not the one
 * error shape); /index.html (served as a plain file, no CSP) and /api/docs (no CSP).
 * PASSED already: `/` and deep links (the SPA fallback set the CSP), and the other odd URLs.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/test-app.js';
import { standInConsole, startApp } from './security-app.js';

let t: TestApp;
let admin: Client;
let consoleDir: string;

beforeAll(async () => {
  consoleDir = standInConsole('atrium-console-', '<!doctype html><title>Atrium</title><div id="root"></div><script type="module" src="/assets/app.js"></script>');
  t = await startApp();
  admin = await t.login('admin@demo.local');
});
afterAll(async () => {
  await t?.close();
  delete process.env.ATRIUM_CONSOLE_DIR;
  fs.rmSync(consoleDir, { recursive: true, force: true });
});

function expectNoServerError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string) {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400 && String(res.headers['content-type']).includes('json')) {
    const j = JSON.parse(res.body);
    expect(typeof j.error?.code, what).toBe('string');
    expect(typeof j.error?.message, what).toBe('string');
    expect(typeof j.requestId, what).toBe('string');
  }
}

describe('point 7: no 500 for odd but harmless requests', () => {
  it('PATCH /api/v1/workspaces/{ws} with {}', async () => {
    const r = await admin.patch(`/api/v1/workspaces/${t.demoWorkspaceId}`, {});
    expectNoServerError(r, 'PATCH {}');
    // Nothing changed.
    const ws = (await admin.get(`/api/v1/workspaces/${t.demoWorkspaceId}`)).json();
    expect(ws).toMatchObject({ name: 'Demo', plan: 'enterprise' });
  });

  const oddUrls = ['/%00', '/%00.html', '/index.html%00', '/api/v1/%00', '/assets/%00', '/projects/%00', '/%E0%A4%A', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/api/v1/projects/%00', '/api/v1/workspaces/%00/members', `/${'x'.repeat(300)}`, `/assets/${'y'.repeat(300)}`];
  it.each(oddUrls.map((u) => [u.length > 60 ? `${u.slice(0, 12)}… (${u.length} chars)` : u, u]))('GET %s', async (_label, url) => {
    const r = await t.anonymous.get(url);
    expectNoServerError(r, `${url.slice(0, 80)} → ${r.statusCode} ${r.body.slice(0, 200)}`);
    expect(r.body).not.toContain('root:x:0:0');
  });
});

describe('point 7: pages cannot be framed', () => {
  const framingDenied = (h: Record<string, unknown>) => {
    const csp = String(h['content-security-policy'] ?? '');
    return /frame-ancestors\s+'none'/.test(csp) || String(h['x-frame-options'] ?? '').toUpperCase() === 'DENY';
  };

  it.each(['/', '/index.html', '/projects/prj_deep_link'])('%s', async (url) => {
    const r = await t.anonymous.get(url);
    expect(r.statusCode).toBe(200);
    expect(String(r.headers['content-type'])).toContain('text/html');
    expect(framingDenied(r.headers), JSON.stringify(r.headers)).toBe(true);
  });

  it('/api/docs and every HTML page under it', async () => {
    let url = '/api/docs';
    const seen: string[] = [];
    for (let hops = 0; hops < 4; hops++) {
      const r = await t.anonymous.get(url);
      seen.push(`${url} ${r.statusCode}`);
      expect(r.statusCode, seen.join(' → ')).toBeLessThan(400);
      if (String(r.headers['content-type']).includes('text/html')) {
        expect(framingDenied(r.headers), `${url}: ${JSON.stringify(r.headers)}`).toBe(true);
      }
      if (r.statusCode < 300) break;
      url = new URL(String(r.headers.location), 'http://x').pathname;
    }
    const page = await t.anonymous.get('/api/docs/static/index.html');
    if (page.statusCode === 200) expect(framingDenied(page.headers), JSON.stringify(page.headers)).toBe(true);
  });
});
