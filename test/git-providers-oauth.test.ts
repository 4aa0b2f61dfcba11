/**
 * The GitHub OAuth step of a GitHub provider over HTTP, against the GitHub contract server: an
 * admin starts linking (a signed state, a nonce cookie scoped to the callback), GitHub sends the
 * browser back, and the provider gets its installation and the workspace its GitHub account —
 * or the browser lands on the console with a clear `github_error`. Forged, expired and foreign
 * states, another admin's session and a missing nonce are refused before GitHub is asked; rule 11
 * holds both ways; a wrong client secret is named; the code and the tokens appear in no URL,
 * log line or audit event.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthState, githubOAuthStateKey } from '../src/connectors/git-providers/github-oauth-state.js';
import { startGitHubContractServer, type GitHubContractServer } from '../src/connectors/git-providers/github-contract-server.js';
import { systemContext } from '../src/modules/audit/audit-types.js';
import { DEMO_PASSWORD, type TestApp, startTestApp } from './helpers/test-app.js';

const APP_ID = 5151;
const KEY = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const CLIENT_ID = 'Iv1.oauthtest';
const SECRET = 'gh-oauth-client-secret-LeakCanary-93';
const CALLBACK = '/api/v1/git-providers/github/callback';
const NONCE = 'atrium_github_oauth';
/** test-app's ATRIUM_MASTER_KEY: the state key is derived from it, so a test can sign its own states. */
const STATE_KEY = githubOAuthStateKey(Buffer.alloc(32, 7));

let gh: GitHubContractServer;
let t: TestApp;
let demoProvider: string;
let otherProvider: string;
let otherWs: string;
const seenStates: string[] = [];
const locations: string[] = [];

interface Session {
  cookie: string;
  csrf: string;
  userId: string;
}

async function session(email: string, password = DEMO_PASSWORD): Promise<Session> {
  const res = await t.atrium.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const { csrfToken, userId } = res.json() as { csrfToken: string; userId: string };
  return { cookie: res.cookies.find((c) => c.name === 'atrium_session')!.value, csrf: csrfToken, userId };
}

