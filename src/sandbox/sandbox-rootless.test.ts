/**
 * The rootless mode as a hostile command would try it, from a server that is NOT root: the same
 * escapes as sandbox-run.test.ts and sql-sandboxed.test.ts. The tests run as root, so the sandbox
 * code runs in sandbox-rootless-driver.ts started as a uid of this test's own (no passwd entry,
 * no capabilities, no groups) — the "server". Its data directory, key and connection files belong
 * to it and are readable by it: only the sandbox's namespaces keep them out.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAvailable } from './sandbox-bwrap.js';
import { type RootlessDriver, isGone, namespacedProcessesOfUid, processesOfUid, startRootlessDriver } from './sandbox-test-support.js';

const UID = 1_880_000_000 + (process.pid % 100_000);
let root: string;
let home: string;
let dataDir: string;
let connA: string;
let connB: string;
let work: string;
let shared: string;
let driver: RootlessDriver;
let env: Record<string, string>;

interface Run {
  status: string;
  stdout: string;
  stderr: string;
  durationMs: number;
  pid: number;
  uid: number;
  mode: string;
  initPid: number;
  error: { code: string; message: string } | null;
}

const mkdir = (dir: string, owner = UID, mode = 0o700) => {
  fs.mkdirSync(dir, { recursive: true });
  fs.chownSync(dir, owner, owner);
  fs.chmodSync(dir, mode);
  return dir;
};

beforeAll(() => {
  if (!sandboxAvailable()) throw new Error('bubblewrap is required for these tests: run scripts/services/bubblewrap.sh install (as root)');
  // The driver runs this checkout's code as a uid that is not root: say so plainly if it cannot read it.
  const probe = spawnSync('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', '--', 'test', '-r', path.join(process.cwd(), 'node_modules', 'tsx', 'package.json')]);
  if (probe.status !== 0) {
    throw new Error(`The rootless tests run this checkout as uid ${UID}, which cannot read ${process.cwd()}: clone into a directory other users may read and traverse (every parent o+rx).`);
  }
  root = mkdir(fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sbx-rootless-')), 0, 0o755);
  home = mkdir(path.join(root, 'home'));
  // The "server's" own files: owned by its uid, closed to everyone else, no chmod a+rwX anywhere.
  dataDir = mkdir(path.join(root, 'data'));
  fs.writeFileSync(path.join(dataDir, 'master.key'), 'MASTER-KEY-SENTINEL', { mode: 0o600 });
  connA = mkdir(path.join(dataDir, 'files', 'conn-a'));
  connB = mkdir(path.join(dataDir, 'files', 'conn-b'));
  fs.chownSync(path.join(dataDir, 'files'), UID, UID);
  const a = new Database(path.join(connA, 'warehouse.db'));
  a.exec('CREATE TABLE sales (x INTEGER); INSERT INTO sales VALUES (1), (2);');
  a.close();
  const b = new Database(path.join(connB, 'finance.db'));
  b.exec("CREATE TABLE payroll (who TEXT); INSERT INTO payroll VALUES ('PAYROLL-SENTINEL');");
  b.close();
  fs.writeFileSync(path.join(connA, 'notes.key'), 'KEY-NEXT-TO-DB-SENTINEL');
  work = mkdir(path.join(root, 'work'));
  fs.symlinkSync(path.join(dataDir, 'master.key'), path.join(work, 'link-to-key'));
  // A directory opened to everyone the old way (root-owned, a+rwX) must still work.
  shared = mkdir(path.join(root, 'shared'), 0, 0o777);
  execFileSync('chown', ['-R', `${UID}:${UID}`, connA, connB, work]);
  env = { HOME: home, TMPDIR: home, ATRIUM_SANDBOX_TEST_SECRET: 'ENV-SECRET-SENTINEL' };
  driver = startRootlessDriver(UID, env);
});

afterAll(async () => {
  await driver?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const run = async (opts: Record<string, unknown>, abortAfterMs?: number): Promise<Run> => {
  const r = await driver.call<{ result?: Run; fail?: unknown }>({ op: 'run', opts, abortAfterMs });
  if (!r.result) throw new Error(`run failed: ${JSON.stringify(r.fail)}`);
  return r.result;
};
const sh = (script: string, more: Record<string, unknown> = {}, abortAfterMs?: number) => run({ command: '/bin/sh', args: ['-c', script], env: { PATH: '/usr/bin:/bin' }, ...more }, abortAfterMs);

/** Every process of the sandbox is gone: its bwrap, its PID namespace's init, nothing of the uid in a namespace. */
async function expectGone(r: { pid: number; initPid: number }): Promise<void> {
  // Checked at once, not after a wait: the result is reported only once the namespace is empty.
  expect(namespacedProcessesOfUid(UID)).toEqual([]);
  expect(r.initPid).toBeGreaterThan(0);
  expect(await isGone(r.pid, 0)).toBe(true);
  expect(await isGone(r.initPid, 0)).toBe(true);
}

