/**
 * The artifact cache shared by the nodes of a deployment (Atrium's own bucket, ATRIUM_FILES_S3_*,
 * under ATRIUM_PACKAGE_CACHE_S3_PREFIX): node A builds a package with install commands; node B,
 * with an empty local cache, imports it and gets A's artifact from the bucket without fetching or
 * running anything. Needs radosgw (ATRIUM_TEST_S3) — fails without it.
 *
 * On PostgreSQL both nodes share one database (the multi-node deployment). SQLite cannot be shared
 * by two nodes, so there node B has its own database with the same package (same repository,
 * commit and commands): the bucket's keys name an install's inputs, not a database's rows.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTar } from '../src/connectors/git/git-test-support.js';
import { rawClient, testS3 } from '../src/connectors/s3/s3-test-support.js';
import { loadConfig } from '../src/config.js';
import { type Atrium, createAtrium } from '../src/main.js';
import { sandboxAvailable } from '../src/sandbox/sandbox-bwrap.js';
import { buildStandardFixtures, type StandardFixtures } from '../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../scripts/services/git-server.js';
import { type Client, DEMO_PASSWORD, makeClient, type TestApp, startTestApp } from './helpers/test-app.js';
import { TEST_DIALECT } from './helpers/test-db.js';

const s3 = testS3();
const TOKEN = 'glpat-SHARED-CACHE-TOKEN-1';
const run = `${Date.now()}-${randomBytes(3).toString('hex')}`;
const PKG_PREFIX = `test-shared-package-cache/${run}`;
const env = {
  ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true',
  ATRIUM_FILES_S3_BUCKET: s3.bucket,
  ATRIUM_FILES_S3_REGION: s3.region,
  ATRIUM_FILES_S3_ENDPOINT: s3.endpoint,
  ATRIUM_FILES_S3_ACCESS_KEY_ID: s3.users.full.accessKeyId,
  ATRIUM_FILES_S3_SECRET_ACCESS_KEY: s3.users.full.secretAccessKey,
  ATRIUM_FILES_S3_PREFIX: `test-shared-files/${run}`,
  ATRIUM_PACKAGE_CACHE_S3_PREFIX: PKG_PREFIX,
};
const ws = '/api/v1/workspaces/demo';
const COMMANDS = ['echo RAN-THE-INSTALL', 'mkdir -p dist', 'cat src/index.js > dist/out.js'];

let root: string;
let fx: StandardFixtures;
let git: GitServer;
let a: TestApp;
let b: { atrium: Atrium; dataDir: string; close(): Promise<void> };

const ndjson = (r: LightMyRequestResponse) => r.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
async function login(atrium: Atrium, email: string): Promise<Client> {
  const res = await atrium.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: DEMO_PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'atrium_session')!;
  const { csrfToken, userId } = res.json() as { csrfToken: string; userId: string };
  return makeClient(atrium, userId, { cookie: `atrium_session=${cookie.value}`, 'x-csrf-token': csrfToken });
}
const projectId = async (atrium: Atrium, name: string) => (await atrium.services.store.db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

/** On a node: a provider and the package (admin), unless given; imported into `project` (editor). */
async function importPackage(atrium: Atrium, project: string, packageId?: string): Promise<{ editor: Client; packageId: string }> {
  const admin = await login(atrium, 'admin@demo.local');
  const editor = await login(atrium, 'editor@demo.local');
  if (!packageId) {
    expect((await admin.patch(ws, { plan: 'team' })).statusCode).toBe(200);
    const p = await admin.post(`${ws}/git-providers`, { name: 'Local GitLab', kind: 'gitlab', config: { baseUrl: git.url }, credentials: { token: TOKEN } });
    expect(p.statusCode, p.body).toBe(201);
    const pkg = await admin.post(`${ws}/git-packages`, { name: 'built', providerId: p.json().id, repository: 'acme/tools', ref: { kind: 'tag', name: 'v1.0.0' }, installCommands: COMMANDS });
    expect(pkg.statusCode, pkg.body).toBe(201);
    packageId = pkg.json().id as string;
  }
  const r = await editor.post(`/api/v1/projects/${project}/packages`, { packageId, confirm: true });
  expect(r.statusCode, r.body).toBe(201);
  return { editor, packageId };
}
async function install(editor: Client, project: string) {
  const r = await editor.post(`/api/v1/projects/${project}/packages/built/install`);
  expect(r.statusCode, r.body).toBe(200);
  const events = ndjson(r);
  return { end: events[events.length - 1], log: events.filter((e) => e.type === 'log').map((e) => e.line).join('\n') };
}

beforeAll(async () => {
  if (!sandboxAvailable()) throw new Error('bubblewrap is required for these tests: run scripts/services/bubblewrap.sh install (as root)');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-git-shared-'));
  fx = await buildStandardFixtures(path.join(root, 'repos'));
  git = await startGitServer({ root: path.join(root, 'repos'), tokens: { [TOKEN]: { repos: '*' } } });
  a = await startTestApp({ env });
}, 60_000);

