/**
 * Every route, for every kind of caller: each role of the workspace, a read-only API token,
 * an anonymous visitor, and the admin of another workspace. Expected statuses are a table;
 * a project whose imported asset the guest cannot use shows the downgrade (rule 4).
 * Every answer is also checked against the response schema the OpenAPI document declares for
 * its route and status (with a JSON-schema validator, independent of the zod serializer), so a
 * drift between a service and its schema is named by route, status and field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import Database from 'better-sqlite3';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Level } from '../src/access/access-types.js';
import { systemContext } from '../src/modules/audit/audit-types.js';
import { type Client, DEMO_PASSWORD, type TestApp, callerFor, startTestApp } from './helpers/test-app.js';
import { buildStandardFixtures } from '../scripts/services/git-fixtures.js';
import { startGitServer, type GitServer } from '../scripts/services/git-server.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { rawClient, testS3 } from '../src/connectors/s3/s3-test-support.js';

type Actor = 'admin' | 'editor' | 'viewer' | 'guest' | 'anon' | 'outsider' | 'readonly';
const ACTORS: Actor[] = ['admin', 'editor', 'viewer', 'guest', 'anon', 'outsider', 'readonly'];

let t: TestApp;
const c = {} as Record<Actor, Client>;
const ids = {} as Record<'churn' | 'interview' | 'kpis' | 'dataTeam' | 'otherProject' | 'wsSecret' | 'wsConn' | 'projConn' | 'projFileConn' | 'queryId' | 'finance' | 'gitProvider' | 'gitPackage' | 'fileIntegration' | 'githubProvider', string>;
/** This run's objects in the test bucket (radosgw). */
const S3_PREFIX = `atrium-authz/${randomUUID()}`;
let gitServer: GitServer;
let gitRoot: string;
let counter = 0;
const uniq = () => `${Date.now().toString(36)}${++counter}`;