describe('rootless sandbox: runSandboxed from a server that is not root', () => {
  it('is chosen automatically, runs as the server’s uid, and what it writes belongs to the server', async () => {
    const m = await driver.call<{ mode: string; uid: number; pid: number }>({ op: 'mode' });
    expect(m).toMatchObject({ mode: 'rootless', uid: UID });
    const r = await sh('id -u; id -g; echo x > /w/out.txt; echo y > /s/out.txt; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status', {
      binds: [
        { path: work, dest: '/w', mode: 'rw' },
        { path: shared, dest: '/s', mode: 'rw' },
      ],
    });
    expect(r.status).toBe('ok');
    expect(r.mode).toBe('rootless');
    expect(r.uid).toBe(UID);
    expect(r.stdout).toMatch(new RegExp(`^${UID}\\n${UID}\\nCapEff:\\s+0+\\nCapBnd:\\s+0+\\nNoNewPrivs:\\s+1\\n$`));
    expect(fs.statSync(path.join(work, 'out.txt')).uid).toBe(UID);
    expect(fs.statSync(path.join(shared, 'out.txt')).uid).toBe(UID);
  });

  it('sees nothing of the server — its files, environment, processes — and cannot signal it or name its pid', async () => {
    const server = driver.pid;
    const r = await sh(
      [
        `cat ${path.join(dataDir, 'master.key')}`,
        'cat /w/link-to-key',
        'cat /proc/1/environ; echo',
        `cat /proc/${server}/environ`,
        `head -c 16 /proc/${server}/mem`,
        `kill -0 ${server} && echo SIGNAL-REACHED`,
        `kill -KILL -${server} && echo GROUP-REACHED`,
        'echo "PIDS: $(ls /proc | grep -E "^[0-9]+$" | tr "\\n" " ")"',
        `ls ${process.cwd()} ${dataDir}`,
        'cat /etc/passwd',
        'unshare -U true && echo NESTED-USERNS',
        'kill -KILL -1',
        'echo done',
      ].join('; '),
      { binds: [{ path: work, dest: '/w', mode: 'ro' }] },
    );
    expect(r.status).toBe('ok');
    const all = r.stdout + r.stderr;
    expect(all).not.toMatch(/MASTER-KEY-SENTINEL|ENV-SECRET-SENTINEL|SIGNAL-REACHED|GROUP-REACHED|NESTED-USERNS|root:x:0/);
    expect(r.stderr).toMatch(/kill: No such process/);
    const pids = /PIDS: ([\d ]+)/.exec(r.stdout)?.[1]?.trim().split(' ').map(Number) ?? [];
    expect(pids.length).toBeGreaterThan(0);
    expect(Math.max(...pids)).toBeLessThan(50);
    expect(server).toBeGreaterThan(50);
    expect(r.stdout).toContain('done');
    // `kill -KILL -1` inside reached only the sandbox's own namespace: the server still answers.
    expect(await driver.call({ op: 'mode' })).toMatchObject({ mode: 'rootless' });
    await expectGone(r);
  });

  it('binds read-only where asked', async () => {
    const r = await sh('echo nope > /w/new.txt', { binds: [{ path: work, dest: '/w', mode: 'ro' }] });
    expect(r.status).toBe('exit');
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(work, 'new.txt'))).toBe(false);
  });

  it('has no network unless asked for it', async () => {
    const server = net.createServer((s) => s.end('HELLO-FROM-HOST\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const js = `require('net').connect(${port}, '127.0.0.1').on('data', (d) => { process.stdout.write(d); process.exit(0); }).on('error', (e) => { console.log('ERR ' + e.code); process.exit(1); })`;
      const closed = await run({ command: process.execPath, args: ['-e', js], env: {} });
      expect(closed.stdout).toMatch(/ERR E(CONNREFUSED|NETUNREACH)/);
      expect(closed.stdout).not.toContain('HELLO-FROM-HOST');
      const open = await run({ command: process.execPath, args: ['-e', js], env: {}, network: true });
      expect(open.stdout).toContain('HELLO-FROM-HOST');
    } finally {
      server.close();
    }
  });

  it('counts processes per sandbox, not per uid: the server’s own processes do not use up the budget, a fork bomb stops', async () => {
    // 40 processes of the server's uid on the host, more than the sandbox's allowance of 32.
    const sleepers: ChildProcess[] = [];
    for (let i = 0; i < 40; i++) sleepers.push(spawn('/usr/bin/setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', '--', '/bin/sleep', '30'], { stdio: 'ignore' }));
    try {
      for (let i = 0; i < 200 && processesOfUid(UID).length <= 40; i++) await new Promise((r) => setTimeout(r, 50));
      expect(processesOfUid(UID).length).toBeGreaterThan(40);
      const count = await sh('i=0; while [ $i -lt 60 ]; do sleep 10 & i=$((i+1)); echo $i; done', { limits: { processes: 32, wallMs: 5000 } });
      const started = Math.max(0, ...count.stdout.trim().split('\n').map(Number));
      expect(started).toBeGreaterThanOrEqual(25);
      expect(started).toBeLessThan(32);
      expect(count.stderr).toMatch(/Cannot fork/);
      await expectGone(count);
      const bomb = await sh(':(){ :|:& };:', { limits: { processes: 32, wallMs: 2000 } });
      expect(['timeout', 'exit']).toContain(bomb.status);
      expect(bomb.durationMs).toBeLessThan(10_000);
      await expectGone(bomb);
      expect(execFileSync('/bin/echo', ['host ok']).toString()).toBe('host ok\n');
    } finally {
      for (const s of sleepers) s.kill('SIGKILL');
    }
  });

  it('caps output, CPU, wall time and memory, each with a clear error', async () => {
    const out = await sh('head -c 20000000 /dev/zero', { limits: { outputBytes: 1_000_000 } });
    expect(out.status).toBe('output_limit');
    expect(out.error?.message).toMatch(/more than 1000000 bytes of output/);
    expect(out.stdout.length).toBeLessThanOrEqual(1_000_000);
    const cpu = await sh('while :; do :; done', { limits: { cpuSeconds: 1, wallMs: 20_000 } });
    expect(cpu.status).toBe('cpu');
    expect(cpu.durationMs).toBeLessThan(10_000);
    const wall = await sh('sleep 30', { limits: { wallMs: 500 } });
    expect(wall.status).toBe('timeout');
    expect(wall.durationMs).toBeLessThan(5000);
    await expectGone(wall);
    const js = 'const a = []; for (;;) a.push(Buffer.alloc(1 << 24, 1));';
    const mem = await run({ command: process.execPath, args: ['--disable-wasm-trap-handler', '-e', js], env: {}, limits: { memoryBytes: 1536 * 1024 ** 2, wallMs: 30_000 } });
    expect(mem.status).toBe('memory');
    expect(mem.error?.message).toMatch(/out of memory/);
  });

  it('cancel kills the whole sandbox: every process of its namespace is gone', async () => {
    const started = Date.now();
    const r = await sh('sleep 60 & sleep 60 & wait', {}, 300);
    expect(r.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
    await expectGone(r);
  });
});

