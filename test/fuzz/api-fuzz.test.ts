/*
 * The API fuzzer (issue 9): requests generated from the OpenAPI document of an in-process app —
 * every route and method, as an admin (API token), the guest (session cookie + CSRF token) and
 * anonymous — with hostile path parameters, absurd query strings, wrong-typed / missing / extra
 * fields, huge and control-character strings, broken JSON, random bytes and wrong content types.
 *
 * Every response must hold: no 5xx, no stack trace, no internal path in an error, every error in
 * the one shape. Failures are collected (not stopped at the first), grouped by route and problem,
 * and printed with the seed; the test is red until each is fixed.
 *
 *   ATRIUM_FUZZ_REQUESTS  how many requests (default 20,000; `npm run fuzz` sets 200,000)
 *   ATRIUM_FUZZ_SEED      the seed (default below); the same seed replays the same requests
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { DEMO_PASSWORD, demoIds, sessionHeaders, standInConsole, startApp, tokenHeaders } from '../security/security-app.js';
import { problemsOf } from './fuzz-checks.js';
import { type FuzzRequest, type OpenApiDoc, requestArb, routesOf } from './fuzz-requests.js';

const REQUESTS = Number(process.env.ATRIUM_FUZZ_REQUESTS ?? 20_000);
const SEED = Number(process.env.ATRIUM_FUZZ_SEED ?? 20261129);
const BATCH = 500;

let t: TestApp;
let doc: OpenApiDoc;
let realIds: Record<string, string[]>;
let principals: { name: string; headers: Record<string, string> }[];

let consoleDir: string;

beforeAll(async () => {
  // A stand-in console build, so the static routes (index.html, assets, the SPA fallback) are fuzzed too.
  consoleDir = standInConsole('atrium-fuzz-console-', '<!doctype html><title>Atrium</title><div id="root"></div>');
  t = await startApp();
  const ids = await demoIds(t);
  principals = [
    { name: 'admin', headers: await tokenHeaders(t, 'admin@demo.local', DEMO_PASSWORD) },
    { name: 'guest', headers: (await sessionHeaders(t, 'guest@demo.local', DEMO_PASSWORD)).headers },
    { name: 'anonymous', headers: {} },
  ];
  const res = await t.anonymous.get('/api/v1/openapi.json');
  expect(res.statusCode).toBe(200);
  doc = res.json() as OpenApiDoc;
  const queries = (await (await t.login('editor@demo.local')).get(`/api/v1/projects/${ids.kpis}/queries`)).json().queries as { id: string }[];
  const projects = [ids.revenue, ids.churn, ids.interview, ids.kpis];
  const assets = [ids.warehouse, ids.finance, ids.secret];
  realIds = {
    ws: [ids.ws, 'demo'],
    projectId: projects,
    userId: Object.values(t.users),
    groupId: [ids.dataTeam, 'workspace', 'workspace-guests', 'public'],
    id: assets,
    assetId: assets,
    subject: [`user:${t.users.guest}`, `user:${t.users.viewer}`, 'group:workspace', `group:${ids.dataTeam}`, 'public'],
    name: ['DEMO_API_TOKEN', 'NO_SUCH_SECRET'],
    queryId: queries.map((q) => q.id),
    tokenId: ['tok_doesnotexist'],
    consolePath: ['index.html', 'projects', 'settings'],
    assetPath: ['app.js', 'missing.js'],
    docsPath: ['static/index.html', 'json', 'static/swagger-ui.css'],
  };
}, 120_000);
afterAll(async () => {
  await t?.close();
  delete process.env.ATRIUM_CONSOLE_DIR;
  if (consoleDir) fs.rmSync(consoleDir, { recursive: true, force: true });
});

interface Failure {
  route: string;
  who: string;
  url: string;
  payload: string;
  status: number;
  body: string;
  problems: string[];
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

describe('API fuzzing from the OpenAPI document', () => {
  it(`${REQUESTS} malformed requests across every route as admin, guest and anonymous: no 5xx, no stack, no internal path, one error shape`, async () => {
    const routes = [
      ...routesOf(doc).filter(
        // Signing the guest's own session out would turn the rest of its run into anonymous calls.
        (r) => !(r.method === 'POST' && r.path === '/api/v1/auth/logout'),
      ),
      // Outside the OpenAPI document: the console, its assets, the docs, the probes.
      { method: 'GET', path: '/{consolePath}', op: {} },
      { method: 'GET', path: '/assets/{assetPath}', op: {} },
      { method: 'GET', path: '/api/docs/{docsPath}', op: {} },
      { method: 'GET', path: '/healthz', op: {} },
    ];
    expect(routes.length).toBeGreaterThan(50);
    const arb = requestArb(routes, realIds, principals.length);
    const failures: Failure[] = [];
    const byRoute = new Map<string, number>();
    let sent = 0;
    let refusedByClient = 0;
    const started = Date.now();
    console.log(`[fuzz] seed ${SEED}, ${REQUESTS} requests over ${routes.length} operations (replay: ATRIUM_FUZZ_SEED=${SEED} ATRIUM_FUZZ_REQUESTS=${REQUESTS})`);
    for (let batch = 0; sent < REQUESTS; batch++) {
      const reqs: FuzzRequest[] = fc.sample(arb, { seed: SEED + batch, numRuns: BATCH });
      for (const r of reqs) {
        if (sent >= REQUESTS) break;
        const who = principals[r.who]!;
        let res;
        try {
          res = await t.atrium.app.inject({ method: r.method as never, url: r.url, headers: { ...who.headers, ...r.headers }, ...(r.payload !== undefined ? { payload: r.payload } : {}) });
        } catch {
          // light-my-request refused to build the request (e.g. a header with a newline): never sent.
          refusedByClient++;
          continue;
        }
        sent++;
        byRoute.set(r.route, (byRoute.get(r.route) ?? 0) + 1);
        const sentText = `${r.url} ${typeof r.payload === 'string' ? r.payload : ''} ${decodeSafe(r.url)}`;
        const problems = problemsOf(res, sentText);
        if (problems.length) {
          failures.push({ route: r.route, who: who.name, url: clip(r.url, 200), payload: clip(typeof r.payload === 'string' ? r.payload : r.payload ? `<${r.payload.length} bytes>` : ''), status: res.statusCode, body: clip(res.body), problems });
        }
      }
    }
    const health = await t.anonymous.get('/healthz');
    expect(health.statusCode).toBe(200);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const untouched = routes.map((r) => `${r.method} ${r.path}`).filter((k) => !byRoute.has(k));
    console.log(`[fuzz] ${sent} requests in ${secs} s (${refusedByClient} not sendable), ${failures.length} failing, ${untouched.length} operations never hit`);
    expect(untouched).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    if (failures.length) {
      // One line per kind of failure (status, problem, error code), with the routes it hit and one example.
      const groups = new Map<string, { n: number; routes: Set<string>; first: Failure }>();
      for (const f of failures) {
        const code = /"code":"([^"]+)"/.exec(f.body)?.[1] ?? '-';
        const key = `${f.status} | ${f.problems.join(', ')} | code ${code}`;
        const g = groups.get(key) ?? { n: 0, routes: new Set<string>(), first: f };
        g.n++;
        g.routes.add(f.route);
        groups.set(key, g);
      }
      const report = [...groups.entries()]
        .map(([k, g]) => `${k}  ×${g.n} on ${g.routes.size} route(s): ${[...g.routes].slice(0, 8).join('; ')}${g.routes.size > 8 ? '; …' : ''}\n    e.g. ${g.first.route} as ${g.first.who}: ${clip(g.first.url, 160)}\n    body sent: ${clip(g.first.payload, 160)}\n    answer: ${clip(g.first.body, 240)}`)
        .join('\n');
      const file = path.join(os.tmpdir(), `atrium-fuzz-${SEED}-${REQUESTS}.json`);
      fs.writeFileSync(file, JSON.stringify(failures, null, 1));
      console.log(`[fuzz] failures (seed ${SEED}; all ${failures.length} in ${file}):\n${report}`);
      expect.fail(`${failures.length} of ${sent} requests broke the rules (seed ${SEED}):\n${report}`);
    }
  }, Math.max(300_000, REQUESTS * 20));
});

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
