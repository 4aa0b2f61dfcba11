/**
 * Git packages end to end over HTTP, against a real git smart-HTTP server (git http-backend behind
 * a token-checking Node server, in-process) and the GitHub contract server: providers (write-only
 * credentials, test, plans, rule 11), packages (branch/tag/commit pins, update, submodules, LFS),
 * installs in the sandbox (hostile commands fail, a hung one is killed), the artifact cache (a
 * second project does not run the commands again), delete with cascade, and a leak scan of the
 * provider tokens and the App's private key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTar, listZip } from '../src/connectors/git/git-test-support.js';
import { startGitHubContractServer, type GitHubContractServer } from '../src/connectors/git-providers/github-contract-server.js';
import { sandboxAvailable } from '../src/sandbox/sandbox-bwrap.js';
import { buildStandardFixtures, commitFiles, type StandardFixtures } from '../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../scripts/services/git-server.js';
import { type Client, type TestApp, callerFor, startTestApp } from './helpers/test-app.js';

const GOOD = 'glpat-GOODTOKEN-LeakCanary-5f2a9c';
const EXPIRED = 'glpat-EXPIREDTOKEN-LeakCanary-77b1';
const GH_APP_ID = 4242;
const GH_KEY = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const GH_SECRET = 'gh-client-secret-LeakCanary-31';

let root: string;
let fx: StandardFixtures;
let git: GitServer;
let gh: GitHubContractServer;
let t: TestApp;
const c = {} as Record<'admin' | 'editor' | 'viewer' | 'guest', Client>;
const responses: { url: string; body: string }[] = [];
const ws = '/api/v1/workspaces/demo';
let revenue: string; // editor full_access
let churn: string; // Data Team (admin, editor) full_access
let kpis: string; // editor full_access
let provider: string;

function recording(client: Client): Client {
  const wrap = (fn: (...a: any[]) => Promise<LightMyRequestResponse>) => async (...a: any[]) => {
    const r = await fn(...a);
    responses.push({ url: `${a[0]} ${a[1] ?? ''}`, body: r.rawPayload.toString('latin1') });
    return r;
  };
  return { ...client, request: wrap(client.request), get: wrap(client.get), post: wrap(client.post), put: wrap(client.put), patch: wrap(client.patch), del: wrap(client.del) };
}

const ndjson = (r: LightMyRequestResponse) => r.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** Installs (or joins the running install) and returns its events; the stream ends with the install. */
async function install(client: Client, project: string, name: string) {
  const r = await client.post(`/api/v1/projects/${project}/packages/${name}/install`);
  expect(r.statusCode, r.body).toBe(200);
  return ndjson(r);
}
const endOf = (events: any[]) => events[events.length - 1];
const logOf = (events: any[]) => events.filter((e) => e.type === 'log').map((e) => e.line).join('\n');