beforeAll(async () => {
  t = await startTestApp({ env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true' } });
  const s = t.atrium.services;
  const db = s.store.db;
  for (const r of ['admin', 'editor', 'viewer', 'guest'] as const) c[r] = await t.login(`${r}@demo.local`);
  c.anon = t.anonymous;
  c.readonly = await t.tokenClient('editor@demo.local', ['read']);
  // Another tenant: its admin must see nothing of the demo workspace.
  const ctx = systemContext('test');
  const outsider = await s.workspaces.findOrCreateUserStandalone({ email: 'outsider@other.local', password: 'outsider-pass-1' }, ctx);
  const other = await s.workspaces.create({ name: 'Other', slug: 'other', plan: 'enterprise', adminUserId: outsider.id }, ctx);
  c.outsider = await t.login('outsider@other.local', 'outsider-pass-1');
  ids.otherProject = (await s.projects.create(other.id, outsider.id, { name: 'Theirs' }, ctx)).id;

  const byName = async (name: string) => (await db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  ids.churn = await byName('Churn analysis');
  ids.interview = await byName('Interview exercise');
  ids.kpis = await byName('Public KPIs');
  ids.dataTeam = (await db.selectFrom('groups').select('id').where('name', '=', 'Data Team').executeTakeFirstOrThrow()).id;
  // A sensitive connection shared only with Data Team, imported into the guest's project.
  const finance = await s.connections.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: t.users.admin, name: 'Finance DB', type: 'duckdb', config: { path: ':memory:' }, access: [ids.dataTeam] }, systemContext('test'));
  ids.finance = finance.id;
  await s.assets.importInto(await s.projects.get(ids.interview), finance.id, t.users.admin, { confirm: true, dryRun: false }, systemContext('test'));
  await s.authz.rebuild();

  // Assets in the Data Team's project: a workspace connection and secret (shared with the
  // workspace) imported into it, and a project connection and secret of its own.
  const ctx2 = systemContext('test');
  const admin = t.users.admin;
  ids.wsConn = (await s.connections.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: admin, name: 'Duck', type: 'duckdb', config: { path: ':memory:' } }, ctx2)).id;
  ids.wsSecret = (await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: admin, name: 'WS_SECRET', value: 'v' }, ctx2)).id;
  const churn = await s.projects.get(ids.churn);
  await s.assets.importInto(churn, ids.wsConn, admin, { confirm: true, dryRun: false }, ctx2);
  await s.assets.importInto(churn, ids.wsSecret, admin, { confirm: true, dryRun: false }, ctx2);
  ids.projConn = (await s.connections.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: admin, name: 'Local duck', type: 'duckdb', config: { path: ':memory:' } }, ctx2)).id;
  ids.projFileConn = (await s.connections.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: admin, name: 'Own sqlite', type: 'sqlite', config: {} }, ctx2)).id;
  await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: admin, name: 'LOCAL', value: 'v' }, ctx2);
  const run = await s.queries.start(churn, admin, { sql: 'select 1', connectionId: ids.wsConn }, new AbortController().signal);
  for await (const _ of run.events) void _;
  ids.queryId = run.queryId;
  // Git packages: a provider on a local git server, and a package pinned and installed in the Data Team's project.
  gitRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-authz-git-'));
  await buildStandardFixtures(gitRoot);
  gitServer = await startGitServer({ root: gitRoot, tokens: { 'authz-git-token': { repos: '*' } } });
  const adminCaller = callerFor(admin);
  ids.gitProvider = (await s.gitProviders.api.create(adminCaller, t.demoWorkspaceId, { name: 'Local git', kind: 'gitlab', config: { baseUrl: gitServer.url }, credentials: { token: 'authz-git-token' } })).id;
  ids.gitPackage = (await s.gitPackages.create(t.demoWorkspaceId, admin, { name: 'tools', providerId: ids.gitProvider, repository: 'acme/tools', ref: { kind: 'branch', name: 'main' } }, ctx2)).id;
  await s.gitPackages.api.importPackage(adminCaller, ids.churn, { packageId: ids.gitPackage });
  // A GitHub App provider with OAuth settings (starting to link an account asks GitHub nothing).
  const appKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  ids.githubProvider = (await s.gitProviders.api.create(adminCaller, t.demoWorkspaceId, { name: 'GitHub', kind: 'github', config: { appId: 4242, clientId: 'Iv1.authz' }, credentials: { privateKey: appKey, clientSecret: 'authz-client-secret' } })).id;
  await s.gitPackages.idle();
  // File integrations: a bucket (this run's prefix, one object), imported into the Data Team's
  // project with the object imported; a result file in the public project.
  const raw = rawClient(testS3());
  await raw.send(new PutObjectCommand({ Bucket: testS3().bucket, Key: `${S3_PREFIX}/authz.csv`, Body: 'a,b\n1,2\n' }));
  raw.destroy();
  ids.fileIntegration = (await s.fileIntegrations.create({ workspaceId: t.demoWorkspaceId, createdBy: admin, name: 'Raw', ...s3Settings() }, ctx2)).id;
  await s.assets.importInto(churn, ids.fileIntegration, admin, { confirm: true, dryRun: false }, ctx2);
  const imported = await s.fileIntegrations.api.startImport(adminCaller, ids.churn, ids.fileIntegration, { keys: ['authz.csv'] }, new AbortController().signal);
  for await (const ev of imported.events) if (ev.type === 'error') throw new Error(ev.error.message);
  await s.fileStore.receive(ids.kpis, 'results/kpi.csv', (dest) => fs.promises.writeFile(dest, 'kpi,value\nnps,42\n'));
  api = await loadApiDocument();
});
afterAll(async () => {
  await t?.close();
  await gitServer?.close();
  if (gitRoot) fs.rmSync(gitRoot, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Responses against the OpenAPI document

type Media = { schema?: Record<string, unknown> };
type OpenApiResponse = { description: string; content?: Record<string, Media> };
type Operation = { responses?: Record<string, OpenApiResponse> };
type OpenApiDoc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Record<string, unknown>> } };

let api: { doc: OpenApiDoc; ajv: Ajv2020; templates: { path: string; re: RegExp; literals: number }[] };
const validators = new Map<string, ValidateFunction>();

async function loadApiDocument(): Promise<typeof api> {
  const res = await t.anonymous.get('/api/v1/openapi.json');
  expect(res.statusCode).toBe(200);
  const doc = res.json() as OpenApiDoc;
  // The components are JSON Schema 2020-12; their own `$id`/`$schema` only name them, and would
  // re-base the references inside if kept.
  const components = { schemas: Object.fromEntries(Object.entries(doc.components?.schemas ?? {}).map(([k, v]) => {
    const { $id: _id, $schema: _schema, ...rest } = v;
    return [k, rest];
  })) };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: 'openapi.json', components });
  const templates = Object.keys(doc.paths).map((path) => ({
    path,
    re: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literals: path.split('/').filter((seg) => seg && !seg.startsWith('{')).length,
  }));
  // A concrete URL matches its most specific template: /data-connections/test before /data-connections/{id}.
  templates.sort((a, b) => b.literals - a.literals);
  return { doc, ajv, templates };
}

function operationOf(method: string, url: string): { path: string; op: Operation } {
  const pathOnly = url.split('?')[0]!;
  for (const tpl of api.templates) {
    const op = api.doc.paths[tpl.path]?.[method.toLowerCase()];
    if (op && tpl.re.test(pathOnly)) return { path: tpl.path, op };
  }
  throw new Error(`no documented route for ${method} ${pathOnly}`);
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = validators.get(key);
  if (!v) {
    // References are written against the document: #/components/schemas/X.
    v = api.ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"openapi.json#/components/')) as Record<string, unknown>);
    validators.set(key, v);
  }
  return v;
}

