/**
 * Running the system git: an explicit minimal environment (no inherited variables, an empty
 * read-only HOME, no system or global config, no prompts, no hooks, only HTTPS — plus HTTP for
 * loopback tests when allowed), its own process group so that a stop kills git and everything it
 * started (git-remote-https, index-pack), and a budget (`GitBudget`) shared by every git run of one
 * operation: a deadline, the caller's AbortSignal, and a byte limit a watcher can trip.
 *
 * Secrets never go in argv (readable by every user in /proc/<pid>/cmdline): the auth header
 * travels as `GIT_CONFIG_KEY_n/VALUE_n` environment entries, readable only by the same user.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { GitConnectorError, type GitErrorCode } from './git-errors.js';

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface GitEnvOptions {
  gitBinary: string;
  home: string;
  allowHttp: boolean;
  /** PATH for git (it finds its helpers through its exec path, not PATH). */
  path: string;
  spawn: SpawnFn;
}

/** Why an operation stopped early: the code and the message the caller gets. */
export interface StopReason {
  code: Extract<GitErrorCode, 'timeout' | 'too_large' | 'cancelled'>;
  message: string;
}

/**
 * The limits of one operation, shared by its git runs. `stop()` aborts every run at once; the
 * first reason wins.
 */
export class GitBudget {
  readonly controller = new AbortController();
  reason: StopReason | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly onCallerAbort = (): void => this.stop({ code: 'cancelled', message: 'The git operation was cancelled.' });

  constructor(opts: { signal?: AbortSignal; timeoutMs: number }) {
    this.timer = setTimeout(
      () => this.stop({ code: 'timeout', message: `The git operation took longer than its limit of ${formatMs(opts.timeoutMs)} and was stopped.` }),
      opts.timeoutMs,
    );
    this.timer.unref();
    this.callerSignal = opts.signal;
    if (opts.signal?.aborted) this.onCallerAbort();
    else opts.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort();
  }

  /** Throws the stop reason when the budget is spent. */
  check(): void {
    if (this.reason) throw new GitConnectorError(this.reason.code, this.reason.message);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

export interface RunOptions {
  /** Config that may hold a secret: passed as GIT_CONFIG_COUNT/KEY/VALUE, never in argv. */
  secretConfig?: [string, string][];
  /** Non-secret `-c` settings for this run (e.g. http.curloptResolve). */
  config?: [string, string][];
  cwd: string;
  budget: GitBudget;
  input?: string | Buffer;
  /** Each stderr line (split on \r and \n), e.g. progress. */
  onStderrLine?: (line: string) => void;
  /** Extra non-secret environment (GIT_INDEX_FILE, dates). */
  env?: Record<string, string>;
  /** Stops this run alone (its process group is killed; it resolves with a non-zero code). */
  signal?: AbortSignal;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** The `-c` options every run gets: the wall around what a repository or a server may make git do. */
export function baseConfig(allowHttp: boolean): [string, string][] {
  const c: [string, string][] = [
    ['protocol.allow', 'never'],
    ['protocol.https.allow', 'always'],
    ['core.hooksPath', '/dev/null'],
    ['credential.helper', ''],
    ['http.followRedirects', 'false'],
    ['submodule.recurse', 'false'],
    ['fetch.recurseSubmodules', 'false'],
    ['core.fsmonitor', 'false'],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ['fetch.writeCommitGraph', 'false'],
    // Keep what arrives as one pack (never thousands of loose objects): faster, and the size
    // watcher only has to look at objects/pack.
    ['fetch.unpackLimit', '1'],
    ['transfer.unpackLimit', '1'],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'main'],
  ];
  if (allowHttp) c.push(['protocol.http.allow', 'always']);
  return c;
}

export function gitEnv(env: GitEnvOptions, secretConfig: [string, string][] = [], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    PATH: env.path,
    HOME: env.home,
    XDG_CONFIG_HOME: env.home,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_ATTR_NOSYSTEM: '1',
    ...extra,
  };
  if (secretConfig.length) {
    e.GIT_CONFIG_COUNT = String(secretConfig.length);
    secretConfig.forEach(([k, v], i) => {
      e[`GIT_CONFIG_KEY_${i}`] = k;
      e[`GIT_CONFIG_VALUE_${i}`] = v;
    });
  }
  return e;
}

/**
 * Runs `git <base -c…> <args>`; resolves with the exit code (it does not throw on a non-zero
 * exit: the caller classifies). Rejects with the budget's reason when it is stopped, after
 * killing git's whole process group.
 */
export function runGit(env: GitEnvOptions, args: string[], opts: RunOptions): Promise<RunResult> {
  opts.budget.check();
  const argv: string[] = [];
  for (const [k, v] of [...baseConfig(env.allowHttp), ...(opts.config ?? [])]) argv.push('-c', `${k}=${v}`);
  argv.push(...args);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = env.spawn(env.gitBinary, argv, {
        cwd: opts.cwd,
        env: gitEnv(env, opts.secretConfig, opts.env),
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        // Its own process group: a stop kills git's helpers too (git-remote-https, index-pack).
        detached: true,
      });
    } catch (e) {
      reject(new GitConnectorError('git_failed', `git could not be started: ${(e as Error).message}`));
      return;
    }
    const out: Buffer[] = [];
    let stderr = '';
    let partial = '';
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const onAbort = (): void => killGroup();
    opts.budget.signal.addEventListener('abort', onAbort, { once: true });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      // Bounded: progress lines can be many; the tail is what explains a failure.
      stderr = (stderr + s).slice(-16_000);
      if (opts.onStderrLine) {
        const lines = (partial + s).split(/[\r\n]/);
        partial = lines.pop() ?? '';
        for (const l of lines) if (l) opts.onStderrLine(l);
      }
    });
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
    child.on('error', (e) => {
      opts.budget.signal.removeEventListener('abort', onAbort);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new GitConnectorError('git_failed', `git could not be started (${(e as NodeJS.ErrnoException).code ?? 'error'}): is git installed?`));
    });
    child.on('close', (code) => {
      opts.budget.signal.removeEventListener('abort', onAbort);
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.budget.reason) {
        killGroup(); // helpers that outlived git itself
        reject(new GitConnectorError(opts.budget.reason.code, opts.budget.reason.message));
        return;
      }
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** "Receiving objects:  45% (450/1000), 1.20 MiB | 2.40 MiB/s" → bytes, objects. */
export function parseProgress(line: string): { phase: string; percent?: number; done?: number; total?: number; bytes?: number } | null {
  const m = /^(?:remote: )?([A-Za-z ]+):\s+(\d+)% \((\d+)\/(\d+)\)(?:,\s*([\d.]+) (bytes|KiB|MiB|GiB))?/.exec(line);
  if (!m) return null;
  const units: Record<string, number> = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
  return {
    phase: m[1]!.trim(),
    percent: Number(m[2]),
    done: Number(m[3]),
    total: Number(m[4]),
    ...(m[5] ? { bytes: Math.round(Number(m[5]) * units[m[6]!]!) } : {}),
  };
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

export const defaultSpawn: SpawnFn = (command, args, options) => nodeSpawn(command, args, options);