async function pkgLine(client: Client, project: string, name: string) {
  const r = await client.get(`/api/v1/projects/${project}/packages`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().packages.find((p: any) => p.name === name);
}

async function createPackage(body: Record<string, unknown>) {
  const r = await c.admin.post(`${ws}/git-packages`, { providerId: provider, repository: 'acme/tools', ref: { kind: 'branch', name: 'main' }, ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; name: string; resolvedCommit: string };
}

async function importInto(client: Client, project: string, packageId: string) {
  const r = await client.post(`/api/v1/projects/${project}/packages`, { packageId, confirm: true });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

beforeAll(async () => {
  if (!sandboxAvailable()) throw new Error('bubblewrap is required for these tests: run scripts/services/bubblewrap.sh install (as root)');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-git-packages-'));
  fx = await buildStandardFixtures(path.join(root, 'repos'));
  git = await startGitServer({ root: path.join(root, 'repos'), tokens: { [GOOD]: { repos: '*' }, [EXPIRED]: { repos: '*', expired: true } } });
  gh = await startGitHubContractServer({
    apps: [{ id: GH_APP_ID, slug: 'atrium-test', name: 'Atrium test', key: GH_KEY.publicKey, clientId: 'Iv1.atriumtest', clientSecret: GH_SECRET, owner: { id: 1, login: 'acme', type: 'Organization' } }],
    installations: [
      { id: 77, appId: GH_APP_ID, account: { id: 501, login: 'acme', type: 'Organization' }, repositories: ['acme/tools'] },
      { id: 78, appId: GH_APP_ID, account: { id: 502, login: 'globex', type: 'Organization' }, repositories: [] },
    ],
    repositories: [{ id: 9001, fullName: 'acme/tools', private: true, defaultBranch: 'main' }],
    // The git server accepts exactly the installation tokens GitHub issued.
    onInstallationToken: (token) => git.setToken(token, { repos: ['acme/tools'] }),
  });
  t = await startTestApp({
    env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true', ATRIUM_GITHUB_GIT_BASE_URL: git.url, ATRIUM_PACKAGE_INSTALL_TIMEOUT_MS: '4000' },
  });
  for (const r of ['admin', 'editor', 'viewer', 'guest'] as const) c[r] = recording(await t.login(`${r}@demo.local`));
  const db = t.atrium.services.store.db;
  const byName = async (n: string) => (await db.selectFrom('projects').select('id').where('name', '=', n).executeTakeFirstOrThrow()).id;
  revenue = await byName('Revenue dashboard');
  churn = await byName('Churn analysis');
  kpis = await byName('Public KPIs');
}, 60_000);

afterAll(async () => {
  await t?.atrium.services.gitPackages.idle();
  await t?.close();
  await git?.close();
  await gh?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('git providers', () => {
  it('are for admins, on the Team plan or higher (GitHub Enterprise Server: Enterprise)', async () => {
    const body = { name: 'Local GitLab', kind: 'gitlab', config: { baseUrl: git.url }, credentials: { token: GOOD } };
    expect((await c.editor.post(`${ws}/git-providers`, body)).statusCode).toBe(403);
    expect((await c.editor.get(`${ws}/git-providers`)).statusCode).toBe(403);
    await c.admin.patch(ws, { plan: 'professional' });
    const gated = await c.admin.post(`${ws}/git-providers`, body);
    expect(gated.statusCode).toBe(402);
    expect(gated.json().error.details).toMatchObject({ requiredPlan: 'team' });
    await c.admin.patch(ws, { plan: 'team' });
    const ghes = await c.admin.post(`${ws}/git-providers`, { name: 'GHES', kind: 'github_enterprise', config: { appId: GH_APP_ID, apiBaseUrl: gh.enterpriseApiUrl }, credentials: { privateKey: GH_KEY.privateKey } });
    expect(ghes.statusCode).toBe(402);
    expect(ghes.json().error.details).toMatchObject({ requiredPlan: 'enterprise' });
    await c.admin.patch(ws, { plan: 'enterprise' });
  });

  it('keep credentials write-only, and test says what is wrong', async () => {
    const r = await c.admin.post(`${ws}/git-providers`, { name: 'Local GitLab', kind: 'gitlab', config: { baseUrl: git.url }, credentials: { token: GOOD } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ kind: 'gitlab', hasCredentials: true, config: { baseUrl: git.url, username: 'oauth2' } });
    provider = r.json().id;
    const ok = await c.admin.post(`${ws}/git-providers/${provider}/test`, { repository: 'acme/tools' });
    expect(ok.json()).toMatchObject({ ok: true, error: null });

    const expired = (await c.admin.post(`${ws}/git-providers`, { name: 'Expired', kind: 'gitlab', config: { baseUrl: git.url }, credentials: { token: EXPIRED } })).json();
    const bad = await c.admin.post(`${ws}/git-providers/${expired.id}/test`, { repository: 'acme/tools' });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'provider_auth_failed' } });
    expect(bad.json().error.message).toMatch(/token|credentials/i);

    const missing = await c.admin.post(`${ws}/git-providers/${provider}/test`, { repository: 'acme/nope' });
    expect(missing.json()).toMatchObject({ ok: false, error: { code: 'provider_not_found' } });

    // A private repository with a wrong or expired token: the package is refused, clearly.
    const refused = await c.admin.post(`${ws}/git-packages`, { name: 'tools-expired', providerId: expired.id, repository: 'acme/tools', ref: { kind: 'branch', name: 'main' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('auth_failed');
    expect(refused.json().error.message).toMatch(/credentials|token/i);
    expect((await c.admin.del(`${ws}/git-providers/${expired.id}`)).statusCode).toBe(204);
  });

  it('GitHub: the App’s installation links one account to one workspace, both ways (rule 11)', async () => {
    const body = { name: 'GitHub', kind: 'github', config: { appId: GH_APP_ID, apiBaseUrl: gh.url, clientId: 'Iv1.atriumtest' }, credentials: { privateKey: GH_KEY.privateKey, clientSecret: GH_SECRET }, installationId: 77 };
    const r = await c.admin.post(`${ws}/git-providers`, body);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ kind: 'github', installationId: 77, githubAccount: { login: 'acme', id: 501 } });
    const tested = await c.admin.post(`${ws}/git-providers/${r.json().id}/test`, { repository: 'acme/tools' });
    expect(tested.json(), tested.body).toMatchObject({ ok: true });

    const again = await c.admin.post(`${ws}/git-providers`, { ...body, name: 'GitHub 2' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details).toMatchObject({ reason: 'workspace_has_github' });

    const admin = t.users.admin;
    const other = await t.atrium.services.workspaces.create({ name: 'Other', slug: 'other-gh', plan: 'enterprise', adminUserId: admin }, callerFor(admin).ctx);
    const taken = await c.admin.post(`/api/v1/workspaces/${other.slug}/git-providers`, body);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'conflict', details: { reason: 'github_account_taken', account: 'acme' } });
    expect(taken.json().error.message).toMatch(/already connected to another workspace/);

    // Two workspaces racing for one account: the unique constraint lets exactly one win, with the same clear error.
    const [w1, w2] = await Promise.all(['race-a', 'race-b'].map((slug) => t.atrium.services.workspaces.create({ name: slug, slug, plan: 'enterprise', adminUserId: admin }, callerFor(admin).ctx)));
    const race = await Promise.all([w1!, w2!].map((w) => c.admin.post(`/api/v1/workspaces/${w.slug}/git-providers`, { ...body, installationId: 78 })));
    expect(race.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(race.find((r) => r.statusCode === 409)!.json().error.details).toMatchObject({ reason: 'github_account_taken', account: 'globex' });

    // A package from GitHub: fetched with an installation token minted on demand, never stored.
    const p = await c.admin.post(`${ws}/git-packages`, { name: 'gh-tools', providerId: r.json().id, repository: 'acme/tools', ref: { kind: 'tag', name: 'v1.0.0' } });
    expect(p.statusCode, p.body).toBe(201);
    expect(p.json().resolvedCommit).toBe(fx.tools.v1);
  });
});

describe('packages: pins', () => {
  let branchPkg: { id: string };
  let tagPkg: { id: string };
  let commitPkg: { id: string };

  it('resolve branch, tag and commit refs, and refuse a ref that does not exist', async () => {
    branchPkg = await createPackage({ name: 'tools-main' });
    tagPkg = await createPackage({ name: 'tools-v1', ref: { kind: 'tag', name: 'v1.0.0' } });
    commitPkg = await createPackage({ name: 'tools-first', ref: { kind: 'commit', name: fx.tools.commits[0] } });
    expect(branchPkg).toMatchObject({ resolvedCommit: fx.tools.main, installCommands: [], network: false, access: ['workspace'] });
    expect(tagPkg).toMatchObject({ resolvedCommit: fx.tools.v1 });
    expect(commitPkg).toMatchObject({ resolvedCommit: fx.tools.commits[0] });
    const nope = await c.admin.post(`${ws}/git-packages`, { name: 'tools-nope', providerId: provider, repository: 'acme/tools', ref: { kind: 'branch', name: 'no-such-branch' } });
    expect(nope.statusCode).toBe(422);
    expect(nope.json().error.code).toBe('ref_not_found');
    expect((await c.editor.post(`${ws}/git-packages`, { name: 'x', providerId: provider, repository: 'acme/tools', ref: { kind: 'branch', name: 'main' } })).statusCode).toBe(403);
    const list = (await c.viewer.get(`${ws}/git-packages`)).json();
    expect(list.packages.map((p: any) => p.name)).toEqual(expect.arrayContaining(['tools-main', 'tools-v1', 'tools-first']));
    expect(list.packages.find((p: any) => p.name === 'tools-main').allowedActions).toEqual(['see']);
  });

  it('import pins each project to the commit its ref names, and the tree is the artifact', async () => {
    for (const p of [branchPkg, tagPkg, commitPkg]) await importInto(c.editor, revenue, p.id);
    const end = endOf(await install(c.editor, revenue, 'tools-main'));
    expect(end).toMatchObject({ type: 'end', status: 'installed', commit: fx.tools.main });
    for (const n of ['tools-v1', 'tools-first']) expect(endOf(await install(c.editor, revenue, n)).status).toBe('installed');
    const lines = (await c.editor.get(`/api/v1/projects/${revenue}/packages`)).json().packages;
    expect(Object.fromEntries(lines.map((l: any) => [l.name, l.commit]))).toEqual({ 'tools-main': fx.tools.main, 'tools-v1': fx.tools.v1, 'tools-first': fx.tools.commits[0] });
    expect(lines.every((l: any) => l.status === 'installed')).toBe(true);

    const tar = await c.editor.get(`/api/v1/projects/${revenue}/packages/tools-main/archive?format=tar`);
    expect(tar.statusCode).toBe(200);
    expect(tar.headers['content-type']).toBe('application/x-tar');
    expect(Number(tar.headers['content-length'])).toBe(tar.rawPayload.length); // a client can show progress
    const files = listTar(tar.rawPayload);
    expect(files.get('./src/index.js')?.content.toString()).toContain('1.1.0-dev');
    expect(files.get('./bin/run.sh')?.mode! & 0o111).toBeTruthy();
    const v1 = listTar((await c.editor.get(`/api/v1/projects/${revenue}/packages/tools-v1/archive`)).rawPayload);
    expect(v1.get('./src/index.js')?.content.toString()).toContain('"1.0.0"');
    expect(listTar((await c.editor.get(`/api/v1/projects/${revenue}/packages/tools-first/archive`)).rawPayload).has('./src/index.js')).toBe(false);
    const zip = await c.editor.get(`/api/v1/projects/${revenue}/packages/tools-main/archive?format=zip`);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(listZip(zip.rawPayload)).toEqual(expect.arrayContaining(['src/index.js', 'README.md']));
  });

  it('update moves only branch pins, previewed and audited', async () => {
    const c4 = await commitFiles(fx.tools.path, { files: { 'src/index.js': 'export const version = "1.1.0";\n' }, message: 'Release 1.1' });
    const preview = await c.admin.post(`${ws}/git-packages/${branchPkg.id}/update`, { dryRun: true });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ applied: false, commit: c4, changes: [{ projectId: revenue, projectName: 'Revenue dashboard', from: fx.tools.main, to: c4 }] });
    expect((await pkgLine(c.editor, revenue, 'tools-main')).commit).toBe(fx.tools.main); // a preview changes nothing
    expect((await c.editor.post(`${ws}/git-packages/${branchPkg.id}/update`, {})).statusCode).toBe(403);

    const applied = await c.admin.post(`${ws}/git-packages/${branchPkg.id}/update`, {});
    expect(applied.json()).toMatchObject({ applied: true, commit: c4 });
    const tag = await c.admin.post(`${ws}/git-packages/${tagPkg.id}/update`, {});
    expect(tag.statusCode).toBe(400);
    expect(tag.json().error.message).toMatch(/only branch packages/);
    expect(endOf(await install(c.editor, revenue, 'tools-main'))).toMatchObject({ status: 'installed', commit: c4 });
    expect((await pkgLine(c.editor, revenue, 'tools-v1')).commit).toBe(fx.tools.v1);
    expect((await pkgLine(c.editor, revenue, 'tools-first')).commit).toBe(fx.tools.commits[0]);
    const tree = listTar((await c.editor.get(`/api/v1/projects/${revenue}/packages/tools-main/archive`)).rawPayload);
    expect(tree.get('./src/index.js')?.content.toString()).toContain('"1.1.0"');
    const ev = (await c.admin.get(`${ws}/audit-events?action=git_package.update`)).json().events[0];
    expect(ev.details).toMatchObject({ name: 'tools-main', commit: c4, projects: [{ projectId: revenue, from: fx.tools.main }] });
  });

  it('a package with a submodule holds its files; LFS is refused with the file named', async () => {
    const app = await createPackage({ name: 'app', repository: 'acme/app' });
    await importInto(c.editor, revenue, app.id);
    expect(endOf(await install(c.editor, revenue, 'app')).status).toBe('installed');
    const files = listTar((await c.editor.get(`/api/v1/projects/${revenue}/packages/app/archive`)).rawPayload);
    expect(files.get('./vendor/lib/lib.txt')?.content.toString()).toBe('the library\n');
    expect(files.get('./vendor/lib/nested/deep.txt')?.content.toString()).toBe('deep\n');

    const models = await createPackage({ name: 'models', repository: 'acme/models' });
    await importInto(c.editor, revenue, models.id);
    const end = endOf(await install(c.editor, revenue, 'models'));
    expect(end).toMatchObject({ type: 'error', code: 'lfs_not_supported' });
    expect(end.message).toContain('models/weights.bin');
    expect(await pkgLine(c.editor, revenue, 'models')).toMatchObject({ status: 'failed', error: { code: 'lfs_not_supported' } });
  });

  it('delete previews its usage, then cascades to every pin, audited', async () => {
    const preview = await c.admin.del(`${ws}/git-packages/${commitPkg.id}?dryRun=true`);
    expect(preview.json()).toMatchObject({ applied: false, usage: { count: 1, projects: [{ id: revenue }] } });
    expect((await c.admin.del(`${ws}/git-packages/${commitPkg.id}`)).statusCode).toBe(409);
    expect((await c.admin.del(`${ws}/git-packages/${commitPkg.id}?confirm=true`)).json()).toMatchObject({ applied: true });
    expect((await pkgLine(c.editor, revenue, 'tools-first'))).toBeUndefined();
    const db = t.atrium.services.store.db;
    expect(await db.selectFrom('project_packages').selectAll().where('asset_id', '=', commitPkg.id).execute()).toEqual([]);
    expect(await db.selectFrom('git_packages').selectAll().where('asset_id', '=', commitPkg.id).execute()).toEqual([]);
    expect((await c.admin.get(`${ws}/audit-events?action=git_package.delete`)).json().events[0].details).toMatchObject({ removedFromProjects: [revenue] });
  });
});

describe('packages: installs in the sandbox and the artifact cache', () => {
  it('runs the commands once; a second project gets the cached artifact without running them', async () => {
    const pkg = await createPackage({ name: 'built', ref: { kind: 'tag', name: 'v1.0.0' }, installCommands: ['echo RAN-THE-BUILD', 'mkdir -p dist', 'cat src/index.js > dist/out.js', 'echo "home=$HOME"'] });
    const before = t.atrium.services.gitPackages.stats();
    await importInto(c.editor, revenue, pkg.id);
    const first = await install(c.editor, revenue, 'built');
    expect(endOf(first), JSON.stringify(first)).toMatchObject({ status: 'installed', cached: false });
    expect(logOf(first)).toContain('RAN-THE-BUILD');
    expect(logOf(first)).toContain('home=/tmp');
    const mid = t.atrium.services.gitPackages.stats();
    expect(mid.sandboxRuns - before.sandboxRuns).toBe(1);
    const files = listTar((await c.editor.get(`/api/v1/projects/${revenue}/packages/built/archive`)).rawPayload);
    expect(files.get('./dist/out.js')?.content.toString()).toContain('"1.0.0"');

    await importInto(c.editor, churn, pkg.id);
    const second = await install(c.editor, churn, 'built');
    expect(endOf(second)).toMatchObject({ status: 'installed', cached: true, artifactKey: endOf(first).artifactKey });
    expect(logOf(second)).not.toContain('RAN-THE-BUILD');
    const after = t.atrium.services.gitPackages.stats();
    expect(after.sandboxRuns).toBe(mid.sandboxRuns);
    expect(after.builds).toBe(mid.builds);
    expect((await pkgLine(c.editor, churn, 'built')).log).toMatch(/found in the cache/);
  });

  it('concurrent installs of the same artifact build it once', async () => {
    const pkg = await createPackage({ name: 'concurrent', installCommands: ['sleep 1', 'echo once > once.txt'] });
    const before = t.atrium.services.gitPackages.stats();
    await Promise.all([importInto(c.editor, revenue, pkg.id), importInto(c.editor, kpis, pkg.id)]);
    const [a, b] = await Promise.all([install(c.editor, revenue, 'concurrent'), install(c.editor, kpis, 'concurrent')]);
    expect(endOf(a).status).toBe('installed');
    expect(endOf(b).status).toBe('installed');
    expect(t.atrium.services.gitPackages.stats().sandboxRuns - before.sandboxRuns).toBe(1);
  });

  const hostile: [string, string[], RegExp][] = [
    ['read the data directory', [], /install_exit/],
    ['reach the network', [], /install_exit/],
    ['fork-bomb', [':(){ :|:& };:'], /install_(exit|timeout)/],
    ['write outside their tree', ['echo x > ../escaped.txt'], /install_exit/],
    ['write into the system', ['echo x > /usr/escaped.txt'], /install_exit/],
    ['hang', ['sleep 600'], /install_timeout/],
  ];
  it.each(hostile)('commands that %s fail', async (what, cmds, code) => {
    const dataDir = t.db.dataDir;
    const commands =
      what === 'read the data directory'
        ? [`ls ${dataDir}`, `cat ${path.join(dataDir, 'atrium.db')} > /dev/null`]
        : what === 'reach the network'
          ? [`node -e "require('net').connect(${git.port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', (e) => { console.error(e.code); process.exit(3) })"`]
          : cmds;
    const name = `hostile-${what.replace(/[^a-z]+/g, '-')}`;
    const pkg = await createPackage({ name, installCommands: commands });
    await importInto(c.editor, revenue, pkg.id);
    const started = Date.now();
    const end = endOf(await install(c.editor, revenue, name));
    expect(end.type, JSON.stringify(end)).toBe('error');
    expect(end.code).toMatch(code);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await pkgLine(c.editor, revenue, name)).toMatchObject({ status: 'failed' });
    expect(fs.existsSync('/usr/escaped.txt')).toBe(false);
    expect(execFileSync('/bin/echo', ['host ok']).toString()).toBe('host ok\n');
  });

  it('the network switch lets the same command through (the network test can pass)', async () => {
    const pkg = await createPackage({ name: 'networked', network: true, installCommands: [`node -e "require('net').connect(${git.port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(3))"`] });
    await importInto(c.editor, revenue, pkg.id);
    expect(endOf(await install(c.editor, revenue, 'networked')).status).toBe('installed');
    expect((await c.editor.patch(`${ws}/git-packages/${pkg.id}`, { network: false })).statusCode).toBe(403);
  });
});