afterAll(async () => {
  await a?.atrium.services.gitPackages.idle();
  await b?.close();
  await a?.close();
  await git?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe(`the artifact cache shared through S3 (${TEST_DIALECT})`, () => {
  it("node B's import of a package node A built does not fetch or run anything", async () => {
    const revenueA = await projectId(a.atrium, 'Revenue dashboard');
    const onA = await importPackage(a.atrium, revenueA);
    const first = await install(onA.editor, revenueA);
    expect(first.end, JSON.stringify(first.end)).toMatchObject({ type: 'end', status: 'installed', cached: false });
    expect(first.log).toContain('RAN-THE-INSTALL');
    expect(first.log).toMatch(/artifact stored in the shared cache/);
    const key = first.end.artifactKey as string;

    // Exactly one object, carrying the digest of its bytes.
    const raw = rawClient(s3);
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${PKG_PREFIX}/` }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([`${PKG_PREFIX}/${key}.tar`]);
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${PKG_PREFIX}/${key}.tar` }));
    expect(head.Metadata?.sha256).toMatch(/^[0-9a-f]{64}$/);
    raw.destroy();

    // Node B: its own data directory (an empty local cache), the same bucket.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-node-b-'));
    const shared = TEST_DIALECT === 'postgres';
    const config = loadConfig(
      { ...env, ATRIUM_DEMO_PASSWORD: DEMO_PASSWORD, LOG_LEVEL: 'silent', ATRIUM_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), ATRIUM_SSRF_ALLOW_HOSTS: '127.0.0.1,localhost,::1' },
      { dataDir, databaseUrl: shared ? a.db.databaseUrl : undefined, demo: !shared },
    );
    const atrium = await createAtrium(config, { followIntervalMs: 60_000 });
    await atrium.app.ready();
    b = { atrium, dataDir, close: async () => (await atrium.close(), fs.rmSync(dataDir, { recursive: true, force: true })) };
    // The same database: another project of the same workspace imports A's package. SQLite: B's own demo and package.
    const project = await projectId(atrium, shared ? 'Churn analysis' : 'Revenue dashboard');
    const onB = await importPackage(atrium, project, shared ? onA.packageId : undefined);
    const second = await install(onB.editor, project);
    expect(second.end, JSON.stringify(second.end)).toMatchObject({ type: 'end', status: 'installed', cached: true, artifactKey: key, commit: fx.tools.v1 });
    expect(second.log).toMatch(/found in the shared cache .*sha256 verified/);
    expect(second.log).not.toContain('RAN-THE-INSTALL');
    expect(second.log).not.toMatch(/fetching/);
    expect(atrium.services.gitPackages.stats()).toMatchObject({ builds: 0, sandboxRuns: 0, remoteHits: 1 });

    const tar = listTar((await onB.editor.get(`/api/v1/projects/${project}/packages/built/archive`)).rawPayload);
    expect(tar.get('./dist/out.js')?.content.toString()).toContain('"1.0.0"');
    // B's local directory is now its hot tier.
    expect(fs.readdirSync(path.join(dataDir, 'package-cache'))).toEqual([`${key}.tar`]);
  }, 60_000);

  it('refuses a package cache prefix that overlaps the project files', () => {
    expect(() => loadConfig({ ...env, ATRIUM_FILES_S3_PREFIX: 'shared', ATRIUM_PACKAGE_CACHE_S3_PREFIX: 'shared/packages' })).toThrow(/ATRIUM_PACKAGE_CACHE_S3_PREFIX \('shared\/packages'\) must not overlap ATRIUM_FILES_S3_PREFIX/);
    expect(() => loadConfig({ ...env, ATRIUM_PACKAGE_CACHE_S3_PREFIX: '/lead/' })).toThrow(/ATRIUM_PACKAGE_CACHE_S3_PREFIX must be a non-empty key prefix/);
    expect(() => loadConfig({ ...env, ATRIUM_PACKAGE_INSTALL_MAX_BYTES: 'lots' })).toThrow(/ATRIUM_PACKAGE_INSTALL_MAX_BYTES must be a number of bytes/);
    expect(loadConfig({ ...env, ATRIUM_PACKAGE_CACHE_S3: 'off' }).packageCacheS3Prefix).toBeNull();
    expect(loadConfig({}).packageCacheS3Prefix).toBeNull();
    expect(loadConfig({ ...env, ATRIUM_PACKAGE_CACHE_S3_PREFIX: undefined }).packageCacheS3Prefix).toBe('atrium-package-cache');
    expect(loadConfig({}).packageInstallMaxBytes).toBe(2 * 1024 ** 3);
  });
});
