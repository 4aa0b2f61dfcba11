/**
 * The real server process: an acknowledged write survives kill -9; SIGTERM shuts down cleanly;
 * the master key file is created 0600 on first start; `atrium keys rotate` runs against a
 * live server's data without interrupting decryption.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDb } from './helpers/test-db.js';
import { loginOver, startServerProcess } from './helpers/test-process.js';
import { loadConfig } from '../src/config.js';
import { createAtrium } from '../src/main.js';

const run = promisify(execFile);
const PASSWORD = 'process-test-pw';
let db: TestDb | undefined;
afterEach(async () => {
  await db?.drop();
  db = undefined;
});

const envFor = (d: TestDb) => ({ DATA_DIR: d.dataDir, DATABASE_URL: d.databaseUrl ?? '', ATRIUM_DEMO_PASSWORD: PASSWORD, ATRIUM_MASTER_KEY: '' });

describe('the server process', () => {
  it('keeps every acknowledged write across kill -9', async () => {
    db = await freshDatabase();
    const s1 = await startServerProcess(envFor(db));
    expect(s1.output()).toContain('admin@demo.local');
    const h = await loginOver(s1.url, 'admin@demo.local', PASSWORD);
    const acked: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await fetch(`${s1.url}/api/v1/workspaces/demo/groups`, { method: 'POST', headers: { ...h, cookie: h.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: `durable ${i}` }) });
      expect(r.status).toBe(201);
      acked.push(((await r.json()) as { id: string }).id);
    }
    s1.child.kill('SIGKILL');
    await s1.exited;

    const s2 = await startServerProcess(envFor(db));
    try {
      expect(s2.output()).not.toContain('Demo workspace created'); // not a fresh database any more
      const h2 = await loginOver(s2.url, 'admin@demo.local', PASSWORD);
      const groups = (await (await fetch(`${s2.url}/api/v1/workspaces/demo/groups`, { headers: { cookie: h2.cookie } })).json()) as { custom: { id: string }[] };
      const ids = new Set(groups.custom.map((g) => g.id));
      expect(acked.filter((id) => !ids.has(id))).toEqual([]);
    } finally {
      s2.child.kill('SIGTERM');
      expect(await s2.exited).toBe(0);
    }
    const verify = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify'], { env: { ...process.env, ...envFor(db) } });
    expect(verify.stdout).toMatch(/^OK: /);
  });

  it('shuts down gracefully on SIGTERM and creates the master key file with mode 0600', async () => {
    db = await freshDatabase();
    const s = await startServerProcess(envFor(db), ['--no-demo']);
    expect(s.output()).not.toContain('admin@demo.local');
    const keyFile = path.join(db.dataDir, 'master.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('gives a --no-demo install its first admin with atrium admin create', async () => {
    db = await freshDatabase();
    const env = { ...process.env, ...envFor(db), ATRIUM_ADMIN_PASSWORD: 'first-admin-pw' };
    const created = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'admin', 'create', '--email', 'Boss@Example.com', '--workspace', 'Acme Data'], { env });
    expect(created.stdout).toMatch(/Created workspace 'Acme Data' \(acme-data, ws_\w+\) with admin boss@example.com/);
    const short = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'admin', 'create', '--email', 'x@example.com'], { env: { ...env, ATRIUM_ADMIN_PASSWORD: 'short' } }).catch((e) => e);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 8 characters/);
    const s = await startServerProcess(envFor(db), ['--no-demo']);
    try {
      const h = await loginOver(s.url, 'boss@example.com', 'first-admin-pw');
      const me = (await (await fetch(`${s.url}/api/v1/me`, { headers: { cookie: h.cookie } })).json()) as { workspaces: { slug: string; role: string }[] };
      expect(me.workspaces).toEqual([expect.objectContaining({ slug: 'acme-data', role: 'admin' })]);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  it('on a taken port, says so before creating anything (the demo password is not lost)', async () => {
    db = await freshDatabase();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port)], { env: { ...process.env, ...envFor(db), ATRIUM_DEMO_PASSWORD: '' } }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`127.0.0.1:${port} is already in use`);
      // Nothing was created, so the next start (on a free port) is a first start with its logins.
      expect(fs.existsSync(path.join(db.dataDir, 'atrium.db'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('refuses to start with a key file others can read, saying how to fix it', async () => {
    db = await freshDatabase();
    fs.mkdirSync(db.dataDir, { recursive: true });
    const s = await startServerProcess(envFor(db), ['--no-demo']);
    s.child.kill('SIGTERM');
    await s.exited;
    fs.chmodSync(path.join(db.dataDir, 'master.key'), 0o644);
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0'], { env: { ...process.env, ...envFor(db) } }).catch((e) => e);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/chmod 600/);
  });

  it('runs as an ordinary user: the demo warehouse answers through the rootless sandbox', async () => {
    // What a newcomer gets from `npm start` without root: the sandbox must not need it.
    db = await freshDatabase();
    const nobody = { uid: 65534, gid: 65534 };
    fs.chownSync(db.dataDir, nobody.uid, nobody.gid);
    const s = await startServerProcess({ ...envFor(db), HOME: db.dataDir, TMPDIR: db.dataDir, ATRIUM_SANDBOX_MODE: 'auto' }, [], nobody);
    try {
      const h = await loginOver(s.url, 'editor@demo.local', PASSWORD);
      const get = async (url: string) => (await fetch(`${s.url}${url}`, { headers: { cookie: h.cookie } })).json();
      const { projects } = (await get('/api/v1/workspaces/demo/projects')) as { projects: { id: string; name: string }[] };
      const kpis = projects.find((p) => p.name === 'Public KPIs')!; // imports the warehouse
      const { defaultConnectionId } = (await get(`/api/v1/projects/${kpis.id}/data-connections`)) as { defaultConnectionId: string };
      const r = await fetch(`${s.url}/api/v1/projects/${kpis.id}/queries`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'select count(*) as n from sales', connectionId: defaultConnectionId }) });
      const events = (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; rows?: unknown[][]; error?: unknown });
      expect(r.status).toBe(200);
      expect(events.find((e) => e.type === 'error'), JSON.stringify(events)).toBeUndefined();
      expect(events.filter((e) => e.type === 'rows').flatMap((e) => e.rows)).toEqual([[2000]]);
      // The server's files are the ordinary user's, not root's.
      expect(fs.statSync(path.join(db.dataDir, 'master.key')).uid).toBe(nobody.uid);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  });

  it('atrium keys rotate re-wraps data keys while a server keeps decrypting', async () => {
    db = await freshDatabase();
    const config = loadConfig({ ATRIUM_DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' }, { dataDir: db.dataDir, databaseUrl: db.databaseUrl });
    const atrium = await createAtrium(config);
    try {
      const ws = atrium.demo!.workspaceId;
      const ct = await atrium.services.crypto.encryptForWorkspace(ws, 'hunter2', 'test:1');
      const before = await atrium.services.store.db.selectFrom('data_keys').select('wrapped').executeTakeFirstOrThrow();
      expect(before.wrapped).toMatch(/^mk1:/);
      const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'rotate'], { env: { ...process.env, ...envFor(db) } });
      expect(r.stdout).toMatch(/new active version 2/);
      expect(r.stdout).toMatch(/1 re-wrapped/);
      const after = await atrium.services.store.db.selectFrom('data_keys').select('wrapped').executeTakeFirstOrThrow();
      expect(after.wrapped).toMatch(/^mk2:/);
      // The running server meets master version 2 for the first time: it reloads the file.
      atrium.services.crypto.clearCache();
      expect(await atrium.services.crypto.decryptForWorkspace(ws, ct, 'test:1')).toBe('hunter2');
      const ct2 = await atrium.services.crypto.encryptForWorkspace(ws, 'new value', 'test:2');
      expect(await atrium.services.crypto.decryptForWorkspace(ws, ct2, 'test:2')).toBe('new value');
    } finally {
      await atrium.close();
    }
  });
});
