/**
 * Git packages in a project, the follow-ups of issue 10: pins whose package's install commands or
 * network switch changed are marked outdated and reinstall at the same commit; removing the
 * package through the generic imports route removes its pin in the same transaction; an install
 * that fills the disk past ATRIUM_PACKAGE_INSTALL_MAX_BYTES is stopped with `install_too_large`
 * and leaves nothing behind. Against the real git smart-HTTP server and the bubblewrap sandbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTar } from '../src/connectors/git/git-test-support.js';
import { sandboxAvailable } from '../src/sandbox/sandbox-bwrap.js';
import { buildStandardFixtures, type StandardFixtures } from '../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../scripts/services/git-server.js';
import { type Client, type TestApp, startTestApp } from './helpers/test-app.js';

const TOKEN = 'glpat-PINS-TEST-TOKEN-1';
const MAX_BYTES = 8 * 1024 * 1024;
const ws = '/api/v1/workspaces/demo';
let root: string;
let fx: StandardFixtures;
let git: GitServer;
let t: TestApp;
let admin: Client;
let editor: Client;
let provider: string;
let revenue: string;

const ndjson = (r: LightMyRequestResponse) => r.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
async function install(project: string, name: string) {
  const r = await editor.post(`/api/v1/projects/${project}/packages/${name}/install`);
  expect(r.statusCode, r.body).toBe(200);
  const events = ndjson(r);
  return { events, end: events[events.length - 1], log: events.filter((e) => e.type === 'log').map((e) => e.line).join('\n') };
}
async function line(project: string, name: string) {
  const r = await editor.get(`/api/v1/projects/${project}/packages`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().packages.find((p: { name: string }) => p.name === name);
}
async function createPackage(body: Record<string, unknown>) {
  const r = await admin.post(`${ws}/git-packages`, { providerId: provider, repository: 'acme/tools', ref: { kind: 'tag', name: 'v1.0.0' }, ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string };
}
async function importInto(project: string, packageId: string) {
  const r = await editor.post(`/api/v1/projects/${project}/packages`, { packageId, confirm: true });
  expect(r.statusCode, r.body).toBe(201);
}

beforeAll(async () => {
  if (!sandboxAvailable()) throw new Error('bubblewrap is required for these tests: run scripts/services/bubblewrap.sh install (as root)');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-git-pins-'));
  fx = await buildStandardFixtures(path.join(root, 'repos'));
  git = await startGitServer({ root: path.join(root, 'repos'), tokens: { [TOKEN]: { repos: '*' } } });
  t = await startTestApp({ env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true', ATRIUM_PACKAGE_INSTALL_TIMEOUT_MS: '30000', ATRIUM_PACKAGE_INSTALL_MAX_BYTES: String(MAX_BYTES) } });
  admin = await t.login('admin@demo.local');
  editor = await t.login('editor@demo.local');
  expect((await admin.patch(ws, { plan: 'team' })).statusCode).toBe(200);
  const p = await admin.post(`${ws}/git-providers`, { name: 'Local GitLab', kind: 'gitlab', config: { baseUrl: git.url }, credentials: { token: TOKEN } });
  expect(p.statusCode, p.body).toBe(201);
  provider = p.json().id;
  revenue = (await t.atrium.services.store.db.selectFrom('projects').select('id').where('name', '=', 'Revenue dashboard').executeTakeFirstOrThrow()).id;
}, 60_000);

afterAll(async () => {
  await t?.atrium.services.gitPackages.idle();
  await t?.close();
  await git?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('outdated pins', () => {
  it('a pin built with commands the package no longer has is marked, and reinstall rebuilds at the same commit', async () => {
    const pkg = await createPackage({ name: 'built', installCommands: ['echo first > built.txt'] });
    await importInto(revenue, pkg.id);
    expect((await install(revenue, 'built')).end).toMatchObject({ type: 'end', status: 'installed', commit: fx.tools.v1 });
    expect(await line(revenue, 'built')).toMatchObject({ status: 'installed', outdated: false, outdatedReason: null });

    expect((await admin.patch(`${ws}/git-packages/${pkg.id}`, { installCommands: ['echo second > built.txt'] })).statusCode).toBe(200);
    const stale = await line(revenue, 'built');
    expect(stale).toMatchObject({ status: 'installed', commit: fx.tools.v1, outdated: true });
    expect(stale.outdatedReason).toMatch(/install commands .*changed.*same pinned commit/);
    // Until someone reinstalls, the pin keeps serving what it installed.
    const before = listTar((await editor.get(`/api/v1/projects/${revenue}/packages/built/archive`)).rawPayload);
    expect(before.get('./built.txt')?.content.toString()).toBe('first\n');

    const re = await install(revenue, 'built');
    expect(re.end).toMatchObject({ status: 'installed', commit: fx.tools.v1, cached: false });
    expect(re.log).toContain('echo second');
    expect(await line(revenue, 'built')).toMatchObject({ commit: fx.tools.v1, outdated: false, outdatedReason: null });
    const after = listTar((await editor.get(`/api/v1/projects/${revenue}/packages/built/archive`)).rawPayload);
    expect(after.get('./built.txt')?.content.toString()).toBe('second\n');
  });

  it('turning the network switch says so', async () => {
    const pkg = await createPackage({ name: 'netswitch', installCommands: ['true'] });
    await importInto(revenue, pkg.id);
    expect((await install(revenue, 'netswitch')).end.status).toBe('installed');
    expect((await admin.patch(`${ws}/git-packages/${pkg.id}`, { network: true })).statusCode).toBe(200);
    const l = await line(revenue, 'netswitch');
    expect(l).toMatchObject({ outdated: true });
    expect(l.outdatedReason).toMatch(/network switch was turned on/);
    // A package without install commands has nothing to rebuild: it is never outdated by this.
    const plain = await createPackage({ name: 'plain' });
    await importInto(revenue, plain.id);
    expect((await install(revenue, 'plain')).end.status).toBe('installed');
    expect((await line(revenue, 'plain')).outdated).toBe(false);
  });
});

describe('removing a package from a project', () => {
  it('through DELETE /projects/{p}/imports/{id} removes its pin in the same transaction', async () => {
    const pkg = await createPackage({ name: 'removed' });
    await importInto(revenue, pkg.id);
    expect((await install(revenue, 'removed')).end.status).toBe('installed');
    const db = t.atrium.services.store.db;
    const pins = () => db.selectFrom('project_packages').selectAll().where('asset_id', '=', pkg.id).execute();
    expect(await pins()).toHaveLength(1);
    const r = await editor.del(`/api/v1/projects/${revenue}/imports/${pkg.id}`);
    expect(r.statusCode, r.body).toBe(204);
    expect(await pins()).toEqual([]);
    expect(await line(revenue, 'removed')).toBeUndefined();
    // Imported again: pinned afresh (to the ref's commit now), not to a leftover row.
    await importInto(revenue, pkg.id);
    expect(await pins()).toHaveLength(1);
  });
});

describe('disk budget of an install', () => {
  it('commands that write many moderate files past ATRIUM_PACKAGE_INSTALL_MAX_BYTES are stopped with install_too_large, leaving nothing', async () => {
    // 200 files of 1 MiB: 200 MiB if nothing stopped it; each file alone is far below RLIMIT_FSIZE.
    const pkg = await createPackage({ name: 'filler', installCommands: ['for i in $(seq 1 200); do head -c 1048576 /dev/zero > "f$i.bin"; sleep 0.02; done', 'echo FINISHED'] });
    await importInto(revenue, pkg.id);
    const started = Date.now();
    const r = await install(revenue, 'filler');
    expect(r.end.type, JSON.stringify(r.end)).toBe('error');
    expect(r.end.code).toBe('install_too_large');
    expect(r.end.message).toMatch(/more than the 8 MiB an install may use/);
    expect(r.log).not.toContain('FINISHED');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await line(revenue, 'filler')).toMatchObject({ status: 'failed', error: { code: 'install_too_large' }, artifactKey: null });
    const dataDir = t.db.dataDir;
    expect(fs.readdirSync(path.join(dataDir, 'package-work'))).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'package-cache')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a single write past the budget fails the same way', async () => {
    const pkg = await createPackage({ name: 'onebig', installCommands: ['head -c 20000000 /dev/zero > big.bin || true', 'echo wrote'] });
    await importInto(revenue, pkg.id);
    const r = await install(revenue, 'onebig');
    expect(r.end).toMatchObject({ type: 'error', code: 'install_too_large' });
  });
});
