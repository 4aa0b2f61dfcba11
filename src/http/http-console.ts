/**
 * Serves the web console (the React app built by `vite build` into dist/web) at `/`, with an
 * SPA fallback: any GET that is not a file and not an API path answers index.html, so deep links
 * such as /projects/prj_… work after a reload. Unknown /api/… paths stay JSON 404s, and the API,
 * /api/docs, /healthz and /readyz are routes of their own, which Fastify matches first.
 * Hashed assets are cached for a year; index.html is always revalidated.
 * When the console was not built (e.g. `tsx src/cli/main.ts serve` on a fresh clone), `/` says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors.js';

/**
 * The policy of our HTML pages (the console, and the API docs: http-server.ts). Vite's build
 * and Swagger UI are external scripts and stylesheets only (no inline script, no eval); inline
 * styles are Mantine's (style attributes, the <style> it injects for its CSS variables) and
 * Swagger UI's. Images and fonts may be data: URLs. Nothing may frame a page (clickjacking).
 * test/e2e/csp.test.ts runs both in Chromium and fails on any violation.
 */
export const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Atrium</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}a{color:#0969da}</style></head>
<body><h1>Atrium</h1>
<p>The API is running, but the web console has not been built: run <code>npm run build</code> (or <code>npm start</code>).</p>
<ul><li><a href="/api/docs">API documentation</a> (<a href="/api/v1/openapi.json">OpenAPI 3.1</a>)</li>
<li>Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li></ul>
</body></html>`;

/** dist/web next to the running code: src/http → ../../dist/web; dist/src/http → ../../../dist/web. */
export function findConsoleDir(): string | null {
  const fromEnv = process.env.ATRIUM_CONSOLE_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = fromEnv ? [path.resolve(fromEnv)] : [path.resolve(here, '../../dist/web'), path.resolve(here, '../../../dist/web')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? null;
}

const isApiPath = (url: string) => url === '/api' || url.startsWith('/api/');

/**
 * A path no file of the build and no console page can have: control characters (a NUL makes
 * the file system throw), a name over NAME_MAX, an absurd length. Answered 404, not the app.
 */
function impossiblePath(rel: string): boolean {
  return rel.length > 1024 || /[\u0000-\u001f\u007f]/.test(rel) || rel.split('/').some((seg) => Buffer.byteLength(seg) > 255);
}

/** Whether a path names a file; a name the file system refuses (a NUL, too long) names none. */
function isFile(file: string): boolean {
  if (file.includes('\0')) return false;
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * Synchronous on purpose: the server registers it without awaiting, after the API routes. The
 * static plugin (which only decorates reply.sendFile here) loads with the others on ready().
 */
export function registerConsoleRoutes(app: FastifyInstance, opts: { root?: string | null } = {}): void {
  const root = opts.root === undefined ? findConsoleDir() : opts.root;

  if (!root) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.header('content-security-policy', "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'").type('text/html; charset=utf-8').send(NOT_BUILT),
    );
    return;
  }

  void app.register(fastifyStatic, { root, serve: false, index: false });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('content-security-policy', PAGE_CSP).header('cache-control', 'no-cache').header('x-frame-options', 'DENY').sendFile('index.html', root, { cacheControl: false });

  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const url = req.url.split('?')[0] ?? '/';
    if (isApiPath(url)) return reply.callNotFound();
    let rel: string;
    try {
      rel = decodeURIComponent(url).replace(/^\/+/, '');
    } catch {
      throw new AppError('malformed_url', 'The request URL is malformed: check its percent-encoding.');
    }
    if (impossiblePath(rel)) return reply.callNotFound();
    // The app's own page always goes out with its headers, however it is asked for.
    if (rel === 'index.html') return sendIndex(reply);
    const file = path.resolve(root, rel);
    // A real file inside the build (never outside it: no ../ escapes).
    if (rel && file.startsWith(root + path.sep) && isFile(file)) {
      const immutable = rel.startsWith('assets/');
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').header('content-security-policy', PAGE_CSP);
      return reply.sendFile(rel, root, { cacheControl: false });
    }
    // A missing asset is a real 404, not the app.
    if (rel.startsWith('assets/')) return reply.callNotFound();
    return sendIndex(reply);
  });
}
