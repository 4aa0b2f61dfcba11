/**
 * runSandboxed as a hostile command would try it: every escape fails, every limit kills, and the
 * host is fine afterwards. Needs bubblewrap (scripts/services/bubblewrap.sh install) and root.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAvailable } from './sandbox-bwrap.js';
import { runSandboxed } from './sandbox-run.js';
import { isGone, processesOfUid } from './sandbox-test-support.js';

let root: string;
let dataDir: string;
let work: string;

beforeAll(() => {
  if (!sandboxAvailable()) throw new Error('bubblewrap is required for these tests: run scripts/services/bubblewrap.sh install (as root)');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sbx-run-'));
  fs.chmodSync(root, 0o755);
  dataDir = path.join(root, 'data');
  work = path.join(root, 'work');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  fs.mkdirSync(work);
  fs.chmodSync(work, 0o777); // the command runs as an unprivileged uid of its own
  fs.writeFileSync(path.join(dataDir, 'master.key'), 'MASTER-KEY-SENTINEL', { mode: 0o600 });
  fs.symlinkSync(path.join(dataDir, 'master.key'), path.join(work, 'link-to-key'));
  process.env.ATRIUM_SANDBOX_TEST_SECRET = 'ENV-SECRET-SENTINEL';
});

afterAll(() => {
  delete process.env.ATRIUM_SANDBOX_TEST_SECRET;
  fs.rmSync(root, { recursive: true, force: true });
});

const sh = (script: string, more: Partial<Parameters<typeof runSandboxed>[0]> = {}) =>
  runSandboxed({ command: '/bin/sh', args: ['-c', script], env: { PATH: '/usr/bin:/bin' }, ...more });

describe('runSandboxed', () => {
  it('runs a command with exactly the env and binds it is given, streaming its output', async () => {
    const chunks: string[] = [];
    const r = await sh('echo hello; echo "v=$ONLY"; env | sort | tr "\\n" " "; echo x > /w/out.txt', {
      env: { PATH: '/usr/bin:/bin', ONLY: 'this' },
      binds: [{ path: work, dest: '/w', mode: 'rw' }],
      onOutput: (_s, c) => chunks.push(c.toString()),
    });
    expect(r.status).toBe('ok');
    expect(r.stdout).toContain('hello\nv=this\n');
    expect(r.stdout).not.toContain('ATRIUM_SANDBOX_TEST_SECRET');
    expect(chunks.join('')).toBe(r.stdout);
    expect(fs.readFileSync(path.join(work, 'out.txt'), 'utf8')).toBe('x\n');
  });

  it('sees nothing of the server: not its data directory, its environment, its processes or its files', async () => {
    const r = await sh(
      [
        `cat ${path.join(dataDir, 'master.key')}`,
        'cat /w/link-to-key',
        'cat /proc/1/environ; echo',
        `cat /proc/${process.pid}/environ; echo`,
        'echo "PIDS: $(ls /proc | grep -E "^[0-9]+$" | tr "\\n" " ")"',
        `ls ${process.cwd()}`,
        'cat /etc/passwd',
        'echo done',
      ].join('; '),
      { binds: [{ path: work, dest: '/w', mode: 'ro' }] },
    );
    expect(r.status).toBe('ok');
    const all = r.stdout + r.stderr;
    expect(all).not.toContain('MASTER-KEY-SENTINEL');
    expect(all).not.toContain('ENV-SECRET-SENTINEL');
    // Only the sandbox's own PID namespace: a handful of small pids, not the server's.
    const pids = /PIDS: ([\d ]+)/.exec(r.stdout)?.[1]?.trim().split(' ').map(Number) ?? [];
    expect(pids.length).toBeGreaterThan(0);
    expect(Math.max(...pids)).toBeLessThan(50);
    expect(pids).not.toContain(process.pid);
    expect(r.stdout).toContain('done');
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
      const closed = await runSandboxed({ command: process.execPath, args: ['-e', js], env: {} });
      expect(closed.stdout).toMatch(/ERR E(CONNREFUSED|NETUNREACH)/);
      expect(closed.stdout).not.toContain('HELLO-FROM-HOST');
      const open = await runSandboxed({ command: process.execPath, args: ['-e', js], env: {}, network: true });
      expect(open.stdout).toContain('HELLO-FROM-HOST');
    } finally {
      server.close();
    }
  });

  it('kills a fork bomb, and the host is fine', async () => {
    const r = await sh(':(){ :|:& };:', { limits: { processes: 32, wallMs: 2000 } });
    expect(['timeout', 'exit']).toContain(r.status);
    expect(r.durationMs).toBeLessThan(10_000);
    expect(await isGone(r.pid)).toBe(true);
    expect(processesOfUid(r.uid)).toEqual([]);
    expect(execFileSync('/bin/echo', ['host ok']).toString()).toBe('host ok\n');
  });

  it('caps output with a clear error', async () => {
    const seen: number[] = [];
    const r = await sh('head -c 20000000 /dev/zero', { limits: { outputBytes: 1_000_000 }, onOutput: (_s, c) => seen.push(c.length) });
    expect(r.status).toBe('output_limit');
    expect(r.error?.message).toMatch(/more than 1000000 bytes of output/);
    expect(r.stdout.length).toBeLessThanOrEqual(1_000_000);
    expect(seen.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1_000_000);
  });

  it('stops at the CPU limit and at the wall-clock limit', async () => {
    const cpu = await sh('while :; do :; done', { limits: { cpuSeconds: 1, wallMs: 20_000 } });
    expect(cpu.status).toBe('cpu');
    expect(cpu.durationMs).toBeLessThan(10_000);
    const wall = await sh('sleep 30', { limits: { wallMs: 500 } });
    expect(wall.status).toBe('timeout');
    expect(wall.durationMs).toBeLessThan(5000);
    expect(wall.error?.message).toMatch(/time limit of 500 ms/);
  });

  it('stops at the memory limit', async () => {
    const js = 'const a = []; for (;;) a.push(Buffer.alloc(1 << 24, 1));';
    const r = await runSandboxed({ command: process.execPath, args: ['--disable-wasm-trap-handler', '-e', js], env: {}, limits: { memoryBytes: 1536 * 1024 ** 2, wallMs: 30_000 } });
    expect(r.status).toBe('memory');
    expect(r.error?.message).toMatch(/out of memory/);
  });

  it('cancel kills the whole process group: the process is gone', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 300);
    const r = await sh('sleep 60 & sleep 60 & wait', { signal: ac.signal });
    expect(r.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await isGone(r.pid)).toBe(true);
    expect(processesOfUid(r.uid)).toEqual([]);
  });
});
