/**
 * One sandboxed process: spawn bwrap with an explicit environment in a process group of its own,
 * kill that whole group on request, and say why it ended. Both entry points (runSandboxed, the SQL
 * worker pool) are built on this.
 *
 * Killing: bwrap runs in its own process group (detached); SIGKILL to the group kills the outer
 * bwrap at once, and `--die-with-parent` plus the PID namespace take every process inside with it
 * (when a PID namespace's init dies the kernel kills all of its members). bwrap reports the host
 * pid of that init (`--info-fd`); if it outlives the outer bwrap (it arms its own death signal a
 * few syscalls after it leaves the process group), it is killed directly.
 *
 * "Gone": in root mode, nothing runs as the sandbox's own uid any more. In rootless mode every
 * sandbox (and the server) shares one uid, so the test is the PID namespace's init: the kernel
 * lets it finish exiting only once every other member of its namespace has been reaped.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { BWRAP, type BwrapSpec, DEFAULT_LIMITS, type SandboxBind, type SandboxLimits, allocateUid, bwrapArgs, releaseUid, sandboxMode } from './sandbox-bwrap.js';
import type { SandboxStopReason } from './sandbox-errors.js';
import { type SandboxMode, nprocPerNamespace, rootlessNproc, tasksOfUid } from './sandbox-mode.js';

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
  /** The host uid every process inside runs as: the sandbox's own (root mode), the server's (rootless). */
  readonly uid: number;
  readonly mode: SandboxMode;
  /** Host pid of the PID namespace's init once bwrap has reported it, else -1. */
  readonly initPid: number;
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
  const mode = sandboxMode();
  const limits = { ...DEFAULT_LIMITS, ...stripUndefined(o.limits ?? {}) };
  const rootless = mode === 'rootless';
  const uid = rootless ? process.getuid!() : allocateUid();
  const release = () => {
    if (!rootless) releaseUid(uid);
  };
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
      gid: rootless ? process.getgid!() : uid,
      fileAccess: o.fileAccess ?? 'owner',
      mode,
      nproc: rootless ? rootlessNproc(limits.processes, nprocPerNamespace(), () => tasksOfUid(uid)) : undefined,
    });
  } catch (e) {
    release();
    throw e;
  }
  // fd 3: bwrap writes the host pid of the namespace's init there (JSON), then closes it.
  const spawned = spawn(BWRAP, ['--info-fd', '3', ...argv], { env: { ...(o.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true });
  const child = spawned as unknown as ChildProcessWithoutNullStreams;
  const init = readInit(spawned.stdio[3] as Readable);
  let initPid = -1;
  void init.then((i) => {
    if (i) initPid = i.pid;
  });
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
      void (async () => {
        const i = await init;
        // The outer bwrap is gone: an init still alive lost its parent before arming its death signal.
        if (i && sameProcess(i)) {
          try {
            process.kill(i.pid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
        // The kernel tears the PID namespace down after bwrap is gone; report the end (and free
        // the uid) only once nothing of the sandbox runs any more.
        if (rootless) await untilGone(i);
        else await untilNoProcessOf(uid);
        release();
        resolve({ reason: classify(killedFor, code, signal, tail), code, signal });
      })();
    };
    child.once('error', () => finish(127, null));
    child.once('exit', (code, signal) => finish(code, signal));
  });
  const proc: SandboxProcess = {
    child,
    pid: child.pid ?? -1,
    uid,
    mode,
    get initPid() {
      return initPid;
    },
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

interface Init {
  pid: number;
  /** Start time (clock ticks since boot, /proc/<pid>/stat field 22): tells a reused pid apart. */
  start: string | null;
}

/** bwrap's `--info-fd` report, read to its end (at most 2 s: its copies are closed early). */
function readInit(stream: Readable): Promise<Init | null> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      const m = /"child-pid":\s*(\d+)/.exec(text);
      if (!m) return resolve(null);
      const pid = Number(m[1]);
      resolve({ pid, start: startTime(pid) });
    };
    const timer = setTimeout(() => {
      stream.destroy();
      done();
    }, 2000);
    timer.unref();
    stream.on('data', (d: Buffer) => {
      text += d.toString('utf8');
    });
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return null;
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

/** Is the init still running (not a zombie, and not another process that reused its pid)? */
function sameProcess(i: Init): boolean {
  return i.start !== null && startTime(i.pid) === i.start;
}

/** Waits (up to 5 s) until the namespace's init has exited: every member of the namespace is gone. */
async function untilGone(i: Init | null): Promise<void> {
  if (!i) return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && sameProcess(i)) await new Promise((r) => setTimeout(r, 10));
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
