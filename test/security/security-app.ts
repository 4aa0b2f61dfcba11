/**
 * Helpers for the red-team tests (issue 9): the in-process Atrium of test/helpers/test-app.ts
 * with extra environment settings (ATRIUM_TRUST_PROXY, ATRIUM_SSRF_*, …) so a test can attack
 * the configuration it is about; a second workspace with its own admin; the demo's ids by
 * name; and a SQL-cell runner that reads both ways a query can fail (HTTP error, NDJSON event).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { systemContext } from '../../src/modules/audit/audit-types.js';
import { DEMO_PASSWORD, makeClient as makeAppClient, startTestApp, type Client, type TestApp } from '../helpers/test-app.js';

export { DEMO_PASSWORD };

/** A client of `t`'s app with these headers (test/helpers/test-app.ts's, for a `{ atrium }` holder). */
export const makeClient = (t: Pick<TestApp, 'atrium'>, userId: string | null, baseHeaders: Record<string, string>): Client => makeAppClient(t.atrium, userId, baseHeaders);

/**
 * A whole app on a fresh database with the demo workspace (test/helpers/test-app.ts), configured
 * by `env` on top of the test defaults, except that the SSRF guard allows no host unless `env`
 * says so: the red-team tests attack the configuration as shipped.
 */
export async function startApp(env: Record<string, string> = {}, opts: { demo?: boolean } = {}): Promise<TestApp> {
  return startTestApp({ demo: opts.demo ?? true, env: { ATRIUM_SSRF_ALLOW_HOSTS: '', ...env } });
}

/** The demo app, its ids by name, and its admin, editor and guest signed in. */
export interface DemoSession {
  t: TestApp;
  ids: DemoIds;
  admin: Client;
  editor: Client;
  guest: Client;
}

export async function startDemoSession(env: Record<string, string> = {}): Promise<DemoSession> {
  const t = await startApp(env);
  try {
    const ids = await demoIds(t);
    const guest = await t.login('guest@demo.local');
    const editor = await t.login('editor@demo.local');
    const admin = await t.login('admin@demo.local');
    return { t, ids, admin, editor, guest };
  } catch (e) {
    await t.close();
    throw e;
  }
}

/**
 * A stand-in console build (index.html and one asset) so the static routes answer; sets
 * ATRIUM_CONSOLE_DIR, which the caller deletes (and the directory) when done.
 */
export function standInConsole(prefix: string, indexHtml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'index.html'), indexHtml);
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  process.env.ATRIUM_CONSOLE_DIR = dir;
  return dir;
}

export async function loginAs(t: Pick<TestApp, 'atrium'>, email: string, password: string, headers: Record<string, string> = {}): Promise<Client> {
  const s = await sessionHeaders(t, email, password, headers);
  return makeClient(t, s.userId, s.headers);
}

/** Signs in and returns the headers a browser would send: the session cookie and the CSRF token. */
export async function sessionHeaders(t: Pick<TestApp, 'atrium'>, email: string, password: string, headers: Record<string, string> = {}) {
  const res = await t.atrium.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, headers });
  if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'atrium_session');
  const { csrfToken, userId } = res.json() as { csrfToken: string; userId: string };
  return { userId, headers: { cookie: `atrium_session=${cookie!.value}`, 'x-csrf-token': csrfToken } };
}

/** An API token of the user (through the API), as the Authorization header. */
export async function tokenHeaders(t: Pick<TestApp, 'atrium'>, email: string, password: string, scopes: ('read' | 'write')[] = ['read', 'write']) {
  const c = await loginAs(t, email, password);
  const res = await c.post('/api/v1/me/tokens', { name: 'red-team', scopes });
  if (res.statusCode !== 201) throw new Error(`token create failed: ${res.body}`);
  return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
}

/** Where the demo's SQLite files live (ATRIUM_FILES_DIR defaults to DATA_DIR/files). */
export const filesDirOf = (t: TestApp): string => path.join(t.db.dataDir, 'files');

