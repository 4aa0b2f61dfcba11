/**
 * runSandboxed: one command, run to completion in a fresh sandbox, output streamed as it comes.
 * For install commands of git packages and anything else that runs once. The environment is the
 * caller's `env` and nothing else; the only files are the caller's `binds`.
 */
import { SandboxError, type SandboxStopReason } from './sandbox-errors.js';
import type { SandboxMode } from './sandbox-mode.js';
import { type SpawnOptions, spawnSandboxed } from './sandbox-process.js';

export interface RunOptions extends SpawnOptions {
  /** Aborting kills the whole process group; the result says `cancelled`. */
  signal?: AbortSignal;
  /** Called with each chunk as it arrives (after the cap: nothing past `outputBytes`). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Written to stdin, then stdin is closed (default: closed at once). */
  stdin?: string | Buffer;
}

export interface RunResult {
  /** `ok` for exit code 0; otherwise why it stopped. */
  status: 'ok' | SandboxStopReason;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What was printed, up to the output cap (both streams count against one cap). */
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The host pid of the outer bwrap, and the host uid its processes ran as (nothing of it runs when this resolves). */
  pid: number;
  uid: number;
  /** How it was confined (null: cancelled before it started). */
  mode: SandboxMode | null;
  /** Host pid of its PID namespace's init (-1 if never reported); gone when this resolves. */
  initPid: number;
  /** null for `ok`; else the stop as an error with a message a person can act on. */
  error: SandboxError | null;
}

const MESSAGES: Record<SandboxStopReason, (r: RunResult, limits: { wallMs: number; cpuSeconds: number; memoryBytes: number; outputBytes: number }) => string> = {
  cancelled: () => 'The command was cancelled and stopped.',
  timeout: (_r, l) => `The command ran longer than its time limit of ${l.wallMs} ms and was stopped.`,
  cpu: (_r, l) => `The command used more than its ${l.cpuSeconds} s of CPU time and was stopped.`,
  memory: (_r, l) => `The command ran out of memory (limit ${Math.round(l.memoryBytes / 1024 ** 2)} MiB of address space) and was stopped.`,
  output_limit: (_r, l) => `The command printed more than ${l.outputBytes} bytes of output and was stopped.`,
  exit: (r) => (r.signal ? `The command was killed by ${r.signal}.` : `The command failed with exit code ${r.exitCode}.`),
};

/** Resolves with how it ended (it never rejects for the command's own failure). */
export async function runSandboxed(o: RunOptions): Promise<RunResult> {
  const started = performance.now();
  if (o.signal?.aborted) {
    return { status: 'cancelled', exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0, pid: -1, uid: -1, mode: null, initPid: -1, error: new SandboxError('cancelled', 'The command was cancelled and stopped.') };
  }
  const p = spawnSandboxed(o);
  const cap = p.limits.outputBytes;
  let seen = 0;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const onData = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
    if (p.killedFor) return;
    const room = cap - seen;
    const chunk = d.length > room ? d.subarray(0, Math.max(0, room)) : d;
    seen += d.length;
    if (chunk.length > 0) {
      (stream === 'stdout' ? out : err).push(chunk);
      o.onOutput?.(stream, chunk);
    }
    if (seen > cap) p.kill('output_limit');
  };
  p.child.stdout.on('data', onData('stdout'));
  p.child.stderr.on('data', onData('stderr'));
  p.child.stdin.on('error', () => {});
  p.child.stdin.end(o.stdin ?? undefined);
  const timer = setTimeout(() => p.kill('timeout'), p.limits.wallMs);
  const onAbort = () => p.kill('cancelled');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await p.exited;
    const r: RunResult = {
      status: exit.reason ?? 'ok',
      exitCode: exit.code,
      signal: exit.signal,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      durationMs: Math.round(performance.now() - started),
      pid: p.pid,
      uid: p.uid,
      mode: p.mode,
      initPid: p.initPid,
      error: null,
    };
    if (r.status !== 'ok') r.error = new SandboxError(r.status, MESSAGES[r.status](r, p.limits), r.exitCode, r.signal);
    return r;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}
