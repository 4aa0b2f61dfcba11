/**
 * Warm pools of sandboxed embedded-engine workers. One pool per (connection, file, read-only);
 * each worker is a long-lived `node sandbox-sql-worker` under bubblewrap that has opened the
 * database once, so a one-row query costs a round trip over a pipe, not a process start.
 * What a worker's sandbox contains, and how it is started: sandbox-sql-launch.ts.
 */
import type { SandboxLimits } from './sandbox-bwrap.js';
import { SandboxError } from './sandbox-errors.js';
import type { SandboxProcess } from './sandbox-process.js';
import { launchWorker } from './sandbox-sql-launch.js';
import type { Engine, OpenRequest, QueryRequest, Reply, SimpleRequest, WorkerError } from './sandbox-sql-protocol.js';

export interface SqlPoolOptions {
  engine: Engine;
  /** Absolute host path of the database file, or ':memory:' (DuckDB). */
  file: string;
  readOnly: boolean;
  /** Workers at most (queries beyond wait). */
  maxWorkers: number;
  /** A worker idle this long is stopped. Default 60 s. */
  idleMs?: number;
  /** Per worker process. Defaults: 4 GiB address space, 128 tasks, 3600 CPU-seconds of life. */
  limits?: SandboxLimits;
  /** Bytes one request may send back before the worker is killed. Default 512 MiB. */
  maxOutputBytes?: number;
  /** DuckDB's own memory_limit (MiB) and threads. Defaults 1024 and 2. */
  duckdbMemoryLimitMb?: number;
  duckdbThreads?: number;
  /** Extra host directories bound read-only at their own path (DuckDB's allowed_directories). */
  readOnlyDirs?: string[];
  /** A project's files: bound read-only at /project, the worker's working directory. */
  projectDir?: string;
  /** Override where the (JavaScript) worker script is. */
  workerScript?: string;
  /** Time a worker has to start and open the database. Default 30 s. */
  startTimeoutMs?: number;
}

/** A worker's answer to `open` was an error: the database cannot be used as configured. */
export class WorkerOpenError extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
  }
}

/** The worker answered the request with an error (the database talking about the query). */
export class WorkerRequestError extends Error {
  constructor(readonly error: WorkerError) {
    super(error.message);
  }
}

const MAX_LINE_BYTES = 64 * 1024 ** 2;
const MAX_QUEUED_REPLIES = 8;

/** One sandboxed worker process and its line protocol. One request at a time. */
export class SqlWorker {
  readonly proc: SandboxProcess;
  readonly bornAt = Date.now();
  lastUsed = Date.now();
  busy = false;
  dead = false;
  version = '';
  private buf = '';
  private sink: ((r: Reply) => void) | null = null;
  private onDeath: (() => void) | null = null;
  private requestBytes = 0;
  private nextId = 1;

  constructor(
    proc: SandboxProcess,
    private readonly maxOutputBytes: number,
  ) {
    this.proc = proc;
    proc.child.stdout.on('data', (d: Buffer) => this.onData(d));
    proc.child.stdin.on('error', () => {});
    void proc.exited.then(() => {
      this.dead = true;
      this.onDeath?.();
    });
  }