function call(s: Session | null, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, cookies: Record<string, string> = {}) {
  const all = { ...(s ? { atrium_session: s.cookie } : {}), ...cookies };
  const cookie = Object.entries(all).map(([k, v]) => `${k}=${v}`).join('; ');
  return t.atrium.app.inject({
    method,
    url,
    headers: { ...(cookie ? { cookie } : {}), ...(s && method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

/** Starts linking as `s`: GitHub's URL, the state in it, and the nonce cookie set for the callback. */
async function start(s: Session, ws: string, provider: string, body: Record<string, unknown> = {}) {
  const res = await call(s, 'POST', `/api/v1/workspaces/${ws}/git-providers/${provider}/github/authorize`, body);
  expect(res.statusCode, res.body).toBe(200);
  const { authorizeUrl, expiresAt } = res.json() as { authorizeUrl: string; expiresAt: string };
  const cookie = res.cookies.find((c) => c.name === NONCE)!;
  const state = new URL(authorizeUrl).searchParams.get('state')!;
  seenStates.push(state);
  return { authorizeUrl, expiresAt, cookie, nonce: cookie.value, state };
}

/** The browser coming back from GitHub to `url` with these cookies: where it is sent, as query parameters. */
async function back(s: Session | null, url: string, cookies: Record<string, string> = {}): Promise<Record<string, string>> {
  const u = new URL(url);
  const res = await call(s, 'GET', `${u.pathname}${u.search}`, undefined, cookies);
  return landing(res);
}

function landing(res: LightMyRequestResponse): Record<string, string> {
  expect(res.statusCode, res.body).toBe(303);
  const location = String(res.headers.location);
  locations.push(location);
  const to = new URL(location, 'http://atrium.invalid');
  expect(to.origin).toBe('http://atrium.invalid'); // a path of ours, never another site
  expect(to.pathname).toBe('/settings/workspace/integrations');
  // The nonce cookie is spent whatever happened.
  const cleared = res.cookies.find((c) => c.name === NONCE);
  expect(cleared?.value ?? '').toBe('');
  return Object.fromEntries(to.searchParams);
}

/** Requests that only a code exchange reaches: none may happen for a refused callback. */
const githubAsked = () => gh.requests.filter((r) => r.path === '/login/oauth/access_token' || r.path.startsWith('/user')).length;

async function providerOf(s: Session, ws: string, id: string) {
  const r = await call(s, 'GET', `/api/v1/workspaces/${ws}/git-providers/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { installationId: number | null; githubAccount: { login: string; id: number } | null; githubLinkedBy: { login: string; id: number; linkedAt: string } | null };
}

let admin: Session;
let admin2: Session;
let outsider: Session;

beforeAll(async () => {
  gh = await startGitHubContractServer({
    apps: [{ id: APP_ID, slug: 'atrium-oauth', name: 'Atrium OAuth', key: KEY.publicKey, clientId: CLIENT_ID, clientSecret: SECRET, owner: { id: 1, login: 'acme', type: 'Organization' } }],
    installations: [
      { id: 77, appId: APP_ID, account: { id: 501, login: 'acme', type: 'Organization' }, repositories: [] },
      { id: 78, appId: APP_ID, account: { id: 502, login: 'globex', type: 'Organization' }, repositories: [] },
      { id: 79, appId: APP_ID, account: { id: 503, login: 'initech', type: 'Organization' }, repositories: [] },
    ],
    repositories: [],
    users: [
      { id: 9001, login: 'octo-admin', type: 'User', installationIds: [77] },
      { id: 9002, login: 'multi', type: 'User', installationIds: [77, 78] },
      { id: 9003, login: 'nobody', type: 'User', installationIds: [] },
      { id: 9004, login: 'other-admin', type: 'User', installationIds: [77] },
    ],
  });
  t = await startTestApp({ env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true' } });
  await t.invite('admin2@demo.local', 'admin');
  admin = await session('admin@demo.local');
  admin2 = await session('admin2@demo.local');
  const s = t.atrium.services;
  const ctx = systemContext('test');
  const out = await s.workspaces.findOrCreateUserStandalone({ email: 'outsider@other.local', password: 'outsider-pass-1' }, ctx);
  otherWs = (await s.workspaces.create({ name: 'Other', slug: 'other', plan: 'team', adminUserId: out.id }, ctx)).id;
  outsider = await session('outsider@other.local', 'outsider-pass-1');
  const github = (secret: string) => ({ name: 'GitHub', kind: 'github', config: { appId: APP_ID, apiBaseUrl: gh.url, clientId: CLIENT_ID }, credentials: { privateKey: KEY.privateKey, clientSecret: secret } });
  const d = await call(admin, 'POST', '/api/v1/workspaces/demo/git-providers', github(SECRET));
  expect(d.statusCode, d.body).toBe(201);
  demoProvider = d.json().id;
  // The other workspace's App settings start with a wrong client secret.
  const o = await call(outsider, 'POST', '/api/v1/workspaces/other/git-providers', github('not-the-client-secret'));
  expect(o.statusCode, o.body).toBe(201);
  otherProvider = o.json().id;
}, 60_000);

afterAll(async () => {
  await t?.close();
  await gh?.close();
});

describe('starting to link a GitHub account', () => {
  it('answers GitHub’s sign-in URL and sets an HttpOnly, SameSite=Lax nonce cookie for the callback only', async () => {
    const r = await start(admin, 'demo', demoProvider);
    const u = new URL(r.authorizeUrl);
    expect(`${u.origin}${u.pathname}`).toBe(`${gh.url}/login/oauth/authorize`);
    expect(u.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(u.searchParams.get('redirect_uri')).toBe(`http://localhost:80${CALLBACK}`);
    expect(r.cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: CALLBACK });
    expect(r.nonce.length).toBeGreaterThanOrEqual(20);
    expect(r.authorizeUrl).not.toContain(r.nonce); // the nonce lives in the cookie only
    expect(Date.parse(r.expiresAt) - Date.now()).toBeGreaterThan(5 * 60_000);
  });

  it('is for admins, on GitHub providers with the App’s client id and secret', async () => {
    const editor = await session('editor@demo.local');
    const denied = await call(editor, 'POST', `/api/v1/workspaces/demo/git-providers/${demoProvider}/github/authorize`, {});
    expect(denied.statusCode).toBe(403);
    const stranger = await call(outsider, 'POST', `/api/v1/workspaces/demo/git-providers/${demoProvider}/github/authorize`, {});
    expect(stranger.statusCode).toBe(404);
    // A GitHub provider of another workspace, through this one's URL: not found.
    const foreign = await call(admin, 'POST', `/api/v1/workspaces/demo/git-providers/${otherProvider}/github/authorize`, {});
    expect(foreign.statusCode).toBe(404);
    const gitlab = await call(admin, 'POST', '/api/v1/workspaces/demo/git-providers', { name: 'Lab', kind: 'gitlab', config: { baseUrl: 'http://127.0.0.1:9' }, credentials: { token: 'glpat-x' } });
    const notGithub = await call(admin, 'POST', `/api/v1/workspaces/demo/git-providers/${gitlab.json().id}/github/authorize`, {});
    expect([notGithub.statusCode, notGithub.json().error.details.reason]).toEqual([400, 'not_github']);
    // Without the client secret there is no OAuth step (the App still works by installation id).
    await call(outsider, 'PATCH', `/api/v1/workspaces/other/git-providers/${otherProvider}`, { credentials: { privateKey: KEY.privateKey } });
    const incomplete = await call(outsider, 'POST', `/api/v1/workspaces/other/git-providers/${otherProvider}/github/authorize`, {});
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error).toMatchObject({ code: 'provider_config_invalid', details: { reason: 'client_credentials_incomplete' } });
    expect(incomplete.json().error.message).toMatch(/client id and the client secret/);
    const restored = await call(outsider, 'PATCH', `/api/v1/workspaces/other/git-providers/${otherProvider}`, { credentials: { privateKey: KEY.privateKey, clientSecret: 'not-the-client-secret' } });
    expect(restored.statusCode, restored.body).toBe(200);
  });
});

describe('the callback refuses, before GitHub is asked', () => {
  /** A real start by the demo admin, approved on GitHub by octo-admin: the URL GitHub sends the browser to. */
  async function approved() {
    const r = await start(admin, 'demo', demoProvider);
    return { ...r, callback: gh.approve(r.authorizeUrl, 'octo-admin') };
  }
  const withState = (callback: string, state: string) => {
    const u = new URL(callback);
    u.searchParams.set('state', state);
    return u.toString();
  };

  it('a forged or tampered state', async () => {
    const r = await approved();
    const before = githubAsked();
    const [body, sig] = r.state.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${Buffer.from(JSON.stringify({ ...payload, i: 78 })).toString('base64url')}.${sig}`;
    // Signed with a constant instead of the key derived from the master key.
    const constant = createOAuthState('x'.repeat(32), { workspaceId: t.demoWorkspaceId, userId: admin.userId, providerId: demoProvider });
    for (const [state, nonce] of [[tampered, r.nonce], [constant.state, constant.nonce], ['garbage', r.nonce], ['', r.nonce]] as const) {
      const out = await back(admin, withState(r.callback, state), { [NONCE]: nonce });
      expect(out.github_error, state).toBe('state_invalid');
    }
    expect(githubAsked()).toBe(before);
  });

  it('an expired state', async () => {
    const before = githubAsked();
    const old = createOAuthState(STATE_KEY, { workspaceId: t.demoWorkspaceId, userId: admin.userId, providerId: demoProvider, now: Date.now() - 11 * 60_000 });
    const r = await approved();
    const out = await back(admin, withState(r.callback, old.state), { [NONCE]: old.nonce });
    expect(out).toMatchObject({ github_error: 'state_invalid' });
    expect(out.github_message).toMatch(/took too long/);
    expect(githubAsked()).toBe(before);
  });

  it('a state from another workspace', async () => {
    const r = await approved();
    const before = githubAsked();
    // Signed by us, for the other workspace but naming this workspace's provider: no such provider there.
    const mixed = createOAuthState(STATE_KEY, { workspaceId: otherWs, userId: outsider.userId, providerId: demoProvider });
    expect((await back(outsider, withState(r.callback, mixed.state), { [NONCE]: mixed.nonce })).github_error).toBe('not_found');
    // The other workspace's admin starts for their workspace; the demo admin's browser is sent the result.
    const theirs = await start(outsider, 'other', otherProvider);
    const theirCallback = gh.approve(theirs.authorizeUrl, 'other-admin');
    const out = await back(admin, theirCallback, { [NONCE]: r.nonce });
    expect(out).toMatchObject({ github_error: 'state_invalid' });
    expect(out.github_message).toMatch(/another user/);
    expect(githubAsked()).toBe(before);
  });

  it('another admin’s session, even with the nonce cookie', async () => {
    const r = await approved();
    const before = githubAsked();
    const out = await back(admin2, r.callback, { [NONCE]: r.nonce });
    expect(out).toMatchObject({ github_error: 'state_invalid' });
    expect(out.github_message).toMatch(/another user/);
    expect(githubAsked()).toBe(before);
  });

  it('a missing or wrong nonce cookie, no session, an expired session', async () => {
    const r = await approved();
    const other = await start(admin, 'demo', demoProvider);
    const before = githubAsked();
    const missing = await back(admin, r.callback);
    expect(missing).toMatchObject({ github_error: 'state_invalid' });
    expect(missing.github_message).toMatch(/no sign-in cookie/);
    expect((await back(admin, r.callback, { [NONCE]: other.nonce })).github_message).toMatch(/another session/);
    expect((await back(null, r.callback, { [NONCE]: r.nonce })).github_error).toBe('unauthenticated');
    // A session cookie the server no longer knows: the auth hook's error lands on the console too.
    const stale = await back(null, r.callback, { atrium_session: 'stale-session-cookie', [NONCE]: r.nonce });
    expect(stale.github_error).toMatch(/^(session_expired|unauthenticated)$/);
    expect(githubAsked()).toBe(before);
    // GitHub's own refusal (the admin cancelled) is named as such.
    const u = new URL(`http://localhost${CALLBACK}`);
    u.searchParams.set('error', 'access_denied');
    u.searchParams.set('state', r.state);
    expect((await back(admin, u.toString(), { [NONCE]: r.nonce })).github_error).toBe('access_denied');
  });
});

describe('choosing the installation', () => {
  it('none visible: install the App first, with its install URL', async () => {
    const r = await start(admin, 'demo', demoProvider);
    const out = await back(admin, gh.approve(r.authorizeUrl, 'nobody'), { [NONCE]: r.nonce });
    expect(out.github_error).toBe('not_installed');
    expect(out.github_message).toContain('install the App on the account first');
    expect(out.github_message).toContain(`${gh.url}/apps/atrium-oauth/installations/new`);
  });

  it('several visible: lists the choices; one not visible: says so', async () => {
    const r = await start(admin, 'demo', demoProvider);
    const several = await back(admin, gh.approve(r.authorizeUrl, 'multi'), { [NONCE]: r.nonce });
    expect(several.github_error).toBe('installation_choice_needed');
    expect(several.github_message).toContain('acme (installation 77)');
    expect(several.github_message).toContain('globex (installation 78)');
    const r2 = await start(admin, 'demo', demoProvider, { installationId: 79 });
    const hidden = await back(admin, gh.approve(r2.authorizeUrl, 'multi'), { [NONCE]: r2.nonce });
    expect(hidden.github_error).toBe('installation_not_visible');
    expect(hidden.github_message).toContain('Installation 79');
    expect((await providerOf(admin, 'demo', demoProvider)).githubAccount).toBeNull();
  });
});

describe('linking', () => {
  it('links the admin’s GitHub account: the provider gets the installation, the workspace the account', async () => {
    const r = await start(admin, 'demo', demoProvider);
    const exchangesBefore = gh.requests.filter((q) => q.path === '/login/oauth/access_token').length;
    const out = await back(admin, gh.approve(r.authorizeUrl, 'octo-admin'), { [NONCE]: r.nonce });
    expect(out).toEqual({ github: 'linked', github_account: 'acme' });
    expect(gh.requests.filter((q) => q.path === '/login/oauth/access_token').length).toBe(exchangesBefore + 1);
    const p = await providerOf(admin, 'demo', demoProvider);
    expect(p).toMatchObject({ installationId: 77, githubAccount: { login: 'acme', id: 501 }, githubLinkedBy: { login: 'octo-admin', id: 9001 } });
    const audit = await t.atrium.services.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'git_provider.link').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(String(audit[0]!.details))).toEqual({ name: 'GitHub', githubAccount: 'acme', installationId: 77, linkedBy: 'octo-admin' });
    // A code is good once: the same callback again is refused by GitHub, clearly.
    const again = await back(admin, gh.approve(r.authorizeUrl, 'octo-admin').replace(/code=[^&]+/, 'code=used-or-made-up'), { [NONCE]: r.nonce });
    expect(again.github_error).toBe('oauth_code_invalid');
  });

  it('through the contract’s authorize page, as a browser follows it, an admin with several installations names one', async () => {
    gh.signIn('multi');
    const r = await start(admin2, 'demo', demoProvider, { installationId: 77 });
    const page = await fetch(r.authorizeUrl, { redirect: 'manual' });
    expect(page.status).toBe(302);
    const out = await back(admin2, page.headers.get('location')!, { [NONCE]: r.nonce });
    expect(out).toEqual({ github: 'linked', github_account: 'acme' });
    expect((await providerOf(admin, 'demo', demoProvider)).githubLinkedBy).toMatchObject({ login: 'multi', id: 9002 });
    gh.signIn(null);
  });

  it('rule 11: a workspace linked to one account cannot link another', async () => {
    const r = await start(admin, 'demo', demoProvider, { installationId: 78 });
    const out = await back(admin, gh.approve(r.authorizeUrl, 'multi'), { [NONCE]: r.nonce });
    expect(out.github_error).toBe('workspace_has_github');
    expect(out.github_message).toContain("already connected to the GitHub account 'acme'");
    expect((await providerOf(admin, 'demo', demoProvider)).installationId).toBe(77);
  });

  it('a wrong client secret is named', async () => {
    const r = await start(outsider, 'other', otherProvider);
    const out = await back(outsider, gh.approve(r.authorizeUrl, 'other-admin'), { [NONCE]: r.nonce });
    expect(out.github_error).toBe('client_secret_invalid');
    expect(out.github_message).toMatch(/refused the client id or client secret/);
  });

  it('rule 11: an account linked to one workspace cannot be linked to another', async () => {
    const fixed = await call(outsider, 'PATCH', `/api/v1/workspaces/other/git-providers/${otherProvider}`, { credentials: { privateKey: KEY.privateKey, clientSecret: SECRET } });
    expect(fixed.statusCode, fixed.body).toBe(200);
    const r = await start(outsider, 'other', otherProvider);
    const out = await back(outsider, gh.approve(r.authorizeUrl, 'other-admin'), { [NONCE]: r.nonce });
    expect(out.github_error).toBe('github_account_taken');
    expect(out.github_message).toContain("'acme' is already connected to another workspace");
    expect((await providerOf(outsider, 'other', otherProvider)).githubAccount).toBeNull();
  });
});