describe('packages in a project: access (rule 5)', () => {
  let restricted: string;
  it('a user lacking access to a package is downgraded, named, and cannot download it', async () => {
    const db = t.atrium.services.store.db;
    const dataTeam = (await db.selectFrom('groups').select('id').where('name', '=', 'Data Team').executeTakeFirstOrThrow()).id;
    restricted = (await createPackage({ name: 'restricted', access: [dataTeam] })).id;
    // Interview exercise: the guest has can_edit and no access to the package.
    const interview = (await db.selectFrom('projects').select('id').where('name', '=', 'Interview exercise').executeTakeFirstOrThrow()).id;
    const refused = await c.admin.post(`/api/v1/projects/${interview}/packages`, { packageId: restricted });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('asset_access_required');
    await importInto(c.admin, interview, restricted);
    const asGuest = (await c.guest.get(`/api/v1/projects/${interview}/packages`)).json().packages;
    expect(asGuest).toEqual([{ id: restricted, name: 'restricted', visible: false, usable: false }]);
    expect((await c.guest.get(`/api/v1/projects/${interview}/packages/restricted/archive`)).statusCode).toBe(403);
    expect((await c.guest.post(`/api/v1/projects/${interview}/packages/restricted/install`)).statusCode).toBe(403);
    expect((await c.viewer.get(`/api/v1/projects/${revenue}/packages/tools-main/archive`)).statusCode).toBe(403);
    expect((await t.anonymous.get(`/api/v1/projects/${revenue}/packages`)).statusCode).toBe(401);
  });

  it('the runtime lists what the caller may use, each installed', async () => {
    const r = await c.editor.get(`/api/v1/projects/${revenue}/runtime/packages`);
    expect(r.statusCode, r.body).toBe(200);
    const byName = Object.fromEntries(r.json().packages.map((p: any) => [p.name, p]));
    for (const n of ['tools-main', 'tools-v1', 'app', 'built']) expect(byName[n], n).toMatchObject({ status: 'installed', archivePath: expect.stringContaining(`/packages/${n}/archive`) });
    expect(byName.models).toMatchObject({ status: 'failed', archivePath: null, error: { code: 'lfs_not_supported' } });
    expect(byName.restricted).toBeUndefined(); // not imported here
    // The guest may not use the restricted package of their project: it is not materialized for them.
    const interview = (await t.atrium.services.store.db.selectFrom('projects').select('id').where('name', '=', 'Interview exercise').executeTakeFirstOrThrow()).id;
    expect((await c.guest.get(`/api/v1/projects/${interview}/runtime/packages`)).statusCode).toBe(403);
    expect((await c.admin.get(`/api/v1/projects/${interview}/runtime/packages`)).json().packages.map((p: any) => p.name)).toEqual(['restricted']);
  });
});

