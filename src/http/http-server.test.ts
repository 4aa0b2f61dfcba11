/**
 * The HTTP layer alone (no module, no database): odd console URLs answer 404/400 in the one error
 * shape with stable codes, never 500 or the app; every HTML page carries the full policy and
 * cannot be framed; the router's own errors use the one shape; ATRIUM_TRUST_PROXY's hop count
 * picks the address the nearest proxy saw.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { PAGE_CSP } from './http-console.js';
import { frameworkError } from './http-errors.js';
import { buildServer } from './http-server.js';

let consoleDir: string;
const apps: FastifyInstance[] = [];

async function server(trustProxy: false | number | string[] = false): Promise<FastifyInstance> {
  const app = await buildServer(
    {
      authenticator: {
        authenticateToken: async () => {
          throw new AppError('unauthenticated', 'no');
        },
        authenticateSession: async () => {
          throw new AppError('unauthenticated', 'no');
        },
      },
      routes: [
        (api) => {
          api.get('/whoami', async (req) => ({ ip: req.ip }));
          api.post('/whoami', async (req) => ({ ip: req.ip }));
        },
      ],
      readiness: async () => ({ database: 'ok' }),
    },
    { logLevel: 'silent', trustProxy, bodyLimitBytes: 1024, version: 'test' },
  );
  await app.ready();
  apps.push(app);
  return app;
}

let app: FastifyInstance;

beforeAll(async () => {
  consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-http-console-'));
  fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>Atrium</title><div id="root"></div>');
  fs.mkdirSync(path.join(consoleDir, 'assets'));
  fs.writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'console.log(1)');
  process.env.ATRIUM_CONSOLE_DIR = consoleDir;
  app = await server();
});
afterAll(async () => {
  for (const a of apps) await a.close();
  delete process.env.ATRIUM_CONSOLE_DIR;
  fs.rmSync(consoleDir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

function expectError(res: { statusCode: number; json: () => unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ error: { code, message: expect.any(String), details: {} }, requestId: expect.any(String) });
}

describe('console paths no file and no page can have', () => {
  it.each([
    // A NUL anywhere in a request is refused at the door (PostgreSQL cannot store one).
    ['/%00', 400, 'validation_failed'],
    ['/index.html%00', 400, 'validation_failed'],
    ['/projects/%00', 400, 'validation_failed'],
    ['/assets/%00', 400, 'validation_failed'],
    ['/projects/a%0Ab', 404, 'route_not_found'],
    ['/projects/a%7Fb', 404, 'route_not_found'],
    [`/${'x'.repeat(300)}`, 404, 'route_not_found'],
    [`/projects/${'p'.repeat(256)}`, 404, 'route_not_found'],
    [`/${'a/'.repeat(600)}`, 404, 'route_not_found'],
    ['/%E0%A4%A', 400, 'malformed_url'],
    ['/projects/%E0', 400, 'malformed_url'],
    ['/assets/missing.js', 404, 'route_not_found'],
  ])('%s → %i %s', async (url, status, code) => {
    const r = await get(url);
    expectError(r, status, code);
    // A long URL is not echoed back whole.
    expect(r.body.length).toBeLessThan(600);
  });

  it('ordinary deep links and files are still served', async () => {
    expect((await get('/projects/prj_1')).statusCode).toBe(200);
    expect((await get(`/projects/${'p'.repeat(255)}`)).statusCode).toBe(200);
    const js = await get('/assets/app.js');
    expect(js.statusCode).toBe(200);
    expect(js.body).toBe('console.log(1)');
  });
});

describe('HTML pages carry the policy and cannot be framed', () => {
  it.each(['/', '/index.html', '/projects/prj_1', '/api/docs', '/api/docs/'])('%s', async (url) => {
    const r = await get(url);
    expect(r.statusCode).toBe(200);
    expect(String(r.headers['content-type'])).toContain('text/html');
    expect(r.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('the policy allows no inline or foreign script and no framing', () => {
    expect(PAGE_CSP).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(PAGE_CSP).toContain("object-src 'none'");
  });
});

describe("the router's own errors", () => {
  it.each([
    [{ code: 'FST_ERR_BAD_URL' }, 400, 'malformed_url'],
    [{ code: 'FST_ERR_MAX_PARAM_LENGTH' }, 414, 'uri_too_long'],
    [{ code: 'FST_ERR_ASYNC_CONSTRAINT' }, 400, 'validation_failed'],
  ])('%j → %i %s', (err, status, code) => {
    const e = frameworkError(err);
    expect([e.status, e.code]).toEqual([status, code]);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'nonsense'])('a %s body → 415 unsupported_media_type', async (type) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/whoami', headers: { 'content-type': type }, payload: 'a=b' });
    expectError(r, 415, 'unsupported_media_type');
  });

  it.each([
    ['/api/v1/whoami?x=a%00b', 'querystring.x'],
    ['/api/v1/whoami?x[y]=%00', 'querystring'],
  ])('a NUL in %s → 400 validation_failed', async (url, where) => {
    const r = await get(url);
    expectError(r, 400, 'validation_failed');
    expect(r.json().error.message).toContain(where);
  });

  it.each([
    ['a NUL in a value', '{"name":"a\\u0000b"}', 'body.name'],
    ['a NUL in a nested value', '{"a":{"b":["ok","\\u0000"]}}', 'body.a.b.1'],
    ['a NUL in a key', '{"a\\u0000":1}', 'body'],
  ])('%s of a JSON body → 400 validation_failed', async (_what, payload, where) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/whoami', headers: { 'content-type': 'application/json' }, payload });
    expectError(r, 400, 'validation_failed');
    expect(r.json().error.message).toContain(where);
  });

  it('ordinary JSON and query strings pass', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/whoami?x=a%20b', headers: { 'content-type': 'application/json' }, payload: '{"name":"a\\u0001b","n":[1,{"x":"y"}]}' });
    expect(r.statusCode).toBe(200);
  });

  it('an API URL with bad percent-encoding', async () => {
    expectError(await get('/api/v1/projects/%E0%A4%A'), 400, 'malformed_url');
  });
});

describe('trustProxy as a hop count', () => {
  it('one hop: the address the proxy saw, not what the client wrote', async () => {
    const one = await server(1);
    const r = await one.inject({ method: 'GET', url: '/api/v1/whoami', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' } });
    expect(r.json()).toEqual({ ip: '203.0.113.7' });
  });

  it('two hops: one more to the left', async () => {
    const two = await server(2);
    const r = await two.inject({ method: 'GET', url: '/api/v1/whoami', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.2' } });
    expect(r.json()).toEqual({ ip: '203.0.113.7' });
  });

  it('off: the socket address', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/whoami', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '6.6.6.6' } });
    expect(r.json()).toEqual({ ip: '10.0.0.1' });
  });
});
