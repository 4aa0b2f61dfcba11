/**
 * Starts a whole Atrium (real store, real services, real HTTP stack via inject) on a fresh
 * database, with the demo workspace, and gives tests a small client per signed-in user.
 */
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { type Atrium, createAtrium } from '../../src/main.js';
import { freshDatabase, type TestDb } from './test-db.js';
import type { Caller } from '../../src/context.js';

export const DEMO_PASSWORD = 'demo-password-123';

export interface Client {
  userId: string | null;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  del(url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  atrium: Atrium;
  db: TestDb;
  logs: string[];
  demoWorkspaceId: string;
  users: Record<'admin' | 'editor' | 'viewer' | 'guest', string>;
  anonymous: Client;
  /** Signs in with a password and returns a cookie+CSRF client. */
  login(email: string, password?: string): Promise<Client>;
  /** A bearer-token client for a user (creates a token through the API). */
  tokenClient(email: string, scopes?: ('read' | 'write')[]): Promise<Client>;
  /**
   * Adds a member the way a person joins: the demo admin invites the email through the API and the
   * invitee accepts with their own password (DEMO_PASSWORD) — or, when the account exists already,
   * signed in as itself. Returns the member's user id.
   */
  invite(email: string, role: 'admin' | 'editor' | 'viewer' | 'guest'): Promise<string>;
  close(): Promise<void>;
}

/** A client that sends every request through the app in-process, with these headers (a cookie, a token…). */
export function makeClient(atrium: Atrium, userId: string | null, baseHeaders: Record<string, string>): Client {
  const request = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    atrium.app.inject({
      method: method as never,
      url,
      headers: { ...baseHeaders, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
    });
  return {
    userId,
    request,
    get: (u) => request('GET', u),
    post: (u, b) => request('POST', u, b),
    put: (u, b) => request('PUT', u, b),
    patch: (u, b) => request('PATCH', u, b),
    del: (u, b) => request('DELETE', u, b),
  };
}

export async function startTestApp(opts: { demo?: boolean; maxFailuresPerAccount?: number; /** extra environment for loadConfig */ env?: Record<string, string> } = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const config = loadConfig(
    {
      ATRIUM_DEMO_PASSWORD: DEMO_PASSWORD,
      LOG_LEVEL: 'info',
      ATRIUM_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      // Project connections may not reach this host (SSRF guard, blockLocal); the tests' PostgreSQL
      // and MariaDB listen on loopback, so it is allowed here. Override with `env` to test the guard.
      ATRIUM_SSRF_ALLOW_HOSTS: '127.0.0.1,localhost,::1',
      ...opts.env,
    },
    { dataDir: db.dataDir, databaseUrl: db.databaseUrl, demo: opts.demo ?? true },
  );
  const atrium = await createAtrium(config, { logStream, followIntervalMs: 60_000, maxFailuresPerAccount: opts.maxFailuresPerAccount });
  await atrium.app.ready();
  const demo = atrium.demo;
  const users = Object.fromEntries((demo?.users ?? []).map((u) => [u.role, u.id])) as TestApp['users'];

  const login = async (email: string, password = DEMO_PASSWORD): Promise<Client> => {
    const res = await atrium.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'atrium_session');
    const { csrfToken, userId } = res.json() as { csrfToken: string; userId: string };
    return makeClient(atrium, userId, { cookie: `atrium_session=${cookie!.value}`, 'x-csrf-token': csrfToken });
  };

  return {
    atrium,
    db,
    logs,
    demoWorkspaceId: demo?.workspaceId ?? '',
    users,
    anonymous: makeClient(atrium, null, {}),
    login,
    async tokenClient(email, scopes = ['read', 'write']) {
      const c = await login(email);
      const res = await c.post('/api/v1/me/tokens', { name: 'test', scopes });
      if (res.statusCode !== 201) throw new Error(`token create failed: ${res.body}`);
      return makeClient(atrium, c.userId, { authorization: `Bearer ${(res.json() as { token: string }).token}` });
    },
    async invite(email, role) {
      const admin = await login('admin@demo.local');
      const inv = await admin.post(`/api/v1/workspaces/${demo?.workspaceId}/invitations`, { email, role });
      if (inv.statusCode !== 201) throw new Error(`invite ${email} failed: ${inv.statusCode} ${inv.body}`);
      const token = (inv.json() as { token: string }).token;
      let res = await atrium.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token, password: DEMO_PASSWORD } });
      // An account that exists already accepts signed in, without a password.
      if (res.statusCode === 401) res = await (await login(email)).post('/api/v1/invitations/accept', { token });
      if (res.statusCode !== 200) throw new Error(`accept ${email} failed: ${res.statusCode} ${res.body}`);
      return (res.json() as { userId: string }).userId;
    },
    async close() {
      await atrium.close();
      await db.drop();
    },
  };
}

/** A service-level caller for tests beside the code: a session, a token of the given scopes, or anonymous. */
export function callerFor(userId: string | null, opts: { token?: ('read' | 'write')[] } = {}): Caller {
  const ctx = { actorType: userId ? ('user' as const) : ('anonymous' as const), actorId: userId, ip: null, userAgent: null, requestId: 'test' };
  if (!userId) return { principal: null, ctx };
  return { principal: opts.token ? { userId, via: 'token', scopes: opts.token } : { userId, via: 'session', scopes: ['read', 'write'] }, ctx };
}

/** The demo's projects by name. */
export async function demoProjects(t: TestApp): Promise<Record<string, { id: string; workspaceId: string; name: string }>> {
  const { projects } = await t.atrium.services.projects.api.list(callerFor(t.users.admin), t.demoWorkspaceId);
  return Object.fromEntries(projects.map((p) => [p.name, p]));
}
