/**
 * The GitHub App client against the local contract server (github-contract-server.ts), on both
 * API layouts (github.com at `/`, GitHub Enterprise Server at `/api/v3`), and its git credentials
 * against the real smart-HTTP git server. Every error seen is scanned for the private key, the
 * client secret and every token the contract server issued.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardFixtures, type StandardFixtures } from '../../../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../../../scripts/services/git-server.js';
import { createGitConnector, type GitConnector } from '../git/git-connector.js';
import { GitProviderError } from './git-providers-errors.js';
import { collectFailures } from './git-providers-test-support.js';
import { createGitHubAppClient, githubWebBaseUrl, type GitHubAppClient, type GitHubAppClientOptions } from './github-app.js';
import { startGitHubContractServer, type ContractRequest, type GitHubContractServer } from './github-contract-server.js';
import { createOAuthState } from './github-oauth-state.js';

const pem = (type: 'pkcs1' | 'pkcs8') => generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type, format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
// GitHub hands out PKCS#1 PEMs ("BEGIN RSA PRIVATE KEY").
const APP_KEY = pem('pkcs1');
const OTHER_KEY = pem('pkcs1');
const SECOND_APP_KEY = pem('pkcs8');
const APP_ID = 4242;
const CLIENT_ID = 'Iv1.contract4242';
const CLIENT_SECRET = `secret-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const STATE_KEY = Buffer.alloc(32, 7);

let server: GitHubContractServer;
let gitServer: GitServer;
let git: GitConnector;
let fx: StandardFixtures;
let dir: string;
const clients: GitHubAppClient[] = [];
const { failure, seen: seenErrors } = collectFailures();

const ACME = { id: 5001, login: 'acme', type: 'Organization' as const };
const OCTOCAT = { id: 583231, login: 'octocat', type: 'User' as const };
const ACME_REPOS = Array.from({ length: 25 }, (_, i) => `acme/repo-${String(i + 1).padStart(2, '0')}`);

function client(overrides: { config?: Record<string, unknown>; credentials?: Record<string, unknown>; options?: GitHubAppClientOptions & { enterprise?: boolean } } = {}): GitHubAppClient {
  const c = createGitHubAppClient(
    { appId: APP_ID, apiBaseUrl: server.url, clientId: CLIENT_ID, ...overrides.config },
    { privateKey: APP_KEY.privateKey, clientSecret: CLIENT_SECRET, ...overrides.credentials },
    { allowHttpLoopback: true, gitBaseUrl: gitServer.url, ...overrides.options },
  );
  clients.push(c);
  return c;
}


const count = (pred: (r: ContractRequest) => boolean): number => server.requests.filter(pred).length;
const mints = (enterprise = false): number => count((r) => r.method === 'POST' && /\/access_tokens$/.test(r.path) && r.status === 201 && r.enterprise === enterprise);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atrium-gh-test-'));
  fx = await buildStandardFixtures(path.join(dir, 'repos'));
  gitServer = await startGitServer({ root: path.join(dir, 'repos') });
  git = createGitConnector({ allowHttpLoopback: true });
  server = await startGitHubContractServer({
    apps: [
      { id: APP_ID, slug: 'atrium-test', name: 'Atrium test', key: APP_KEY.publicKey, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, owner: ACME },
      { id: 777, slug: 'other-app', name: 'Other app', key: SECOND_APP_KEY.publicKey, clientId: 'Iv1.other', clientSecret: 'other-secret', owner: ACME },
    ],
    installations: [
      { id: 100, appId: APP_ID, account: ACME, repositories: [...ACME_REPOS, 'acme/tools'] },
      { id: 200, appId: APP_ID, account: { id: 5002, login: 'suspended-co', type: 'Organization' }, repositories: [], suspended: true },
      { id: 300, appId: APP_ID, account: OCTOCAT, repositories: ['octocat/hello'] },
      { id: 400, appId: 777, account: OCTOCAT, repositories: [] },
    ],
    repositories: [
      ...ACME_REPOS.map((fullName, i) => ({ id: 9000 + i, fullName })),
      { id: 8000, fullName: 'acme/tools', defaultBranch: 'main', previousNames: ['acme/old-tools'] },
      { id: 8001, fullName: 'acme/secret-plans' },
      { id: 8002, fullName: 'octocat/hello', defaultBranch: 'trunk', private: false },
    ],
    users: [
      { ...OCTOCAT, installationIds: [100, 300, 400] },
      { id: 666, login: 'mallory', type: 'User', installationIds: [] },
    ],
    // A minted installation token is accepted by the git server for the installation's repositories, as on GitHub.
    onInstallationToken: (token, inst) => gitServer.setToken(token, { repos: inst.repositories }),
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  git?.close();
  await server?.close();
  await gitServer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('app JWT', () => {
  it('is RS256, issued by the app id, lives at most ten minutes, and the contract server accepts it', async () => {
    const c = client();
    const jwt = await c.appJwt();
    const [h, p] = jwt.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>) as [Record<string, unknown>, Record<string, number>];
    expect(h.alg).toBe('RS256');
    expect(String(p.iss)).toBe(String(APP_ID));
    expect(p.exp! - p.iat!).toBeLessThanOrEqual(600);
    const before = count((r) => r.path === '/app' && r.auth === 'jwt' && r.status === 200);
    const result = await c.test();
    expect(result.app).toMatchObject({ id: APP_ID, slug: 'atrium-test', owner: 'acme' });
    expect(result.checks.join(' / ')).toMatch(/private key accepted.*client id and client secret accepted/);
    expect(count((r) => r.path === '/app' && r.auth === 'jwt' && r.status === 200)).toBe(before + 1);
  });

  it('the contract server refuses a JWT with a bad signature, an expired or far exp, or a future iat, with GitHub\'s messages', async () => {
    const sign = (claims: Record<string, unknown>, key = APP_KEY.privateKey): string => {
      const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const s = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
      return `${head}.${body}.${s}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const ask = async (jwt: string) => {
      const r = await fetch(`${server.url}/app`, { headers: { authorization: `Bearer ${jwt}`, accept: 'application/vnd.github+json' } });
      return { status: r.status, body: (await r.json()) as { message: string; documentation_url: string } };
    };
    expect((await ask(sign({ iss: APP_ID, iat: now - 30, exp: now + 500 }))).status).toBe(200);
    const forged = await ask(sign({ iss: APP_ID, iat: now - 30, exp: now + 500 }, OTHER_KEY.privateKey));
    expect(forged).toEqual({ status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest' } });
    expect((await ask(sign({ iss: 1, iat: now - 30, exp: now + 500 }))).body.message).toBe('A JSON web token could not be decoded');
    expect((await ask(sign({ iss: APP_ID, iat: now - 700, exp: now - 100 }))).body.message).toMatch(/'Expiration time' claim \('exp'\) must be a numeric value representing the future time/);
    expect((await ask(sign({ iss: APP_ID, iat: now, exp: now + 3600 }))).body.message).toMatch(/'Expiration time' claim \('exp'\) is too far in the future/);
    expect((await ask(sign({ iss: APP_ID, iat: now + 300, exp: now + 500 }))).body.message).toMatch(/'Issued at' claim \('iat'\) must be an Integer/);
    const unsigned = sign({ iss: APP_ID, iat: now - 30, exp: now + 500 }).replace(/\.[^.]+$/, '.');
    expect((await ask(unsigned)).status).toBe(401);
  });
});

describe('installation tokens', () => {
  it('are minted on demand, served from memory, and re-minted shortly before they expire', async () => {
    server.setInstallationTokenLifetime(3);
    try {
      const c = client({ options: { allowHttpLoopback: true, gitBaseUrl: gitServer.url, tokenRefreshMarginMs: 1000 } });
      const start = mints();
      const t1 = await c.installationToken(100);
      expect(mints()).toBe(start + 1);
      expect(t1.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3000);
      const t2 = await c.installationToken(100);
      expect(t2.token).toBe(t1.token);
      expect(mints()).toBe(start + 1);
      // Used for a call, still from memory.
      await c.listRepositories(100);
      expect(mints()).toBe(start + 1);
      // Refresh at expires_at - min(margin 1 s, half of 3 s).
      await sleep(2200);
      const t3 = await c.installationToken(100);
      expect(t3.token).not.toBe(t1.token);
      expect(mints()).toBe(start + 2);
      // The first token is dead by now on the server side, as GitHub would have it.
      await sleep(1000);
      const r = await fetch(`${server.url}/installation/repositories`, { headers: { authorization: `token ${t1.token}` } });
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    } finally {
      server.setInstallationTokenLifetime(3600);
    }
  });

  it('concurrent callers share one mint', async () => {
    const c = client();
    const start = mints();
    const all = await Promise.all(Array.from({ length: 6 }, () => c.installationToken(300)));
    expect(new Set(all.map((t) => t.token)).size).toBe(1);
    expect(mints()).toBe(start + 1);
  });

  it('a token revoked before its expiry is re-minted once and the call succeeds', async () => {
    const c = client();
    const { token } = await c.installationToken(100);
    server.revokeInstallationToken(token);
    const start = mints();
    const page = await c.listRepositories(100);
    expect(page.repositories.length).toBeGreaterThan(0);
    expect(mints()).toBe(start + 1);
    expect((await c.installationToken(100)).token).not.toBe(token);
  });

  it('a wrong private key or app id is auth_failed (jwt_rejected), a malformed key config_invalid', async () => {
    const wrongKey = await failure(client({ credentials: { privateKey: OTHER_KEY.privateKey } }).installationToken(100));
    expect(wrongKey.code).toBe('auth_failed');
    expect(wrongKey.details.reason).toBe('jwt_rejected');
    expect(wrongKey.message).toMatch(/private key does not belong to app 4242, or the app id is wrong/);
    const wrongKeyTest = await failure(client({ credentials: { privateKey: OTHER_KEY.privateKey } }).test());
    expect([wrongKeyTest.code, wrongKeyTest.details.reason]).toEqual(['auth_failed', 'jwt_rejected']);
    const unknownApp = await failure(client({ config: { appId: 4243 } }).test());
    expect([unknownApp.code, unknownApp.details.reason]).toEqual(['auth_failed', 'jwt_rejected']);
    // Keys pasted with literal \n (from a .env file) are accepted.
    await client({ credentials: { privateKey: APP_KEY.privateKey.replace(/\n/g, '\\n') } }).test();
    const truncated = await failure(() => client({ credentials: { privateKey: APP_KEY.privateKey.slice(0, 200) } }));
    expect([truncated.code, truncated.details.reason]).toEqual(['config_invalid', 'bad_private_key']);
    const publicOnly = await failure(() => client({ credentials: { privateKey: APP_KEY.publicKey } }));
    expect(publicOnly.details.reason).toBe('bad_private_key');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    expect((await failure(() => client({ credentials: { privateKey: ec.privateKey } }))).message).toMatch(/not an RSA key/);
    const badId = await failure(() => client({ config: { appId: 'abc' } }));
    expect(badId.code).toBe('config_invalid');
  });

  it('an app not installed on the account is not_installed; a suspended installation says so', async () => {
    const c = client();
    const missing = await failure(c.test({ account: 'nobody-here' }));
    expect([missing.code, missing.details.reason]).toEqual(['not_installed', 'not_installed']);
    expect(missing.message).toContain(`${server.url}/apps/atrium-test/installations/new`);
    const unknownId = await failure(c.test({ installationId: 999_999 }));
    expect([unknownId.code, unknownId.details.reason]).toEqual(['not_installed', 'not_installed']);
    const mintUnknown = await failure(c.installationToken(999_999));
    expect(mintUnknown.code).toBe('not_installed');
    // Another app's installation is not ours either.
    expect((await failure(c.getInstallation(400))).code).toBe('not_installed');

    const suspended = await failure(c.test({ installationId: 200 }));
    expect([suspended.code, suspended.details.reason]).toEqual(['not_installed', 'installation_suspended']);
    const suspendedMint = await failure(c.installationToken(200));
    expect([suspendedMint.code, suspendedMint.details.reason]).toEqual(['not_installed', 'installation_suspended']);

    const ok = await c.test({ account: 'ACME' });
    expect(ok.installation).toMatchObject({ id: 100, account: { login: 'acme', type: 'Organization' }, suspended: false });
    expect(ok.checks.at(-1)).toMatch(/installation 100 on acme can mint tokens/);
  });

  it('a token of an installation that gets suspended stops working with installation_suspended', async () => {
    const c = client();
    await c.listRepositories(300);
    server.setSuspended(300, true);
    try {
      const e = await failure(c.listRepositories(300));
      expect([e.code, e.details.reason]).toEqual(['not_installed', 'installation_suspended']);
    } finally {
      server.setSuspended(300, false);
    }
  });
});

describe('client id and secret', () => {
  it('a wrong client secret, a client id of another app, or half the pair are refused precisely', async () => {
    const wrong = await failure(client({ credentials: { clientSecret: 'not-the-secret' } }).test());
    expect([wrong.code, wrong.details.reason]).toEqual(['auth_failed', 'client_secret_invalid']);
    const otherApp = await failure(client({ config: { clientId: 'Iv1.other' } }).test());
    expect([otherApp.code, otherApp.details.reason]).toEqual(['config_invalid', 'client_id_mismatch']);
    const half = await failure(client({ credentials: { clientSecret: undefined } }).test());
    expect([half.code, half.details.reason]).toEqual(['config_invalid', 'client_credentials_incomplete']);
    // Without OAuth settings the app still works for installations.
    const noOAuth = client({ config: { clientId: undefined }, credentials: { clientSecret: undefined } });
    expect((await noOAuth.test({ installationId: 100 })).installation?.id).toBe(100);
  });
});

describe('OAuth linking', () => {
  async function connect(c: GitHubAppClient, login: string, workspaceId = 'ws_1') {
    const { state, nonce } = createOAuthState(STATE_KEY, { workspaceId, userId: 'usr_admin' });
    const redirectUrl = 'https://atrium.example/api/integrations/github/callback';
    const authorize = c.authorizeUrl({ state, redirectUrl });
    const callback = new URL(server.approve(authorize, login));
    expect(callback.origin + callback.pathname).toBe(redirectUrl);
    return { code: callback.searchParams.get('code')!, state: callback.searchParams.get('state')!, nonce, redirectUrl, authorize };
  }

  it('exchanges the code, reads the user and only this app\'s installations they can access', async () => {
    const c = client();
    const { code, state, nonce, redirectUrl, authorize } = await connect(c, 'octocat');
    expect(new URL(authorize).searchParams.get('client_id')).toBe(CLIENT_ID);
    const result = await c.completeOAuth({ code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl });
    expect(result.account).toEqual({ id: 583231, login: 'octocat', type: 'User' });
    expect(result.linkKey).toBe(`${new URL(server.url).host}:583231`);
    expect(result.installations.map((i) => i.id).sort()).toEqual([100, 300]);
    expect(JSON.stringify(result)).not.toMatch(/ghu_|ghr_/);
    // A code is good once.
    const again = await failure(c.completeOAuth({ code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl }));
    expect([again.code, again.details.reason]).toEqual(['auth_failed', 'oauth_code_invalid']);
  });

  it('a user without installations of the app gets an empty list', async () => {
    const c = client();
    const { code, state, nonce, redirectUrl } = await connect(c, 'mallory');
    const result = await c.completeOAuth({ code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl });
    expect(result.account.id).toBe(666);
    expect(result.installations).toEqual([]);
  });

  it('a state from another workspace, session or user, tampered or expired, is refused before GitHub is asked', async () => {
    const c = client();
    const { code, state, nonce, redirectUrl } = await connect(c, 'octocat');
    const exchanges = () => count((r) => r.path === '/login/oauth/access_token');
    const before = exchanges();
    const tries: [string, Parameters<GitHubAppClient['completeOAuth']>[0]][] = [
      ['other workspace', { code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_2', nonce, userId: 'usr_admin' }, redirectUrl }],
      ['other nonce', { code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce: 'x'.repeat(nonce.length), userId: 'usr_admin' }, redirectUrl }],
      ['other user', { code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_other' }, redirectUrl }],
      ['other key', { code, state, stateKey: Buffer.alloc(32, 8), expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl }],
      ['tampered', { code, state: state.replace(/^./, (ch) => (ch === 'e' ? 'f' : 'e')), stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl }],
      ['missing', { code, state: '', stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl }],
      ['expired', { code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin', now: Date.now() + 11 * 60_000 }, redirectUrl }],
    ];
    for (const [label, input] of tries) {
      const e = await failure(c.completeOAuth(input));
      expect(e.code, label).toBe('state_invalid');
    }
    expect(exchanges()).toBe(before);
    // The genuine callback still works afterwards.
    const ok = await c.completeOAuth({ code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl });
    expect(ok.account.login).toBe('octocat');
  });

  it('a wrong client secret at the exchange is auth_failed (client_secret_invalid)', async () => {
    const good = client();
    const { code, state, nonce, redirectUrl } = await connect(good, 'octocat');
    const bad = client({ credentials: { clientSecret: 'wrong' } });
    const e = await failure(bad.completeOAuth({ code, state, stateKey: STATE_KEY, expected: { workspaceId: 'ws_1', nonce, userId: 'usr_admin' }, redirectUrl }));
    expect([e.code, e.details.reason]).toEqual(['auth_failed', 'client_secret_invalid']);
  });
});

describe('repositories', () => {
  it('lists the installation\'s repositories page by page (Link rel="next")', async () => {
    const c = client({ options: { allowHttpLoopback: true, gitBaseUrl: gitServer.url, perPage: 10 } });
    const before = count((r) => r.path === '/installation/repositories' && r.status === 200);
    const first = await c.listRepositories(100);
    expect(first.totalCount).toBe(26);
    expect(first.repositories).toHaveLength(10);
    expect(first.nextPage).toBe(2);
    const all = await c.listAllRepositories(100);
    expect(all.map((r) => r.fullName)).toEqual([...ACME_REPOS, 'acme/tools']);
    expect(new Set(all.map((r) => r.id)).size).toBe(26);
    expect(count((r) => r.path === '/installation/repositories' && r.status === 200)).toBe(before + 1 + 3);
    const last = await c.listRepositories(100, 3);
    expect(last.nextPage).toBeNull();
    expect(all[0]).toMatchObject({ owner: 'acme', private: true, archived: false, cloneUrl: `${gitServer.url}/acme/repo-01.git` });
    expect(await c.listAllRepositories(100, { max: 12 })).toHaveLength(12);
  });

  it('resolves a default branch; a repository the installation cannot see is not_found', async () => {
    const c = client();
    expect(await c.defaultBranch(300, 'octocat/hello')).toBe('trunk');
    const repo = await c.getRepository(100, 'acme/tools');
    expect(repo).toMatchObject({ id: 8000, name: 'tools', fullName: 'acme/tools', defaultBranch: 'main' });
    const hidden = await failure(c.getRepository(100, 'acme/secret-plans'));
    expect(hidden.code).toBe('not_found');
    expect(hidden.message).toMatch(/acme\/secret-plans/);
    expect((await failure(c.getRepository(100, '../etc'))).code).toBe('config_invalid');
    const renamed = await failure(c.getRepository(100, 'acme/old-tools'));
    expect(renamed.code).toBe('not_found');
    expect(renamed.message).toMatch(/renamed or transferred/);
  });
});

describe('git credentials', () => {
  it('x-access-token + installation token fetches through the git connector, as basic auth and as a header', async () => {
    const c = client();
    const creds = await c.gitCredentials(100, c.remoteFor('acme/tools'));
    expect(creds.username).toBe('x-access-token');
    expect(creds.git).toEqual({ kind: 'basic', username: 'x-access-token', password: creds.password });
    expect(creds.authorization).toBe(`Basic ${Buffer.from(`x-access-token:${creds.password}`).toString('base64')}`);
    expect(creds.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    const commit = await git.resolveRef(c.remoteFor('acme/tools'), creds.git, { kind: 'branch', name: 'main' });
    expect(commit).toBe(fx.tools.main);
    const r = await fetch(`${c.remoteFor('acme/tools')}/info/refs?service=git-upload-pack`, { headers: { authorization: creds.authorization } });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
    // The installation was not given acme/lib: the token cannot read it.
    const other = await c.gitCredentials(300);
    const denied = await fetch(`${gitServer.url}/acme/lib.git/info/refs?service=git-upload-pack`, { headers: { authorization: other.authorization } });
    expect(denied.status).toBe(404);
    await denied.arrayBuffer();
  });

  it('are never handed out for a remote on another host', async () => {
    const c = client();
    const e = await failure(c.gitCredentials(100, 'https://evil.example/acme/tools.git'));
    expect(e.code).toBe('config_invalid');
    expect(e.message).toContain('evil.example');
  });
});

describe('GitHub Enterprise Server', () => {
  it('works with https://HOST/api/v3 as the base URL: app, installation, repositories and OAuth', async () => {
    expect(githubWebBaseUrl('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(githubWebBaseUrl('https://api.github.com')).toBe('https://github.com');
    const c = client({ config: { apiBaseUrl: server.enterpriseApiUrl }, options: { allowHttpLoopback: true, enterprise: true, gitBaseUrl: undefined } });
    expect(c.webBaseUrl).toBe(server.url);
    expect(c.gitBaseUrl).toBe(server.url);
    expect(c.remoteFor('acme/tools')).toBe(`${server.url}/acme/tools.git`);
    const before = mints(true);
    const result = await c.test({ installationId: 100 });
    expect(result.app.id).toBe(APP_ID);
    expect(mints(true)).toBe(before + 1);
    expect((await c.listAllRepositories(100)).length).toBe(26);
    const { state, nonce } = createOAuthState(STATE_KEY, { workspaceId: 'ws_e' });
    const callback = new URL(server.approve(c.authorizeUrl({ state }), 'octocat'));
    const linked = await c.completeOAuth({ code: callback.searchParams.get('code')!, state: callback.searchParams.get('state')!, stateKey: STATE_KEY, expected: { workspaceId: 'ws_e', nonce } });
    expect(linked.account.id).toBe(583231);
    expect(count((r) => r.enterprise && r.path === '/user' && r.status === 200)).toBeGreaterThan(0);
    // GHES needs its own base URL.
    expect((await failure(() => createGitHubAppClient({ appId: APP_ID }, { privateKey: APP_KEY.privateKey }, { enterprise: true }))).code).toBe('config_invalid');
  });
});

describe('base URL checks', () => {
  it('the SSRF guard refuses the metadata service and link-local addresses', async () => {
    for (const apiBaseUrl of ['http://169.254.169.254', 'https://169.254.169.254/api/v3', 'https://metadata.google.internal/api/v3', 'https://[fe80::1]/api/v3']) {
      const e = await failure(client({ config: { apiBaseUrl } }).test());
      expect(e.code, apiBaseUrl).toBe('ssrf_blocked');
    }
    const blockedLocal = await failure(client({ options: { allowHttpLoopback: true, ssrf: { enabled: true, blockLocal: true } } }).test());
    expect(blockedLocal.code).toBe('ssrf_blocked');
  });

  it('http:// is refused unless it is the loopback test server; credentials in the URL are refused', async () => {
    const c = createGitHubAppClient({ appId: APP_ID, apiBaseUrl: server.url }, { privateKey: APP_KEY.privateKey });
    clients.push(c);
    const e = await failure(c.test());
    expect(e.code).toBe('config_invalid');
    expect(e.message).toMatch(/Only https:\/\//);
    const withCreds = await failure(() => client({ config: { apiBaseUrl: 'https://user:hunter2@ghe.example.com/api/v3' } }));
    expect(withCreds.code).toBe('config_invalid');
    expect(withCreds.message).not.toContain('hunter2');
  });

  it('a server that is not a GitHub API, an unreachable one and a silent one are told apart', async () => {
    const plain = http.createServer((req, res) => {
      if (req.url?.startsWith('/hang')) return; // never answers
      // Like GHES's web frontend at a base URL missing /api/v3: GitHub's header, but a page.
      if (req.url?.startsWith('/web')) {
        res.writeHead(req.url.endsWith('/app') ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'x-github-request-id': 'WEB:1' });
        return res.end('<html>sign in</html>');
      }
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>nope</html>');
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
    const port = (plain.address() as AddressInfo).port;
    try {
      const notGitHub = await failure(client({ config: { apiBaseUrl: `http://127.0.0.1:${port}/api/v3` } }).test());
      expect([notGitHub.code, notGitHub.details.reason]).toEqual(['config_invalid', 'not_github_api']);
      const webPage = await failure(client({ config: { apiBaseUrl: `http://127.0.0.1:${port}/web` } }).test());
      expect([webPage.code, webPage.details.reason]).toEqual(['config_invalid', 'not_github_api']);
      const webPageError = await failure(client({ config: { apiBaseUrl: `http://127.0.0.1:${port}/web/x` } }).listInstallations());
      expect([webPageError.code, webPageError.details.reason]).toEqual(['config_invalid', 'not_github_api']);
      const slow = await failure(client({ config: { apiBaseUrl: `http://127.0.0.1:${port}/hang` }, options: { allowHttpLoopback: true, timeoutMs: 300 } }).test());
      expect(slow.code).toBe('timeout');
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((r) => plain.close(() => r()));
    }
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await failure(client({ config: { apiBaseUrl: `http://127.0.0.1:${closedPort}` } }).test());
    expect(unreachable.code).toBe('host_unreachable');
  });
});

describe('no secret in any error', () => {
  it('a server that echoes our Authorization header back has it scrubbed from the kept provider message', async () => {
    const HOSTILE_TOKEN = `hostile-${Math.random().toString(36).slice(2)}-token`;
    const jwts: string[] = [];
    const echo = http.createServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      if (auth.toLowerCase().startsWith('bearer ')) jwts.push(auth.slice(7));
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': 'ECHO:1' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/app/installations/1/access_tokens') return send(201, { token: HOSTILE_TOKEN, expires_at: new Date(Date.now() + 3600_000).toISOString() });
      if (req.url === '/app') return send(401, { message: `no thanks, ${auth}` });
      send(403, { message: `denied: ${auth}` });
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    try {
      const c = client({ config: { apiBaseUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` } });
      const listed = await failure(c.listRepositories(1));
      expect(listed.code).toBe('auth_failed');
      expect(listed.providerMessage).toContain('denied: token ***');
      expect(listed.providerMessage).not.toContain(HOSTILE_TOKEN);
      const app = await failure(c.test());
      expect(app.providerMessage).toMatch(/no thanks, bearer \*\*\*/);
      expect(jwts.length).toBeGreaterThan(0);
      for (const e of [listed, app]) {
        const text = `${e.message} ${JSON.stringify(e)} ${e.providerMessage ?? ''}`;
        for (const s of [HOSTILE_TOKEN, ...jwts]) expect(text).not.toContain(s);
      }
    } finally {
      echo.closeAllConnections();
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });

  it('no error seen in this file holds the private key, the client secret or an issued token', () => {
    expect(seenErrors.length).toBeGreaterThan(30);
    const keyLines = [APP_KEY.privateKey, OTHER_KEY.privateKey]
      .flatMap((k) => k.split('\n'))
      .filter((l) => l.length > 20 && !l.startsWith('-----'));
    const secrets = [CLIENT_SECRET, ...keyLines, ...server.issued];
    expect(server.issued.length).toBeGreaterThan(10);
    for (const e of seenErrors) {
      const err = e as GitProviderError;
      const text = [err.message, err.stack ?? '', JSON.stringify(err), JSON.stringify(err.details), String(err.providerMessage ?? '')].join('\n');
      for (const s of secrets) expect(text.includes(s), `${err.code}: ${err.message}`).toBe(false);
    }
  });
});
