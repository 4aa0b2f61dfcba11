/**
 * One sandboxed process: spawn bwrap with an explicit environment in a process group of its own,
 * kill that whole group on request, and say why it ended. Both entry points (runSandboxed, the SQL
 * worker pool) are built on this.
 *
 * Killing: bwrap runs in its own process group (detached); SIGKILL to the group kills the outer
 * bwrap at once, and `--die-with-parent` plus the PID namespace take every process inside with it
 * (when a PID namespace's init dies the kernel kills all of its members).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import { BWRAP, type BwrapSpec, DEFAULT_LIMITS, type SandboxBind, type SandboxLimits, allocateUid, assertSandboxAvailable, bwrapArgs, releaseUid } from './sandbox-bwrap.js';
import type { SandboxStopReason } from './sandbox-errors.js';

export interface SpawnOptions {
  command: string;
  args?: string[];
  binds?: SandboxBind[];
  /** The whole environment inside. Nothing is inherited from the server. */
  env?: Record<string, string>;
  cwd?: string;
  network?: boolean;
  limits?: SandboxLimits;
  fileAccess?: BwrapSpec['fileAccess'];
}

export interface Exit {
  /** null when it exited 0 on its own. */
  reason: SandboxStopReason | null;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SandboxProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** The host pid of the outer bwrap (the process group leader). */
  readonly pid: number;
  /** The unprivileged uid every process inside runs as. */
  readonly uid: number;
  readonly limits: Required<SandboxLimits>;
  readonly exited: Promise<Exit>;
  /** Kills the whole group, recording why (the first reason wins). Idempotent. */
  kill(reason: SandboxStopReason): void;
  readonly killedFor: SandboxStopReason | null;
  /** The last few KiB of stderr, kept to tell an out-of-memory death from another one. */
  stderrTail(): string;
}

const TAIL = 8192;
const OOM = /out of memory|bad_alloc|Cannot allocate memory|allocation failed|ENOMEM|Reached heap limit|SQLITE_NOMEM/i;

export function spawnSandboxed(o: SpawnOptions): SandboxProcess {
  assertSandboxAvailable();
  const limits = { ...DEFAULT_LIMITS, ...stripUndefined(o.limits ?? {}) };
  const uid = allocateUid();
  let argv: string[];
  try {
    argv = bwrapArgs({
      command: o.command,
      args: o.args ?? [],
      binds: o.binds ?? [],
      cwd: o.cwd,
      network: o.network ?? false,
      limits,
      uid,
      fileAccess: o.fileAccess ?? 'owner',
    });
  } catch (e) {
    releaseUid(uid);
    throw e;
  }
  const child = spawn(BWRAP, argv, { env: { ...(o.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let killedFor: SandboxStopReason | null = null;
  let tail = '';
  child.stderr.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-TAIL);
  });
  const exited = new Promise<Exit>((resolve) => {
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      // The kernel tears the PID namespace down after bwrap is gone; report the end (and free
      // the uid) only once nothing runs as this sandbox's uid any more.
      void untilNoProcessOf(uid).then(() => {
        releaseUid(uid);
        resolve({ reason: classify(killedFor, code, signal, tail), code, signal });
      });
    };
    child.once('error', () => finish(127, null));
    child.once('exit', (code, signal) => finish(code, signal));
  });
  const proc: SandboxProcess = {
    child,
    pid: child.pid ?? -1,
    uid,
    limits,
    exited,
    get killedFor() {
      return killedFor;
    },
    kill(reason) {
      killedFor ??= reason;
      killGroup(child);
    },
    stderrTail: () => tail,
  };
  return proc;
}

/** Waits (up to 5 s) until no process runs as `uid`. */
async function untilNoProcessOf(uid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && (await anyProcessOf(uid))) await new Promise((r) => setTimeout(r, 10));
}

async function anyProcessOf(uid: number): Promise<boolean> {
  const names = await fs.promises.readdir('/proc').catch(() => [] as string[]);
  for (const name of names) {
    if (name.charCodeAt(0) > 57) continue; // not a pid
    const status = await fs.promises.readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
    const m = /^Uid:\s+(\d+)/m.exec(status);
    if (m && Number(m[1]) === uid && !/^State:\s+Z/m.test(status)) return true;
  }
  return false;
}

function killGroup(child: ChildProcessWithoutNullStreams): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function classify(killedFor: SandboxStopReason | null, code: number | null, signal: NodeJS.Signals | null, tail: string): SandboxStopReason | null {
  if (killedFor) return killedFor;
  if (code === 0) return null;
  // prlimit execs the command: a SIGXCPU death shows as bwrap exiting 128+24.
  if (signal === 'SIGXCPU' || code === 128 + 24 || /CPU time limit exceeded/i.test(tail)) return 'cpu';
  if (OOM.test(tail)) return 'memory';
  return 'exit';
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