  private onData(d: Buffer): void {
    this.requestBytes += d.length;
    if (this.requestBytes > this.maxOutputBytes) {
      this.proc.kill('output_limit');
      return;
    }
    this.buf += d.toString('utf8');
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (!line) continue;
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        // Anything but the protocol on stdout means the worker is not ours to trust any more.
        this.proc.kill('exit');
        return;
      }
      this.sink?.(reply);
    }
    if (this.buf.length > MAX_LINE_BYTES) this.proc.kill('output_limit');
  }

  /** Sends `open` and waits for `ready`. */
  async open(req: OpenRequest, timeoutMs: number): Promise<void> {
    const it = this.exchange(req, (r) => r.t === 'ready' || r.t === 'fatal');
    const timer = setTimeout(() => this.proc.kill('timeout'), timeoutMs);
    try {
      for await (const r of it) {
        if (r.t === 'fatal') throw new WorkerOpenError(r.error);
        if (r.t === 'ready') this.version = r.version;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Streams the replies to one request until its terminal reply. Throws SandboxError if the worker dies. */
  request(req: Omit<QueryRequest, 'id'> | Omit<SimpleRequest, 'id'>): AsyncGenerator<Reply> {
    const id = this.nextId++;
    return this.exchange({ ...req, id } as QueryRequest | SimpleRequest, (r) => 'id' in r && r.id === id && (r.t === 'end' || r.t === 'error' || r.t === 'schema' || r.t === 'version'));
  }

  private async *exchange(req: OpenRequest | QueryRequest | SimpleRequest, isLast: (r: Reply) => boolean): AsyncGenerator<Reply> {
    if (this.dead) throw this.deathError();
    const queue: Reply[] = [];
    let wake: (() => void) | null = null;
    let paused = false;
    const stdout = this.proc.child.stdout;
    this.requestBytes = 0;
    this.sink = (r) => {
      queue.push(r);
      // Backpressure: stop reading the pipe while the consumer is behind, so the worker waits.
      if (!paused && queue.length >= MAX_QUEUED_REPLIES) {
        paused = true;
        stdout.pause();
      }
      wake?.();
    };
    this.onDeath = () => wake?.();
    this.proc.child.stdin.write(JSON.stringify(req) + '\n');
    try {
      for (;;) {
        while (queue.length === 0) {
          if (this.dead) {
            // Replies may still be in the pipe: let them arrive before reporting the death.
            await new Promise((r) => setImmediate(r));
            if (queue.length === 0) throw this.deathError();
            break;
          }
          await new Promise<void>((r) => (wake = r));
          wake = null;
        }
        const r = queue.shift()!;
        if (paused && queue.length < MAX_QUEUED_REPLIES / 2) {
          paused = false;
          stdout.resume();
        }
        yield r;
        if (isLast(r)) return;
      }
    } finally {
      this.sink = null;
      this.onDeath = null;
      if (paused) stdout.resume();
    }
  }

  deathError(): SandboxError {
    const why = this.proc.killedFor;
    if (why) return new SandboxError(why, `The worker was stopped (${why}).`);
    const tail = this.proc.stderrTail();
    if (/out of memory|bad_alloc|allocation failed|Reached heap limit/i.test(tail)) return new SandboxError('memory', 'The worker ran out of memory.');
    return new SandboxError('exit', 'The worker stopped unexpectedly.', this.proc.child.exitCode, this.proc.child.signalCode);
  }

  kill(reason: Parameters<SandboxProcess['kill']>[0]): void {
    this.proc.kill(reason);
  }

  /** Asks the worker to exit (stdin closed); kills it if it does not within a second. */
  async stop(): Promise<void> {
    if (this.dead) return;
    this.proc.child.stdin.end();
    const t = setTimeout(() => this.proc.kill('cancelled'), 1000);
    await this.proc.exited;
    clearTimeout(t);
  }
}

export interface Lease {
  worker: SqlWorker;
  /** Returns the worker to the pool (or drops it if it died or must not be reused). */
  release(reusable: boolean): void;
}

export class SqlWorkerPool {
  private readonly idle: SqlWorker[] = [];
  private readonly all = new Set<SqlWorker>();
  private starting = 0;
  private readonly waiters: { resolve: (l: Lease) => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort: () => void }[] = [];
  private closed = false;
  private readonly reaper: NodeJS.Timeout;
  private readonly idleMs: number;

  constructor(readonly opts: SqlPoolOptions) {
    this.idleMs = opts.idleMs ?? 60_000;
    this.reaper = setInterval(() => this.reap(), Math.max(1000, Math.min(this.idleMs / 2, 30_000)));
    this.reaper.unref();
  }

  get size(): number {
    return this.all.size + this.starting;
  }

  /** Host pids of the live workers' outer bwrap processes (tests check they are gone). */
  pids(): number[] {
    return [...this.all].map((w) => w.proc.pid);
  }

  /** The sandbox uids of the live workers. */
  uids(): number[] {
    return [...this.all].map((w) => w.proc.uid);
  }

  async acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.closed) throw new SandboxError('sandbox_failed', 'This pool has been closed.');
    if (signal?.aborted) throw new SandboxError('cancelled', 'Cancelled while waiting for a worker.');
    const w = this.takeIdle();
    if (w) return this.lease(w);
    if (this.size < this.opts.maxWorkers) return this.lease(await this.spawn());
    return new Promise<Lease>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new SandboxError('cancelled', 'Cancelled while waiting for a worker.'));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private takeIdle(): SqlWorker | null {
    while (this.idle.length > 0) {
      const w = this.idle.pop()!;
      if (!w.dead) return w;
    }
    return null;
  }

  private lease(w: SqlWorker): Lease {
    w.busy = true;
    let done = false;
    return {
      worker: w,
      release: (reusable) => {
        if (done) return;
        done = true;
        w.busy = false;
        w.lastUsed = Date.now();
        if (!reusable || w.dead || this.closed) {
          w.kill('cancelled');
          this.all.delete(w);
        } else {
          this.idle.push(w);
        }
        this.serveWaiters();
      },
    };
  }

  /** Hands freed capacity to waiting queries: an idle worker, or room to start one. */
  private serveWaiters(): void {
    while (this.waiters.length > 0) {
      const w = this.takeIdle();
      if (w) {
        const waiter = this.waiters.shift()!;
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve(this.lease(w));
        continue;
      }
      if (this.size < this.opts.maxWorkers) {
        const waiter = this.waiters.shift()!;
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        this.spawn().then((nw) => waiter.resolve(this.lease(nw)), waiter.reject);
        continue;
      }
      return;
    }
  }

  private async spawn(): Promise<SqlWorker> {
    this.starting++;
    let w: SqlWorker | null = null;
    try {
      const { proc, open } = await launchWorker(this.opts);
      w = new SqlWorker(proc, this.opts.maxOutputBytes ?? 512 * 1024 ** 2);
      const worker = w;
      void proc.exited.then(() => {
        this.all.delete(worker);
        const i = this.idle.indexOf(worker);
        if (i >= 0) this.idle.splice(i, 1);
        if (!this.closed) this.serveWaiters();
      });
      await w.open(open, this.opts.startTimeoutMs ?? 30_000);
      this.all.add(w);
      return w;
    } catch (e) {
      w?.kill('cancelled');
      throw e;
    } finally {
      this.starting--;
    }
  }

  /** Starts one worker in the background if none is alive (keeps a connection warm). */
  warm(): void {
    if (this.closed || this.size > 0) return;
    this.spawn().then(
      (w) => {
        if (this.closed) void w.stop();
        else {
          this.idle.push(w);
          this.serveWaiters();
        }
      },
      () => {},
    );
  }

  private reap(): void {
    const now = Date.now();
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const w = this.idle[i]!;
      if (now - w.lastUsed > this.idleMs || w.dead) {
        this.idle.splice(i, 1);
        this.all.delete(w);
        void w.stop();
      }
    }
  }

  /** Stops the idle workers now (waits for them to exit). */
  async drainIdle(): Promise<void> {
    const ws = this.idle.splice(0);
    for (const w of ws) this.all.delete(w);
    await Promise.all(ws.map((w) => w.stop()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.reaper);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new SandboxError('cancelled', 'The pool was closed.'));
    const ws = [...this.all];
    this.idle.length = 0;
    this.all.clear();
    await Promise.all(ws.map((w) => (w.busy ? (w.kill('cancelled'), w.proc.exited) : w.stop())));
  }
}

// ---- what goes into a worker's sandbox -------------------------------------------------------