describe('atrium run', () => {
  it('puts each package the caller may use under packages/<name>/ of the working directory', async () => {
    const tok = (await c.editor.post('/api/v1/me/tokens', { name: 'run', scopes: ['read', 'write'] })).json().token;
    await t.atrium.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.atrium.app.server.address() as { port: number };
    const script = "const fs = require('fs'); process.stdout.write(JSON.stringify({ main: fs.readFileSync('packages/tools-main/src/index.js', 'utf8'), built: fs.readFileSync('packages/built/dist/out.js', 'utf8'), lib: fs.readFileSync('packages/app/vendor/lib/lib.txt', 'utf8'), models: fs.existsSync('packages/models'), dirs: fs.readdirSync('packages').sort() }))";
    // Asynchronously: the server answering the CLI runs in this process.
    const out = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--project', revenue, '--url', `http://127.0.0.1:${addr.port}`, '--', process.execPath, '-e', script], { env: { ...process.env, ATRIUM_TOKEN: tok }, timeout: 50_000 });
    const seen = JSON.parse(out.stdout);
    expect(out.stderr).toMatch(/package models is not installed/);
    expect(seen.main).toContain('"1.1.0"');
    expect(seen.built).toContain('"1.0.0"');
    expect(seen.lib).toBe('the library\n');
    expect(seen.models).toBe(false); // its install failed: named on stderr, skipped
    expect(seen.dirs).not.toContain('.tools-main.tar');
  }, 60_000);
});