export interface DemoIds {
  ws: string;
  revenue: string;
  churn: string;
  interview: string;
  kpis: string;
  warehouse: string;
  finance: string;
  secret: string;
  dataTeam: string;
}

/** The demo workspace's projects, assets and group by name, read through the API as its admin. */
export async function demoIds(t: TestApp): Promise<DemoIds> {
  const admin = await t.login('admin@demo.local');
  const ws = t.demoWorkspaceId;
  const projects = (await admin.get(`/api/v1/workspaces/${ws}/projects`)).json().projects as { id: string; name: string }[];
  const conns = (await admin.get(`/api/v1/workspaces/${ws}/data-connections`)).json().dataConnections as { id: string; name: string }[];
  const secrets = (await admin.get(`/api/v1/workspaces/${ws}/secrets`)).json().secrets as { id: string; name: string }[];
  const g = (await admin.get(`/api/v1/workspaces/${ws}/groups`)).json() as { custom?: { id: string; name: string }[]; groups?: { id: string; name: string }[] };
  const groups = g.custom ?? g.groups ?? [];
  const by = <T extends { id: string; name: string }>(list: T[], name: string) => {
    const x = list.find((i) => i.name === name);
    if (!x) throw new Error(`demo has no '${name}'`);
    return x.id;
  };
  return {
    ws,
    revenue: by(projects, 'Revenue dashboard'),
    churn: by(projects, 'Churn analysis'),
    interview: by(projects, 'Interview exercise'),
    kpis: by(projects, 'Public KPIs'),
    warehouse: by(conns, 'Demo warehouse'),
    finance: by(conns, 'Finance'),
    secret: by(secrets, 'DEMO_API_TOKEN'),
    dataTeam: by(groups, 'Data Team'),
  };
}

/**
 * A second workspace ("B") with its own admin, bootstrapped the way `atrium admin create` does
 * (the only way a first admin gets a password), and a signed-in client for that admin.
 */
export async function secondWorkspace(t: TestApp, slug: string, adminEmail: string, adminPassword = 'b-admin-password-123'): Promise<{ wsId: string; admin: Client }> {
  const ctx = systemContext('red-team');
  const user = await t.atrium.services.workspaces.findOrCreateUserStandalone({ email: adminEmail, name: `Admin of ${slug}`, password: adminPassword }, ctx);
  const ws = await t.atrium.services.workspaces.create({ name: `Workspace ${slug}`, slug, plan: 'enterprise', adminUserId: user.id }, ctx);
  return { wsId: ws.id, admin: await loginAs(t, adminEmail, adminPassword) };
}

export interface SqlOutcome {
  status: number;
  /** The error, from the HTTP error body or the stream's `error` event; null when it succeeded. */
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
  rows: unknown[][];
  queryId: string | null;
  body: string;
}

/** Runs a SQL cell and reads its outcome, however it failed. */
export async function runSql(c: Client, projectId: string, body: Record<string, unknown>): Promise<SqlOutcome> {
  const res = await c.post(`/api/v1/projects/${projectId}/queries`, body);
  return readSql(res);
}

export function readSql(res: LightMyRequestResponse): SqlOutcome {
  if (!String(res.headers['content-type'] ?? '').includes('ndjson')) {
    const j = safeJson(res.body) as { error?: SqlOutcome['error'] } | null;
    return { status: res.statusCode, error: j?.error ?? { code: 'unknown', message: res.body }, rows: [], queryId: null, body: res.body };
  }
  const events = res.body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; rows?: unknown[][]; error?: SqlOutcome['error']; queryId?: string });
  const err = events.find((e) => e.type === 'error');
  return {
    status: res.statusCode,
    error: err?.error ?? null,
    rows: events.filter((e) => e.type === 'rows').flatMap((e) => e.rows ?? []),
    queryId: events.find((e) => e.type === 'query')?.queryId ?? null,
    body: res.body,
  };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function sha256File(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  return createHashHex(fs.readFileSync(file));
}

const createHashHex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