interface Sql {
  rows: unknown[][];
  error: string | null;
  stopped: string | null;
  pid: number;
  initPid: number;
}
const sql = async (pool: Record<string, unknown>, text: string, more: Record<string, unknown> = {}): Promise<Sql> => {
  const r = await driver.call<Sql & { fail?: unknown }>({ op: 'sql', pool, sql: text, ...more });
  if (r.fail) throw new Error(`sql failed: ${JSON.stringify(r.fail)}`);
  return r;
};
const SENTINELS = /MASTER-KEY-SENTINEL|KEY-NEXT-TO-DB-SENTINEL|PAYROLL-SENTINEL|root:x:0/;

describe('rootless sandbox: SQL workers', () => {
  it('SQLite: a connection directory of the server’s own (0700, no o+x) works; other files stay out', async () => {
    const rw = { engine: 'sqlite', file: path.join(connA, 'warehouse.db'), readOnly: false };
    expect((await sql(rw, 'INSERT INTO sales VALUES (3)')).error).toBeNull();
    expect((await sql(rw, 'SELECT count(*) FROM sales')).rows).toEqual([[3]]);
    for (const text of [`ATTACH '${path.join(connB, 'finance.db')}' AS f`, `ATTACH '${path.join(dataDir, 'master.key')}' AS k`, "ATTACH '/db/../conn-b/finance.db' AS f"]) {
      expect((await sql(rw, text)).error, text).toMatch(/unable to open database/);
    }
    const v = await sql(rw, `VACUUM INTO '${path.join(connA, 'copy.db')}'`);
    expect(v.error).not.toBeNull();
    expect(fs.existsSync(path.join(connA, 'copy.db'))).toBe(false);
    // Files the engine wrote (the journal) belong to the server: nothing to chown back.
    for (const f of fs.readdirSync(connA)) expect(fs.statSync(path.join(connA, f)).uid, f).toBe(UID);
    const ro = { engine: 'sqlite', file: path.join(connA, 'warehouse.db'), readOnly: true };
    expect((await sql(ro, 'INSERT INTO sales VALUES (4)', { readOnly: true })).error).toMatch(/readonly/i);
  });

  it('DuckDB reads no file and writes no file', async () => {
    const mem = { engine: 'duckdb', file: ':memory:', readOnly: false, readOnlyDirs: [] };
    for (const text of [
      "SELECT * FROM read_text('/etc/passwd')",
      `SELECT * FROM read_text('${path.join(dataDir, 'master.key')}')`,
      `SELECT * FROM read_text('${path.join(connA, 'notes.key')}')`,
      `SELECT * FROM read_text('${path.join(work, 'link-to-key')}')`,
      `SELECT * FROM read_blob('${path.join(connB, 'finance.db')}')`,
      `COPY (SELECT 42 AS a) TO '${path.join(work, 'copied.csv')}' (FORMAT csv)`,
      'INSTALL httpfs',
      'SET enable_external_access = true',
    ]) {
      const r = await sql(mem, text);
      expect(r.error, text).not.toBeNull();
      expect(JSON.stringify(r.rows)).not.toMatch(SENTINELS);
    }
    expect(fs.existsSync(path.join(work, 'copied.csv'))).toBe(false);
  });

  it('a runaway query is killed at its time limit: every process of the worker is gone', async () => {
    const mem = { engine: 'duckdb', file: ':memory:', readOnly: false, readOnlyDirs: [], startTimeoutMs: 30_000 };
    const r = await sql(mem, 'SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE a.range * b.range = 7', { timeoutMs: 500 });
    expect(r.stopped).toBe('timeout');
    await driver.call({ op: 'closePools' });
    await expectGone(r);
  });

  it('a new DuckDB file is written in the sandbox into the server’s own directory', async () => {
    const dir = mkdir(path.join(dataDir, 'files', 'conn-c'));
    const file = path.join(dir, 'new.duckdb');
    expect(await driver.call({ op: 'createDuckdb', file })).not.toHaveProperty('fail');
    expect(fs.statSync(file).uid).toBe(UID);
    expect(fs.readFileSync(file).subarray(8, 12).toString()).toBe('DUCK');
  });
});

