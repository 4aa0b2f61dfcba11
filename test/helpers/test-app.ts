/**
 * Starts a whole Atrium (real store, real services, real HTTP stack via inject) on a fresh
 * database, with the demo workspace, and gives tests a small client per signed-in user.
 */
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { type Atrium, createAtrium } from '../../src/main.js';
import { freshDatabase, type TestDb } from './test-db.js';

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
  close(): Promise<void>;
}

function makeClient(atrium: Atrium, userId: string | null, baseHeaders: Record<string, string>): Client {
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

export async function startTestApp(opts: { demo?: boolean; maxFailuresPerAccount?: number } = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const config = loadConfig(
    { ATRIUM_DEMO_PASSWORD: DEMO_PASSWORD, LOG_LEVEL: 'info', ATRIUM_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') },
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
    async close() {
      await atrium.close();
      await db.drop();
    },
  };
}