/** Checks one real response against what the OpenAPI document declares for it; returns the problems. */
function responseProblems(method: string, url: string, res: LightMyRequestResponse): string[] {
  const { path, op } = operationOf(method, url);
  const where = `${method} ${path} → ${res.statusCode}`;
  const status = String(res.statusCode);
  const declared = op.responses?.[status] ?? op.responses?.[`${status[0]}XX`];
  if (!declared) return [`${where}: no response declared for this status (declared: ${Object.keys(op.responses ?? {}).join(', ')})`];
  if (res.statusCode === 204) return res.body === '' ? [] : [`${where}: a 204 with a body`];
  const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
  const media = declared.content?.[type];
  if (!media?.schema) return [`${where}: content type ${type || '(none)'} is not declared (declared: ${Object.keys(declared.content ?? {}).join(', ') || 'none'})`];
  // A download (a tar or zip) is bytes, not JSON.
  if (media.schema.format === 'binary') return res.rawPayload.length > 0 ? [] : [`${where}: an empty download`];
  const validate = validatorFor(media.schema);
  const bodies = type === 'application/x-ndjson' ? res.body.split('\n').filter(Boolean) : [res.body];
  const problems: string[] = [];
  for (const [i, text] of bodies.entries()) {
    if (!validate(JSON.parse(text))) {
      const at = bodies.length > 1 ? ` (line ${i + 1})` : '';
      problems.push(...(validate.errors ?? []).map((e) => `${where}${at}: ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
    }
  }
  return problems;
}

/** A small valid SQLite database, as a file's bytes. */
const sqliteFile = (): Buffer => {
  const db = new Database(':memory:');
  db.exec('create table t(a int)');
  const b = db.serialize();
  db.close();
  return b;
};

type Row = {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Called once per actor, so destructive routes get a fresh target each time. */
  url: (a: Actor) => string | Promise<string>;
  body?: (a: Actor) => unknown;
  headers?: Record<string, string>;
  expect: Record<Actor, number>;
};

const ws = '/api/v1/workspaces/demo';
const all = (code: number, over: Partial<Record<Actor, number>> = {}): Record<Actor, number> => ({
  admin: code, editor: code, viewer: code, guest: code, anon: 401, outsider: 404, readonly: code, ...over,
});
const adminOnly = (ok: number) => all(403, { admin: ok });

async function freshProject(): Promise<string> {
  const s = t.atrium.services;
  const p = await s.projects.create(t.demoWorkspaceId, t.users.editor, { name: `fresh ${uniq()}` }, systemContext('test'));
  await s.projects.setGrant(p, { type: 'group', groupId: 'workspace' }, 'can_view', { confirm: false, dryRun: false, actorId: t.users.editor }, systemContext('test'));
  return p.id;
}
async function freshMember(): Promise<string> {
  const s = t.atrium.services;
  const ws = await s.workspaces.get(t.demoWorkspaceId);
  return (await s.workspaces.addMember(ws, { email: `m${uniq()}@demo.local`, role: 'viewer' as never }, systemContext('test'))).userId;
}
const inviteTokens: Partial<Record<Actor, string>> = {};
async function freshInvitation(): Promise<{ id: string; token: string }> {
  const r = await t.atrium.services.invitations.create(t.demoWorkspaceId, { email: `inv${uniq()}@demo.local`, role: 'viewer' as never }, systemContext('test'));
  return { id: r.invitation.id, token: r.token };
}
async function freshGroup(): Promise<string> {
  return (await t.atrium.services.groups.create(t.demoWorkspaceId, { name: `g${uniq()}` }, systemContext('test'))).id;
}

const rows: Row[] = [
  { name: 'list my workspaces', method: 'GET', url: () => '/api/v1/workspaces', expect: all(200, { outsider: 200 }) },
  { name: 'get workspace', method: 'GET', url: () => ws, expect: all(200) },
  { name: 'rename workspace', method: 'PATCH', url: () => ws, body: () => ({ name: 'Demo' }), expect: adminOnly(200) },
  { name: 'list members', method: 'GET', url: () => `${ws}/members`, expect: all(200, { guest: 403 }) },
  { name: 'add member (invites)', method: 'POST', url: () => `${ws}/members`, body: () => ({ email: `n${uniq()}@demo.local`, role: 'viewer' }), expect: adminOnly(202) },
  { name: 'invite', method: 'POST', url: () => `${ws}/invitations`, body: () => ({ email: `i${uniq()}@demo.local`, role: 'editor' }), expect: adminOnly(201) },
  { name: 'list invitations', method: 'GET', url: () => `${ws}/invitations`, expect: adminOnly(200) },
  { name: 'revoke invitation', method: 'DELETE', url: async () => `${ws}/invitations/${(await freshInvitation()).id}`, expect: adminOnly(204) },
  // Anonymous with a password creates the invited (new) account; a signed-in user who is not the invitee is refused.
  { name: 'accept invitation', method: 'POST', url: async (a) => ((inviteTokens[a] = (await freshInvitation()).token), '/api/v1/invitations/accept'), body: (a) => (a === 'anon' ? { token: inviteTokens[a], password: 'a-new-password-1' } : { token: inviteTokens[a] }), expect: all(403, { anon: 200, outsider: 403 }) },
  { name: 'change role', method: 'PATCH', url: async () => `${ws}/members/${await freshMember()}`, body: () => ({ role: 'editor' }), expect: adminOnly(200) },
  { name: 'remove member', method: 'DELETE', url: async () => `${ws}/members/${await freshMember()}?confirm=true`, expect: adminOnly(200) },
  { name: 'list groups', method: 'GET', url: () => `${ws}/groups`, expect: all(200, { guest: 403 }) },
  { name: 'create group', method: 'POST', url: () => `${ws}/groups`, body: () => ({ name: `grp ${uniq()}` }), expect: adminOnly(201) },
  { name: 'get group', method: 'GET', url: () => `${ws}/groups/${ids.dataTeam}`, expect: all(200, { guest: 403 }) },
  { name: 'edit group', method: 'PATCH', url: () => `${ws}/groups/${ids.dataTeam}`, body: () => ({ description: 'Analysts' }), expect: adminOnly(200) },
  { name: 'delete group', method: 'DELETE', url: async () => `${ws}/groups/${await freshGroup()}`, expect: adminOnly(200) },
  { name: 'add group members', method: 'POST', url: async () => `${ws}/groups/${await freshGroup()}/members`, body: () => ({ userIds: [t.users.viewer] }), expect: adminOnly(204) },
  { name: 'remove group members', method: 'POST', url: async () => `${ws}/groups/${await freshGroup()}/members/remove`, body: () => ({ userIds: [t.users.viewer], confirm: true }), expect: adminOnly(200) },
  { name: 'list projects', method: 'GET', url: () => `${ws}/projects`, expect: all(200) },
  { name: 'create project', method: 'POST', url: () => `${ws}/projects`, body: () => ({ name: `p ${uniq()}` }), expect: all(201, { viewer: 403, guest: 403, readonly: 403 }) },
  { name: 'get project shared with Data Team + viewer', method: 'GET', url: () => `/api/v1/projects/${ids.churn}`, expect: all(200, { guest: 404 }) },
  { name: 'get project shared with the web', method: 'GET', url: () => `/api/v1/projects/${ids.kpis}`, expect: all(200, { anon: 200, outsider: 200 }) },
  { name: 'get project of another workspace', method: 'GET', url: () => `/api/v1/projects/${ids.otherProject}`, expect: all(404, { outsider: 200 }) },
  { name: 'get guest project', method: 'GET', url: () => `/api/v1/projects/${ids.interview}`, expect: all(404, { admin: 200, guest: 200 }) },
  { name: 'edit project (can_edit)', method: 'PATCH', url: () => `/api/v1/projects/${ids.churn}`, body: () => ({ description: 'x' }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'edit guest project (guest downgraded: no access to Finance DB)', method: 'PATCH', url: () => `/api/v1/projects/${ids.interview}`, body: () => ({ description: 'x' }), expect: all(404, { admin: 200, guest: 403, readonly: 403 }) },
  { name: 'edit web-shared project', method: 'PATCH', url: () => `/api/v1/projects/${ids.kpis}`, body: () => ({ description: 'x' }), expect: all(403, { editor: 200, anon: 401, outsider: 403 }) },
  { name: 'delete project', method: 'DELETE', url: async () => `/api/v1/projects/${await freshProject()}`, expect: all(403, { admin: 204, editor: 204, guest: 404 }) },
  { name: 'list grants', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/grants`, expect: all(200, { guest: 404 }) },
  { name: 'set grant', method: 'PUT', url: () => `/api/v1/projects/${ids.churn}/grants/user:${t.users.viewer}`, body: () => ({ level: 'can_view' }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'remove grant', method: 'DELETE', url: async () => `/api/v1/projects/${await freshProject()}/grants/group:workspace`, expect: all(403, { admin: 204, editor: 204, guest: 404 }) },
  { name: 'my access', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/access`, expect: all(200, { guest: 404 }) },
  { name: 'explain', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/access/explain?user=${t.users.viewer}`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'audit log', method: 'GET', url: () => `${ws}/audit-events`, expect: adminOnly(200) },
  { name: 'my tokens', method: 'GET', url: () => '/api/v1/me/tokens', expect: all(200, { outsider: 200 }) },
  { name: 'create token', method: 'POST', url: () => '/api/v1/me/tokens', body: () => ({ name: 'x', scopes: ['read'] }), expect: all(201, { outsider: 201, readonly: 403 }) },
  { name: 'me', method: 'GET', url: () => '/api/v1/me', expect: all(200, { outsider: 200 }) },

  // workspace secrets (shared with the workspace: guests cannot see them)
  { name: 'list workspace secrets', method: 'GET', url: () => `${ws}/secrets`, expect: all(200) },
  { name: 'create workspace secret', method: 'POST', url: () => `${ws}/secrets`, body: () => ({ name: `S_${uniq().toUpperCase()}`, value: 'v' }), expect: adminOnly(201) },
  { name: 'get workspace secret', method: 'GET', url: () => `${ws}/secrets/${ids.wsSecret}`, expect: all(200, { guest: 404 }) },
  { name: 'edit workspace secret', method: 'PATCH', url: () => `${ws}/secrets/${ids.wsSecret}`, body: () => ({ description: 'd' }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'secret versions', method: 'GET', url: () => `${ws}/secrets/${ids.wsSecret}/versions`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'secret rollback', method: 'POST', url: () => `${ws}/secrets/${ids.wsSecret}/rollback`, body: () => ({ version: 1 }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'secret usage', method: 'GET', url: () => `${ws}/secrets/${ids.wsSecret}/usage`, expect: all(200, { guest: 404 }) },
  { name: 'secret groups', method: 'PUT', url: () => `${ws}/secrets/${ids.wsSecret}/access`, body: () => ({ access: ['workspace'] }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'delete workspace secret', method: 'DELETE', url: async () => `${ws}/secrets/${await freshSecret()}?confirm=true`, expect: all(403, { admin: 200, guest: 404 }) },
  // a project's secrets
  { name: 'list project secrets', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/secrets`, expect: all(200, { guest: 404 }) },
  { name: 'create project secret', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/secrets`, body: () => ({ name: `P_${uniq().toUpperCase()}`, value: 'v' }), expect: all(201, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'edit project secret', method: 'PATCH', url: () => `/api/v1/projects/${ids.churn}/secrets/LOCAL`, body: () => ({ value: 'v2' }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'delete project secret', method: 'DELETE', url: async () => `/api/v1/projects/${ids.churn}/secrets/${await freshProjectSecret()}?confirm=true`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'reveal secret', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/secrets/WS_SECRET/reveal`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'runtime env', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/runtime/env`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  // imports
  { name: 'list imports', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/imports`, expect: all(200, { guest: 404 }) },
  { name: 'importable assets', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/importable`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'import an asset', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/imports`, body: () => ({ assetId: ids.wsConn }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'remove an import', method: 'DELETE', url: async () => `/api/v1/projects/${ids.churn}/imports/${await freshImport()}`, expect: all(204, { viewer: 403, guest: 404, readonly: 403 }) },
  // workspace data connections
  { name: 'list connections', method: 'GET', url: () => `${ws}/data-connections`, expect: all(200) },
  { name: 'create connection', method: 'POST', url: () => `${ws}/data-connections`, body: () => ({ name: `c ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }), expect: adminOnly(201) },
  { name: 'test unsaved connection', method: 'POST', url: () => `${ws}/data-connections/test`, body: () => ({ type: 'duckdb', config: { path: ':memory:' } }), expect: adminOnly(200) },
  { name: 'get connection', method: 'GET', url: () => `${ws}/data-connections/${ids.wsConn}`, expect: all(200, { guest: 404 }) },
  { name: 'edit connection', method: 'PATCH', url: () => `${ws}/data-connections/${ids.wsConn}`, body: () => ({ readOnly: false }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'test saved connection', method: 'POST', url: () => `${ws}/data-connections/${ids.wsConn}/test`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'connection schema', method: 'GET', url: () => `${ws}/data-connections/${ids.wsConn}/schema`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'connection usage', method: 'GET', url: () => `${ws}/data-connections/${ids.wsConn}/usage`, expect: all(200, { guest: 404 }) },
  { name: 'connection groups', method: 'PUT', url: () => `${ws}/data-connections/${ids.wsConn}/access`, body: () => ({ access: ['workspace'] }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'delete connection', method: 'DELETE', url: async () => `${ws}/data-connections/${await freshConnection()}?confirm=true`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'set default connection', method: 'PUT', url: () => `${ws}/default-connection`, body: () => ({ connectionId: ids.wsConn }), expect: adminOnly(200) },
  { name: 'clear default connection', method: 'DELETE', url: () => `${ws}/default-connection`, expect: adminOnly(200) },
  // a project's connections and SQL cells
  { name: 'project connections', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/data-connections`, expect: all(200, { guest: 404 }) },
  { name: 'create project connection', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/data-connections`, body: () => ({ name: `pc ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }), expect: all(201, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'test project connection settings', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/data-connections/test`, body: () => ({ type: 'duckdb', config: { path: ':memory:' } }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'edit project connection', method: 'PATCH', url: () => `/api/v1/projects/${ids.churn}/data-connections/${ids.projConn}`, body: () => ({ readOnly: false }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'test project connection', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/data-connections/${ids.projConn}/test`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'delete project connection', method: 'DELETE', url: async () => `/api/v1/projects/${ids.churn}/data-connections/${await freshProjectConnection()}?confirm=true`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'upload a project connection’s database', method: 'PUT', url: () => `/api/v1/projects/${ids.churn}/data-connections/${ids.projFileConn}/file`, body: () => sqliteFile(), headers: { 'content-type': 'application/octet-stream' }, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'project connection schema', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/data-connections/${ids.wsConn}/schema`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'run a query', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/queries`, body: () => ({ sql: 'select 1', connectionId: ids.wsConn }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'cancel a query (none running)', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/queries/qry_none/cancel`, expect: all(404, { viewer: 403, readonly: 403, anon: 401 }) },
  { name: 'stored results', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/queries`, expect: all(200, { guest: 404 }) },
  { name: 'a stored result', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/queries/${ids.queryId}`, expect: all(200, { guest: 404 }) },
  // git providers (admins only)
  { name: 'list git providers', method: 'GET', url: () => `${ws}/git-providers`, expect: adminOnly(200) },
  { name: 'create git provider', method: 'POST', url: () => `${ws}/git-providers`, body: () => ({ name: `git ${uniq()}`, kind: 'gitlab', config: { baseUrl: gitServer.url }, credentials: { token: 'authz-git-token' } }), expect: adminOnly(201) },
  { name: 'get git provider', method: 'GET', url: () => `${ws}/git-providers/${ids.gitProvider}`, expect: adminOnly(200) },
  { name: 'edit git provider', method: 'PATCH', url: () => `${ws}/git-providers/${ids.gitProvider}`, body: () => ({ name: 'Local git' }), expect: adminOnly(200) },
  { name: 'test git provider', method: 'POST', url: () => `${ws}/git-providers/${ids.gitProvider}/test`, body: () => ({ repository: 'acme/tools' }), expect: adminOnly(200) },
  { name: 'delete git provider', method: 'DELETE', url: async () => `${ws}/git-providers/${await freshGitProvider()}`, expect: adminOnly(204) },
  { name: 'start linking a GitHub account', method: 'POST', url: () => `${ws}/git-providers/${ids.githubProvider}/github/authorize`, body: () => ({}), expect: adminOnly(200) },
  // git packages (assets)
  { name: 'list git packages', method: 'GET', url: () => `${ws}/git-packages`, expect: all(200) },
  { name: 'create git package', method: 'POST', url: () => `${ws}/git-packages`, body: () => ({ name: `p-${uniq()}`, providerId: ids.gitProvider, repository: 'acme/tools', ref: { kind: 'tag', name: 'v1.0.0' } }), expect: adminOnly(201) },
  { name: 'get git package', method: 'GET', url: () => `${ws}/git-packages/${ids.gitPackage}`, expect: all(200, { guest: 404 }) },
  { name: 'edit git package', method: 'PATCH', url: () => `${ws}/git-packages/${ids.gitPackage}`, body: () => ({ description: 'd' }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'update git package pins', method: 'POST', url: () => `${ws}/git-packages/${ids.gitPackage}/update`, body: () => ({ dryRun: true }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'git package usage', method: 'GET', url: () => `${ws}/git-packages/${ids.gitPackage}/usage`, expect: all(200, { guest: 404 }) },
  { name: 'git package groups', method: 'PUT', url: () => `${ws}/git-packages/${ids.gitPackage}/access`, body: () => ({ access: ['workspace'] }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'delete git package', method: 'DELETE', url: async () => `${ws}/git-packages/${await freshGitPackage()}?confirm=true`, expect: all(403, { admin: 200, guest: 404 }) },
  // a project's packages
  { name: 'project packages', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/packages`, expect: all(200, { guest: 404 }) },
  { name: 'import a package (already pinned)', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/packages`, body: () => ({ packageId: ids.gitPackage }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'install a package', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/packages/tools/install`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'download a package', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/packages/tools/archive?format=zip`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'runtime packages', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/runtime/packages`, expect: all(200, { viewer: 403, guest: 404 }) },
  // file integrations (S3 on radosgw): the asset (admins manage), and in a project browse, import, export (rule 5)
  { name: 'list file integrations', method: 'GET', url: () => `${ws}/file-integrations`, expect: all(200) },
  { name: 'create file integration', method: 'POST', url: () => `${ws}/file-integrations`, body: () => ({ name: `fi ${uniq()}`, ...s3Settings() }), expect: adminOnly(201) },
  { name: 'test unsaved file integration', method: 'POST', url: () => `${ws}/file-integrations/test`, body: () => s3Settings(), expect: adminOnly(200) },
  { name: 'get file integration', method: 'GET', url: () => `${ws}/file-integrations/${ids.fileIntegration}`, expect: all(200, { guest: 404 }) },
  { name: 'edit file integration', method: 'PATCH', url: () => `${ws}/file-integrations/${ids.fileIntegration}`, body: () => ({ writeback: true }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'test saved file integration', method: 'POST', url: () => `${ws}/file-integrations/${ids.fileIntegration}/test`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'file integration usage', method: 'GET', url: () => `${ws}/file-integrations/${ids.fileIntegration}/usage`, expect: all(200, { guest: 404 }) },
  { name: 'file integration groups', method: 'PUT', url: () => `${ws}/file-integrations/${ids.fileIntegration}/access`, body: () => ({ access: ['workspace'] }), expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'delete file integration', method: 'DELETE', url: async () => `${ws}/file-integrations/${await freshFileIntegration()}?confirm=true`, expect: all(403, { admin: 200, guest: 404 }) },
  { name: 'project file integrations', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/file-integrations`, expect: all(200, { guest: 404 }) },
  { name: 'browse a bucket', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/file-integrations/${ids.fileIntegration}/objects`, expect: all(200, { viewer: 403, guest: 404 }) },
  { name: 'import files', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/file-integrations/${ids.fileIntegration}/import`, body: () => ({ keys: ['authz.csv'] }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'export files', method: 'POST', url: () => `/api/v1/projects/${ids.churn}/file-integrations/${ids.fileIntegration}/export`, body: () => ({ paths: ['external-files/s3/Raw/authz.csv'] }), expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'runtime files', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/runtime/files`, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  // a project's files: results (rule 6) — the web sees the public project's
  { name: 'list project files', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/files`, expect: all(200, { guest: 404 }) },
  { name: 'list web project files', method: 'GET', url: () => `/api/v1/projects/${ids.kpis}/files`, expect: all(200, { anon: 200, outsider: 200 }) },
  { name: 'download a file', method: 'GET', url: () => `/api/v1/projects/${ids.churn}/files/content?path=external-files/s3/Raw/authz.csv`, expect: all(200, { guest: 404 }) },
  { name: 'download a web project file', method: 'GET', url: () => `/api/v1/projects/${ids.kpis}/files/content?path=results/kpi.csv`, expect: all(200, { anon: 200, outsider: 200 }) },
  { name: 'upload a file', method: 'PUT', url: () => `/api/v1/projects/${ids.churn}/files/content?path=uploads/${uniq()}.txt`, body: () => Buffer.from('hello'), headers: { 'content-type': 'application/octet-stream' }, expect: all(200, { viewer: 403, guest: 404, readonly: 403 }) },
  { name: 'delete a file', method: 'DELETE', url: async () => `/api/v1/projects/${ids.churn}/files/content?path=${await freshFile()}`, expect: all(204, { viewer: 403, guest: 404, readonly: 403 }) },
];

async function freshGitProvider(): Promise<string> {
  return (await t.atrium.services.gitProviders.api.create(callerFor(t.users.admin), t.demoWorkspaceId, { name: `fresh git ${uniq()}`, kind: 'https', config: { baseUrl: gitServer.url, auth: 'none' }, credentials: {} })).id;
}
async function freshGitPackage(): Promise<string> {
  return (await t.atrium.services.gitPackages.create(t.demoWorkspaceId, t.users.admin, { name: `fresh-${uniq()}`, providerId: ids.gitProvider, repository: 'acme/tools', ref: { kind: 'tag', name: 'v1.0.0' } }, systemContext('test'))).id;
}
/** The radosgw of the test run (ATRIUM_TEST_S3), the `full` user, this run's own prefix. */
function s3Settings() {
  const s3 = testS3();
  return { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, pathStyle: true, prefix: S3_PREFIX, writeback: true, accessKeyId: s3.users.full.accessKeyId, secretAccessKey: s3.users.full.secretAccessKey };
}
async function freshFileIntegration(): Promise<string> {
  return (await t.atrium.services.fileIntegrations.create({ workspaceId: t.demoWorkspaceId, createdBy: t.users.admin, name: `fresh fi ${uniq()}`, ...s3Settings() }, systemContext('test'))).id;
}
async function freshFile(): Promise<string> {
  const p = `uploads/del-${uniq()}.txt`;
  await t.atrium.services.fileStore.receive(ids.churn, p, (dest) => fs.promises.writeFile(dest, 'x'));
  return p;
}
async function freshSecret(): Promise<string> {
  const s = t.atrium.services;
  return (await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: t.users.admin, name: `F_${uniq().toUpperCase()}`, value: 'v' }, systemContext('test'))).id;
}
async function freshProjectSecret(): Promise<string> {
  const s = t.atrium.services;
  const name = `L_${uniq().toUpperCase()}`;
  await s.secrets.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: t.users.admin, name, value: 'v' }, systemContext('test'));
  return name;
}
async function freshConnection(): Promise<string> {
  return (await t.atrium.services.connections.create({ workspaceId: t.demoWorkspaceId, projectId: null, createdBy: t.users.admin, name: `f ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }, systemContext('test'))).id;
}
async function freshProjectConnection(): Promise<string> {
  return (await t.atrium.services.connections.create({ workspaceId: t.demoWorkspaceId, projectId: ids.churn, createdBy: t.users.admin, name: `fp ${uniq()}`, type: 'duckdb', config: { path: ':memory:' } }, systemContext('test'))).id;
}
async function freshImport(): Promise<string> {
  const s = t.atrium.services;
  const id = await freshConnection();
  await s.assets.importInto(await s.projects.get(ids.churn), id, t.users.admin, { confirm: true, dryRun: false }, systemContext('test'));
  return id;
}

describe('authorization of every route, per caller', () => {
  for (const row of rows) {
    it.each(ACTORS)(`${row.method} ${row.name} as %s`, async (actor) => {
      const url = await row.url(actor);
      const res = await c[actor].request(row.method, url, row.body?.(actor), row.headers);
      expect(res.statusCode, `${actor}: ${res.body}`).toBe(row.expect[actor]);
      expect(responseProblems(row.method, url, res)).toEqual([]);
      if (res.statusCode >= 400) {
        const code = res.json().error.code;
        const expected = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' }[res.statusCode];
        expect(code).toBe(expected);
      }
    });
  }

  it('every route of the OpenAPI document is covered by the table', async () => {
    const doc = (await t.anonymous.get('/api/v1/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const norm = (u: string) =>
      u
        .split('?')[0]!
        .replace(/^\/api\/v1/, '')
        .replace(/\/workspaces\/demo/, '/workspaces/{ws}')
        .replace(/\/projects\/[^/]+/, '/projects/{projectId}')
        .replace(/\/members\/usr_[^/]+$/, '/members/{userId}')
        .replace(/\/invitations\/inv_[^/]+$/, '/invitations/{id}')
        .replace(/\/groups\/grp_[^/]+/, '/groups/{groupId}')
        .replace(/\/grants\/[^/]+/, '/grants/{subject}')
        .replace(/\/(secrets|data-connections|git-packages|file-integrations)\/ast_[^/]+/, '/$1/{id}')
        .replace(/\/git-providers\/gpr_[^/]+/, '/git-providers/{id}')
        .replace(/\/projects\/\{projectId\}\/packages\/(?!\{)[^/]+/, '/projects/{projectId}/packages/{name}')
        .replace(/\/projects\/\{projectId\}\/secrets\/(?!\{)[A-Z_0-9]+/, '/projects/{projectId}/secrets/{name}')
        .replace(/\/imports\/ast_[^/]+/, '/imports/{assetId}')
        .replace(/\/queries\/qry_[^/]+/, '/queries/{queryId}');
    const covered = new Set<string>();
    for (const row of rows) covered.add(`${row.method} ${norm(await row.url('admin'))}`);
    covered.add('POST /auth/login').add('POST /auth/logout').add('DELETE /me/tokens/{tokenId}'); // covered in api-auth.test.ts
    const missing = documented.map((d) => d.replace(' /api/v1', ' ')).map((d) => d.replace(/:(\w+)/g, '{$1}')).filter((d) => !covered.has(d.replace('  ', ' ')));
    expect(missing, JSON.stringify(missing)).toEqual([]);
    expect(documented.length).toBeGreaterThan(25);
  });

  it('every documented route declares its success response and the error shape', () => {
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(api.doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const responses = op.responses ?? {};
        const success = Object.keys(responses).filter((code) => /^2\d\d$/.test(code));
        if (!success.length) problems.push(`${where}: no success response`);
        for (const code of success) {
          const r = responses[code]!;
          if (code === '204') {
            if (r.content) problems.push(`${where}: 204 declares a body`);
          } else if (!Object.values(r.content ?? {}).some((m) => m.schema && Object.keys(m.schema).length > 0)) {
            problems.push(`${where}: ${code} has no schema`);
          }
        }
        const error = responses['4XX']?.content?.['application/json']?.schema;
        if (error?.$ref !== '#/components/schemas/Error') problems.push(`${where}: 4XX is not the shared Error shape`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('sign-in, sign-out and token revocation answer as declared (their statuses are tested in api-auth.test.ts)', async () => {
    const login = await t.anonymous.post('/api/v1/auth/login', { email: 'viewer@demo.local', password: DEMO_PASSWORD });
    expect(login.statusCode).toBe(200);
    expect(responseProblems('POST', '/api/v1/auth/login', login)).toEqual([]);
    const bad = await t.anonymous.post('/api/v1/auth/login', { email: 'viewer@demo.local', password: 'wrong' });
    expect(bad.statusCode).toBe(401);
    expect(responseProblems('POST', '/api/v1/auth/login', bad)).toEqual([]);
    const viewer = await t.login('viewer@demo.local');
    const token = (await viewer.post('/api/v1/me/tokens', { name: 'short-lived' })).json() as { id: string };
    const revoke = await viewer.del(`/api/v1/me/tokens/${token.id}`);
    expect(revoke.statusCode).toBe(204);
    expect(responseProblems('DELETE', `/api/v1/me/tokens/${token.id}`, revoke)).toEqual([]);
    const logout = await viewer.post('/api/v1/auth/logout');
    expect(logout.statusCode).toBe(204);
    expect(responseProblems('POST', '/api/v1/auth/logout', logout)).toEqual([]);
  });

  it('no answer holds a credential: connections and secrets are sanitized by schema', async () => {
    const conn = await c.admin.get(`${ws}/data-connections/${ids.wsConn}`);
    expect(conn.statusCode).toBe(200);
    expect(conn.json()).not.toHaveProperty('password');
    expect(conn.json()).toHaveProperty('hasPassword');
    const secret = await c.admin.get(`${ws}/secrets/${ids.wsSecret}`);
    expect(secret.statusCode).toBe(200);
    expect(secret.json()).not.toHaveProperty('value');
    const schemas = api.doc.components?.schemas ?? {};
    for (const name of ['DataConnection', 'ProjectDataConnection', 'Secret', 'ProjectSecret']) {
      const props = Object.keys((schemas[name]?.properties ?? {}) as object);
      expect(props.length, name).toBeGreaterThan(0);
      expect(props.filter((p) => /^password$|credential|^value$|secret_?value/i.test(p)), name).toEqual([]);
    }
  });
});

describe('the GitHub OAuth callback (a browser navigation, outside the OpenAPI document)', () => {
  // Without a state of theirs every caller lands on the console with an error, never on a JSON page;
  // the whole flow is in git-providers-oauth.test.ts.
  it.each(ACTORS)('answers %s with a redirect to the console', async (actor) => {
    const res = await c[actor].get('/api/v1/git-providers/github/callback?code=made-up&state=made-up');
    expect(res.statusCode, res.body).toBe(303);
    const to = new URL(String(res.headers.location), 'http://atrium.invalid');
    expect(to.pathname).toBe('/settings/workspace/integrations');
    expect(to.searchParams.get('github_error')).toBe(actor === 'anon' ? 'unauthenticated' : 'state_invalid');
    expect(String(res.headers.location)).not.toContain('made-up');
  });
});

describe('asset access changes what a guest can do (rule 4, reference scenario 3)', () => {
  it('the guest is downgraded until "Workspace guests" can use the connection', async () => {
    const s = t.atrium.services;
    expect(s.authz.index.level(t.users.guest, ids.interview)).toBe(Level.can_view);
    const access = await c.guest.get(`/api/v1/projects/${ids.interview}/access`);
    expect(access.json()).toMatchObject({ level: 'can_view', granted: 'can_edit', downgradedBy: [ids.finance] });
    const admin = c.admin;
    const r = await admin.put(`/api/v1/workspaces/demo/data-connections/${ids.finance}/access`, { access: [ids.dataTeam, 'workspace-guests'] });
    expect(r.statusCode).toBe(200);
    const res = await c.guest.patch(`/api/v1/projects/${ids.interview}`, { description: 'now editable' });
    expect(res.statusCode).toBe(200);
    expect(res.json().allowedActions).toContain('edit');
  });
});