describe('leak scan: the code, the OAuth tokens, the client secret', () => {
  const secrets = () => [SECRET, ...KEY.privateKey.split('\n').filter((l) => l.length >= 40), ...gh.issued];
  it('in no redirect, log line or audit event', async () => {
    expect(gh.issued.filter((s) => s.startsWith('ghu_')).length).toBeGreaterThanOrEqual(3); // user tokens were issued and are scanned for
    expect(locations.length).toBeGreaterThan(15);
    for (const l of locations) for (const s of [...secrets(), ...seenStates]) expect(l.includes(s), l).toBe(false);
    const logs = t.logs.join('\n');
    expect(logs).toContain(CALLBACK); // the callback requests were logged…
    for (const s of [...secrets(), ...seenStates]) expect(logs.includes(s)).toBe(false); // …without their query
    const db = t.atrium.services.store.db;
    const audit = JSON.stringify(await db.selectFrom('audit_events').selectAll().execute());
    const providers = JSON.stringify(await db.selectFrom('git_providers').selectAll().execute());
    for (const s of secrets()) {
      expect(audit.includes(s)).toBe(false);
      expect(providers.includes(s)).toBe(false);
    }
  });
});

describe('the return address', () => {
  it('is ATRIUM_PUBLIC_URL when set, whatever Host the request claims', async () => {
    const t2 = await startTestApp({ env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true', ATRIUM_PUBLIC_URL: 'https://atrium.example.com' } });
    try {
      const login = await t2.atrium.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@demo.local', password: DEMO_PASSWORD } });
      const s = { cookie: `atrium_session=${login.cookies.find((c) => c.name === 'atrium_session')!.value}`, csrf: (login.json() as { csrfToken: string }).csrfToken };
      const post = (url: string, body: unknown) =>
        t2.atrium.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json', host: 'evil.example.net' }, payload: JSON.stringify(body) });
      const p = await post('/api/v1/workspaces/demo/git-providers', { name: 'GitHub', kind: 'github', config: { appId: APP_ID, apiBaseUrl: gh.url, clientId: CLIENT_ID }, credentials: { privateKey: KEY.privateKey, clientSecret: SECRET } });
      expect(p.statusCode, p.body).toBe(201);
      const r = await post(`/api/v1/workspaces/demo/git-providers/${p.json().id}/github/authorize`, {});
      expect(r.statusCode, r.body).toBe(200);
      expect(new URL(r.json().authorizeUrl).searchParams.get('redirect_uri')).toBe(`https://atrium.example.com${CALLBACK}`);
    } finally {
      await t2.close();
    }
  });
});