describe('leak scan: provider tokens and the App private key', () => {
  const secrets = () => [GOOD, EXPIRED, Buffer.from(`oauth2:${GOOD}`).toString('base64'), GH_SECRET, ...GH_KEY.privateKey.split('\n').filter((l) => l.length >= 40), ...gh.issued];
  it('never in a response', () => {
    expect(responses.length).toBeGreaterThan(50);
    for (const r of responses) for (const s of secrets()) expect(r.body.includes(s), `${r.url} leaks a secret`).toBe(false);
    expect(gh.issued.length).toBeGreaterThan(0); // installation tokens were minted and scanned for
  });
  it('never in the logs, the audit log, or the database in plaintext', async () => {
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const s of secrets()) expect(logs.includes(s)).toBe(false);
    const s = t.atrium.services.store;
    const audit = JSON.stringify(await s.db.selectFrom('audit_events').selectAll().execute());
    for (const v of secrets()) expect(audit.includes(v)).toBe(false);
    if (s.dialect === 'sqlite') {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(s.db);
      const files = fs.readdirSync(t.db.dataDir).filter((f) => f.startsWith('atrium.db'));
      const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(t.db.dataDir, f))));
      expect(bytes.includes(Buffer.from('tools-main'))).toBe(true); // the scan reads real data
      for (const v of secrets()) expect(bytes.includes(Buffer.from(v))).toBe(false);
    } else {
      for (const tb of ['git_providers', 'git_packages', 'project_packages', 'assets', 'audit_events'] as const) {
        const dump = JSON.stringify(await s.db.selectFrom(tb).selectAll().execute());
        for (const v of secrets()) expect(dump.includes(v), tb).toBe(false);
      }
    }
  });
});
