/** Shared by the sandbox tests (not a test file itself): is a process gone, who runs as a uid, a non-root driver. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';

/** Host pids of every process whose real uid is `uid`. */
export function processesOfUid(uid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && Number(m[1]) === uid && !/^State:\s+Z/m.test(status)) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** True once `pid` no longer exists (waits up to `ms` for the kernel to reap it). */
export async function isGone(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    let alive = true;
    try {
      process.kill(pid, 0);
      // A zombie still answers kill(0): count it as gone when its state says so.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) Z /.test(stat)) alive = false;
    } catch {
      alive = false;
    }
    if (!alive) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Host pids of the processes of `uid` that live in a PID namespace below the host's (i.e. in a sandbox). */
export function namespacedProcessesOfUid(uid: number): number[] {
  return processesOfUid(uid).filter((pid) => {
    try {
      const ns = /^NSpid:\s+(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return (ns?.[1]?.trim().split(/\s+/).length ?? 1) > 1;
    } catch {
      return false;
    }
  });
}

export interface RootlessDriver {
  readonly pid: number;
  /** Sends one request to sandbox-rootless-driver.ts and resolves with its answer. */
  call<T = Record<string, unknown>>(req: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts sandbox-rootless-driver.ts as `uid` (not root, no capabilities, no supplementary groups),
 * with exactly `env` plus PATH: the sandbox code then runs as a server that is not root would.
 */
export function startRootlessDriver(uid: number, env: Record<string, string>): RootlessDriver {
  const driver = new URL('./sandbox-rootless-driver.ts', import.meta.url).pathname;
  const child = spawn(
    '/usr/bin/setpriv',
    [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--', process.execPath, '--import', 'tsx', driver],
    { env: { PATH: '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const waiting = new Map<number, (v: Record<string, unknown>) => void>();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const [, w] of waiting) w({ fail: { code: 'driver_exit', message: `the driver exited: ${stderr}` } });
    waiting.clear();
  });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const m = JSON.parse(line) as { id: number };
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  let next = 1;
  return {
    pid: child.pid ?? -1,
    call<T>(req: Record<string, unknown>) {
      const id = next++;
      return new Promise<T>((resolve) => {
        waiting.set(id, resolve as (v: Record<string, unknown>) => void);
        child.stdin.write(JSON.stringify({ ...req, id }) + '\n');
      });
    },
    async close() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
