/**
 * The console's entry point. Until the React console lands (its own issue), `/` serves a small
 * page that says what is running and where the API and its docs are.
 */
import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Atrium</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}a{color:#0969da}</style></head>
<body><h1>Atrium</h1>
<p>Share data connections, secrets, git packages and S3 buckets with projects — with access enforced everywhere.</p>
<ul><li><a href="/api/docs">API documentation</a> (<a href="/api/v1/openapi.json">OpenAPI 3.1</a>)</li>
<li>Sign in: <code>POST /api/v1/auth/login {"email","password"}</code>, then <code>GET /api/v1/me</code></li>
<li>Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li></ul>
</body></html>`;

export function registerConsoleRoutes(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-security-policy', "default-src 'self'; style-src 'unsafe-inline'").type('text/html; charset=utf-8').send(PAGE),
  );
}