describe('rootless mode refused', () => {
  it('names what the kernel refuses and how to allow it', async () => {
    // A bwrap that fails the way bwrap does when the kernel forbids unprivileged user namespaces.
    const fake = path.join(root, 'bwrap-denied');
    fs.writeFileSync(fake, "#!/bin/sh\necho \"bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces. On e.g. debian this can be enabled with 'sysctl kernel.unprivileged_userns_clone=1'.\" >&2\nexit 1\n", { mode: 0o755 });
    const d = startRootlessDriver(UID, { ...env, ATRIUM_BWRAP_PATH: fake });
    const forced = startRootlessDriver(UID, { ...env, ATRIUM_SANDBOX_MODE: 'root' });
    try {
      const r = await d.call<{ fail?: { code: string; message: string } }>({ op: 'mode' });
      expect(r.fail?.code).toBe('sandbox_unavailable');
      expect(r.fail?.message).toMatch(/does not run as root, and bwrap could not create an unprivileged user namespace \(bwrap: No permissions/);
      expect(r.fail?.message).toMatch(/Allow unprivileged user namespaces.*or run the server as root\.$/s);
      const f = await forced.call<{ fail?: { code: string; message: string } }>({ op: 'mode' });
      expect(f.fail?.code).toBe('sandbox_unavailable');
      expect(f.fail?.message).toMatch(/ATRIUM_SANDBOX_MODE=root needs the server to run as root/);
    } finally {
      await d.close();
      await forced.close();
    }
  });
});
