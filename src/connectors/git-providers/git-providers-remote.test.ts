/**
 * GitLab, Bitbucket and plain HTTPS providers: their config schemas, the credentials each yields,
 * and their "test" (`testGitRemote`: git ls-remote through the git connector) against the real
 * smart-HTTP git server of scripts/services/git-server.ts. No provider API is mocked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardFixtures, type StandardFixtures } from '../../../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../../../scripts/services/git-server.js';
import { createGitConnector, type GitConnector } from '../git/git-connector.js';
import { GitProviderError } from './git-providers-errors.js';
import { createTokenGitProvider, testGitRemote } from './git-providers-remote.js';
import { collectFailures } from './git-providers-test-support.js';

const rnd = Math.random().toString(36).slice(2);
const GITLAB_TOKEN = `glpat-${rnd}GITLAB`;
const BB_TOKEN = `ATATT3x${rnd}BITBUCKET`;
const HTTPS_TOKEN = `https-${rnd}-token`;
const LIMITED = `limited-${rnd}`;
const EXPIRED = `expired-${rnd}`;

let dir: string;
let server: GitServer;
let fx: StandardFixtures;
let git: GitConnector;
const { failure, seen: seenErrors } = collectFailures();


beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atrium-providers-test-'));
  fx = await buildStandardFixtures(path.join(dir, 'repos'));
  server = await startGitServer({
    root: path.join(dir, 'repos'),
    tokens: {
      [GITLAB_TOKEN]: { repos: '*' },
      [BB_TOKEN]: { repos: '*' },
      [HTTPS_TOKEN]: { repos: '*' },
      [LIMITED]: { repos: ['acme/app'] },
      [EXPIRED]: { expired: true },
    },
    publicRepos: ['acme/models'],
  });
  git = createGitConnector({ allowHttpLoopback: true });
});

afterAll(async () => {
  git?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const loopback = { allowHttpLoopback: true };

describe('GitLab', () => {
  it('sends oauth2:<token> as basic auth and tests by ls-remote', async () => {
    const p = createTokenGitProvider('gitlab', { baseUrl: server.url }, { token: GITLAB_TOKEN }, loopback);
    const remote = p.remoteFor('acme/tools');
    expect(remote).toBe(`${server.url}/acme/tools.git`);
    const creds = p.credentials(remote);
    expect(creds.git).toEqual({ kind: 'basic', username: 'oauth2', password: GITLAB_TOKEN });
    expect(creds.authorization).toBe(`Basic ${Buffer.from(`oauth2:${GITLAB_TOKEN}`).toString('base64')}`);
    expect(await testGitRemote(git, remote, creds.git)).toEqual({ remote, commit: null });
    expect(await testGitRemote(git, remote, creds.git, { ref: { kind: 'tag', name: 'v1.0.0' } })).toEqual({ remote, commit: fx.tools.v1 });
    expect(server.requests.some((r) => r.repo === 'acme/tools.git' && r.user === 'oauth2' && r.status === 200)).toBe(true);
    expect(createTokenGitProvider('gitlab', {}, { token: 't' }).baseUrl).toBe('https://gitlab.com');
  });

  it('a wrong or expired token is auth_failed; a repository the token cannot see is not_found; a missing ref not_found', async () => {
    const expired = createTokenGitProvider('gitlab', { baseUrl: server.url }, { token: EXPIRED }, loopback);
    const e1 = await failure(testGitRemote(git, expired.remoteFor('acme/tools'), expired.credentials().git));
    expect(e1.code).toBe('auth_failed');
    const limited = createTokenGitProvider('gitlab', { baseUrl: server.url }, { token: LIMITED }, loopback);
    expect((await failure(testGitRemote(git, limited.remoteFor('acme/tools'), limited.credentials().git))).code).toBe('not_found');
    expect((await testGitRemote(git, limited.remoteFor('acme/app'), limited.credentials().git)).commit).toBeNull();
    const good = createTokenGitProvider('gitlab', { baseUrl: server.url }, { token: GITLAB_TOKEN }, loopback);
    const e3 = await failure(testGitRemote(git, good.remoteFor('acme/tools'), good.credentials().git, { ref: { kind: 'branch', name: 'no-such-branch' } }));
    expect(e3.code).toBe('not_found');
    expect(e3.message).toMatch(/no-such-branch/);
    expect((await failure(testGitRemote(git, good.remoteFor('acme/nothing-here'), good.credentials().git))).code).toBe('not_found');
  });
});

describe('Bitbucket', () => {
  it('an API token goes to git as x-bitbucket-api-token-auth, to the REST API with the account email', async () => {
    const p = createTokenGitProvider('bitbucket', { baseUrl: server.url, email: 'dev@example.com' }, { token: BB_TOKEN }, loopback);
    const creds = p.credentials(p.remoteFor('acme/tools'));
    expect(creds.git).toEqual({ kind: 'basic', username: 'x-bitbucket-api-token-auth', password: BB_TOKEN });
    expect(p.apiAuthorization()).toBe(`Basic ${Buffer.from(`dev@example.com:${BB_TOKEN}`).toString('base64')}`);
    expect((await testGitRemote(git, p.remoteFor('acme/tools'), creds.git, { ref: { kind: 'branch', name: 'dev' } })).commit).toBe(fx.tools.dev);
    const access = createTokenGitProvider('bitbucket', { baseUrl: server.url, tokenKind: 'access_token' }, { token: BB_TOKEN }, loopback);
    expect(access.credentials().git).toMatchObject({ username: 'x-token-auth' });
    expect(access.apiAuthorization()).toBe(`Bearer ${BB_TOKEN}`);
    expect(createTokenGitProvider('bitbucket', { email: 'a@b.co' }, { token: 't' }).baseUrl).toBe('https://bitbucket.org');
  });

  it('an API token without the account email, or an app password field, is config_invalid', async () => {
    expect((await failure(() => createTokenGitProvider('bitbucket', {}, { token: BB_TOKEN }))).code).toBe('config_invalid');
    const appPassword = await failure(() => createTokenGitProvider('bitbucket', { email: 'a@b.co' }, { appPassword: 'x', token: 't' }));
    expect(appPassword.code).toBe('config_invalid');
  });
});

describe('any HTTPS remote', () => {
  it('bearer, basic and anonymous access each work where the server allows them', async () => {
    const bearer = createTokenGitProvider('https', { baseUrl: server.url, auth: 'bearer' }, { secret: HTTPS_TOKEN }, loopback);
    const b = bearer.credentials();
    expect(b.git).toEqual({ kind: 'bearer', token: HTTPS_TOKEN });
    expect(b.authorization).toBe(`Bearer ${HTTPS_TOKEN}`);
    expect((await testGitRemote(git, bearer.remoteFor('acme/lib'), b.git, { ref: { kind: 'branch', name: 'main' } })).commit).toBe(fx.lib.main);

    const basic = createTokenGitProvider('https', { baseUrl: server.url, auth: 'basic', username: 'robot' }, { secret: HTTPS_TOKEN }, loopback);
    expect(basic.credentials().git).toEqual({ kind: 'basic', username: 'robot', password: HTTPS_TOKEN });
    await testGitRemote(git, basic.remoteFor('acme/app'), basic.credentials().git);

    const anonymous = createTokenGitProvider('https', { baseUrl: server.url, auth: 'none' }, {}, loopback);
    expect(anonymous.credentials()).toEqual({ git: { kind: 'none' }, authorization: null, expiresAt: null });
    await testGitRemote(git, anonymous.remoteFor('acme/models'), anonymous.credentials().git);
    const needsToken = await failure(testGitRemote(git, anonymous.remoteFor('acme/tools'), anonymous.credentials().git));
    expect(needsToken.code).toBe('auth_failed');
    expect(needsToken.message).toMatch(/asks for credentials/);

    expect((await failure(() => createTokenGitProvider('https', { baseUrl: server.url, auth: 'bearer' }, {}, loopback))).code).toBe('config_invalid');
  });
});

describe('where credentials may go', () => {
  it('never to another origin, never over plain http, never to the metadata service', async () => {
    const p = createTokenGitProvider('gitlab', { baseUrl: 'https://gitlab.example.com' }, { token: GITLAB_TOKEN });
    expect((await failure(() => p.credentials('https://evil.example/acme/tools.git'))).code).toBe('config_invalid');
    expect((await failure(() => p.credentials('http://gitlab.example.com/acme/tools.git'))).code).toBe('config_invalid');
    expect(p.credentials('https://gitlab.example.com/acme/tools.git').git).toMatchObject({ kind: 'basic' });
    const plain = await failure(() => createTokenGitProvider('gitlab', { baseUrl: server.url }, { token: GITLAB_TOKEN }));
    expect(plain.code).toBe('config_invalid');
    const meta = createTokenGitProvider('https', { baseUrl: 'https://169.254.169.254', auth: 'bearer' }, { secret: HTTPS_TOKEN });
    const blocked = await failure(testGitRemote(git, meta.remoteFor('acme/tools'), meta.credentials().git));
    expect(blocked.code).toBe('ssrf_blocked');
    expect((await failure(() => p.remoteFor('../../etc/passwd'))).code).toBe('config_invalid');
    expect((await failure(() => createTokenGitProvider('https', { baseUrl: 'https://u:hunter2@git.example.com', auth: 'none' }, {}))).message).not.toContain('hunter2');
    expect((await failure(() => createTokenGitProvider('svn' as never, {}, {}))).code).toBe('config_invalid');
  });

  it('no error seen in this file holds a token', () => {
    expect(seenErrors.length).toBeGreaterThan(10);
    const secrets = [GITLAB_TOKEN, BB_TOKEN, HTTPS_TOKEN, LIMITED, EXPIRED, 'hunter2'];
    for (const e of seenErrors) {
      const err = e as GitProviderError;
      const text = [err.message, err.stack ?? '', JSON.stringify(err)].join('\n');
      for (const s of secrets) expect(text.includes(s), `${err.code}: ${err.message}`).toBe(false);
    }
  });
});
