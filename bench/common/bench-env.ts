/**
 * Shared helpers of the hand-run benchmarks (bench/query, bench/secrets): a throwaway PostgreSQL
 * (scripts/services/postgres.sh), Atrium as a real child process, its RSS from /proc, a tiny
 * keep-alive HTTP client, percentiles and a description of the machine.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { freePort } from '../../test/helpers/test-process.js';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const DEMO_PASSWORD = 'bench-demo-password';
export const MASTER_KEY = Buffer.alloc(32, 11).toString('base64');

export const log = (...a: unknown[]): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${a.map(String).join(' ')}\n`);
};

export { freePort };

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface Postgres {
  url: string;
  port: number;
  stop(): void;
}

/**
 * Starts a throwaway PostgreSQL in a fresh directory directly under the system temp dir (the
 * `postgres` user must be able to reach it: a path below a 0700 directory would not do).
 */
export function startPostgres(): Postgres {
  const servicesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-pg-'));
  const script = path.join(ROOT, 'scripts/services/postgres.sh');
  const env = { ...process.env, ATRIUM_TEST_SERVICES_DIR: servicesDir };
  const url = execFileSync('bash', [script, 'start'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  const port = Number(new URL(url).port);
  let stopped = false;
  return {
    url,
    port,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        execFileSync('bash', [script, 'stop'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      } catch (e) {
        log('postgres stop failed:', e);
      }
      fs.rmSync(servicesDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Atrium as a child process

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `node [nodeArgs] --import tsx <script> [args]` and waits for GET <readyPath> = 200. */
export async function spawnServer(opts: {
  script: string;
  args?: string[];
  env?: Record<string, string>;
  nodeArgs?: string[];
  readyPath?: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.script, ...(opts.args ?? []), '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${opts.script} exited early (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}${opts.readyPath ?? '/readyz'}`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.script} did not become ready:\n${out}`);
    }
    await sleep(100);
  }
  return {
    url,
    port,
    pid: child.pid!,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export function startAtrium(opts: { dataDir: string; env?: Record<string, string>; nodeArgs?: string[] }): Promise<ServerProcess> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  return spawnServer({
    script: 'src/cli/main.ts',
    args: ['serve'],
    nodeArgs: opts.nodeArgs,
    env: { DATA_DIR: opts.dataDir, ATRIUM_DEMO_PASSWORD: DEMO_PASSWORD, ATRIUM_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'warn', ...opts.env },
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Samples a process's RSS every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 50): { stop(): { before: number; peak: number; samples: number } } {
  const before = rssOf(pid);
  let peak = before;
  let samples = 1;
  const t = setInterval(() => {
    const v = rssOf(pid);
    samples++;
    if (v > peak) peak = v;
  }, everyMs);
  return {
    stop() {
      clearInterval(t);
      const v = rssOf(pid);
      if (v > peak) peak = v;
      return { before, peak, samples: samples + 1 };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain request over the keep-alive agent; the body is read whole. */
export function request(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, agent, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** JSON API call that must answer `expect` (default 2xx). */
export async function api<T = any>(base: string, method: string, p: string, headers: Record<string, string>, body?: unknown, expect?: number): Promise<T> {
  const r = await request(`${base}/api/v1${p}`, method, headers, body);
  if (expect !== undefined ? r.status !== expect : r.status < 200 || r.status >= 300) {
    throw new Error(`${method} ${p} → ${r.status}: ${r.body.slice(0, 500)}`);
  }
  return (r.body ? JSON.parse(r.body) : null) as T;
}

/** Signs in as a demo user; returns cookie + CSRF headers. */
export async function login(base: string, email: string, password = DEMO_PASSWORD): Promise<Record<string, string>> {
  const r = await request(`${base}/api/v1/auth/login`, 'POST', {}, { email, password });
  if (r.status !== 200) throw new Error(`login ${email} → ${r.status}: ${r.body}`);
  const setCookie = r.headers['set-cookie'] ?? [];
  const cookie = setCookie.find((c) => c.startsWith('atrium_session='))!.split(';')[0]!;
  const { csrfToken } = JSON.parse(r.body) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken };
}

/** An API token of a demo user (via login), as a Bearer header. */
export async function bearer(base: string, email: string, scopes: ('read' | 'write')[] = ['read', 'write']): Promise<Record<string, string>> {
  const h = await login(base, email);
  const r = await api<{ token: string }>(base, 'POST', '/me/tokens', h, { name: `bench-${Date.now()}`, scopes }, 201);
  return { authorization: `Bearer ${r.token}` };
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function machine(): { nproc: number; cpu: string; memory: string; node: string; kernel: string; date: string } {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`;
  try {
    memory = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1]!.replace(/\s+/g, ' ').trim();
  } catch {
    /* no free(1) */
  }
  return { nproc: os.availableParallelism(), cpu, memory, node: process.version, kernel: os.release(), date: new Date().toISOString() };
}

export function machineMarkdown(): string {
  const m = machine();
  return `Machine: ${m.nproc} vCPU (\`nproc\`), ${m.cpu}; memory \`${m.memory}\` (\`free -h\`, Mem: total used free shared buff/cache available); Node ${m.node}; Linux ${m.kernel}; run ${m.date}.`;
}

/** Runs cleanups in reverse order on exit paths (including Ctrl-C). */
export function cleanupStack(): { push(fn: () => unknown): void; run(): Promise<void> } {
  const fns: (() => unknown)[] = [];
  let ran = false;
  const run = async (): Promise<void> => {
    if (ran) return;
    ran = true;
    for (const fn of fns.reverse()) {
      try {
        await fn();
      } catch (e) {
        log('cleanup failed:', e);
      }
    }
  };
  const onSignal = (): void => {
    void run().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { push: (fn) => fns.push(fn), run };
}
