/**
 * Checksums of transfers computed off the main thread. MD5 runs at ~700 MiB/s on one core, about
 * as much CPU as the HTTP transfer itself: on the main thread it cost a third of the throughput.
 * One worker thread per process (s3-hash-worker.ts) hashes every transfer's bytes — and, for a
 * download, writes them to the temp file and fsyncs it once at the end — while the main thread
 * only copies each chunk into a 1 MiB batch. Batches are pooled per transfer and at most
 * MAX_IN_FLIGHT of them wait for the worker: memory stays bounded and backpressure reaches the
 * socket as with an ordinary stream. An upload's file is read by the worker itself, so the main
 * thread streams it to S3 exactly as a bare Upload would.
 *
 *   hashingSink(fd, plan)      a Writable: bytes → worker → hashed and written to `fd`; `digests()`
 *   hashFile(fd, size, plan)   the worker reads and hashes `size` bytes of `fd`; `digests` (a promise)
 * See s3-etag.ts `checkDigests` for what the digests are checked against.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { EtagDigests, HashPlan } from './s3-etag.js';
import type { HashWorkerIn, HashWorkerOut } from './s3-hash-worker.js';

const BATCH = 1024 * 1024;
const MAX_IN_FLIGHT = 4;

interface JobHandlers {
  ack(buf: ArrayBuffer): void;
  done(d: EtagDigests): void;
  fail(e: Error): void;
  dropped(): void;
}

let worker: Worker | null = null;
let starting: Promise<Worker> | null = null;
const jobs = new Map<number, JobHandlers>();
let nextId = 1;

/** The worker's code: the compiled sibling under dist/, or the TypeScript source bundled once. */
async function workerSource(): Promise<{ code: string; eval: true } | { url: URL; eval: false }> {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { url: new URL('./s3-hash-worker.js', import.meta.url), eval: false };
  // From the sources (tsx, vitest) there is no .js to load: esbuild (a dev dependency, present
  // whenever the sources run) bundles the worker and what it imports into one CommonJS script.
  const esbuild = await import('esbuild');
  const out = await esbuild.build({ entryPoints: [path.join(path.dirname(here), 's3-hash-worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
  return { code: out.outputFiles[0]!.text, eval: true };
}

async function startWorker(): Promise<Worker> {
  const src = await workerSource();
  const w = src.eval ? new Worker(src.code, { eval: true }) : new Worker(src.url);
  const down = (e: Error) => {
    if (worker === w) worker = null;
    const pending = [...jobs.values()];
    jobs.clear();
    for (const j of pending) j.fail(e);
  };
  w.on('message', (m: HashWorkerOut) => {
    const j = jobs.get(m.id);
    if (!j) return;
    if (m.t === 'ack') j.ack(m.buf);
    else if (m.t === 'done') j.done(m.digests);
    else if (m.t === 'dropped') j.dropped();
    else j.fail(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
  });
  w.on('error', down);
  w.on('exit', (code) => down(new Error(`The hashing worker stopped (exit code ${code}).`)));
  // Only a running transfer keeps the process alive, not an idle worker.
  w.unref();
  return w;
}

async function getWorker(): Promise<Worker> {
  if (worker) return worker;
  starting ??= startWorker().then(
    (w) => {
      worker = w;
      starting = null;
      return w;
    },
    (e: unknown) => {
      starting = null;
      throw e;
    },
  );
  return starting;
}

/** One transfer's conversation with the worker: batching, backpressure, the result. */
class HashJob {
  private readonly id = nextId++;
  private readonly pool: ArrayBuffer[] = [];
  private cur: Buffer | null = null;
  private fill = 0;
  private inFlight = 0;
  private waiting: (() => void) | null = null;
  private error: Error | null = null;
  private result: ((d: EtagDigests) => void) | null = null;
  private closed = false;
  private release!: () => void;
  /** Resolves once the worker is done with this job (finished, failed or dropped): its fd is free. */
  readonly settled = new Promise<void>((r) => (this.release = r));

  private constructor(private readonly w: Worker) {}

  static async open(plan: HashPlan, fd: number | null, read?: number): Promise<HashJob> {
    const w = await getWorker();
    const job = new HashJob(w);
    jobs.set(job.id, {
      ack: (buf) => {
        job.inFlight--;
        job.pool.push(buf);
        job.wake();
      },
      done: (d) => {
        job.finished();
        job.result?.(d);
      },
      fail: (e) => {
        job.error ??= e;
        job.finished();
        job.wake();
      },
      dropped: () => job.finished(),
    });
    if (jobs.size === 1) w.ref();
    job.send({ t: 'open', id: job.id, plan, fd, ...(read !== undefined ? { read } : {}) });
    return job;
  }

  /** The digests of a job that reads by itself (`open(…, read)`). */
  digestsWhenRead(): Promise<EtagDigests> {
    return new Promise<EtagDigests>((resolve, reject) => {
      if (this.error) return reject(this.error);
      this.result = resolve;
      const failed = () => {
        if (this.error) reject(this.error);
        else this.waiting = failed;
      };
      this.waiting = failed;
    });
  }

  private send(m: HashWorkerIn, transfer?: ArrayBuffer[]): void {
    this.w.postMessage(m, transfer);
  }

  private wake(): void {
    const f = this.waiting;
    this.waiting = null;
    f?.();
  }

  private finished(): void {
    if (this.closed) return;
    this.closed = true;
    jobs.delete(this.id);
    if (jobs.size === 0) this.w.unref();
    this.release();
  }

  private flushBatch(): void {
    if (!this.cur || this.fill === 0) return;
    const buf = this.cur.buffer as ArrayBuffer;
    this.send({ t: 'data', id: this.id, buf, len: this.fill }, [buf]);
    this.inFlight++;
    this.cur = null;
    this.fill = 0;
  }

  /** Copies `chunk` into batches; `cb` runs once the worker has room again (backpressure). */
  push(chunk: Buffer, cb: (e?: Error | null) => void): void {
    if (this.error) return cb(this.error);
    for (let off = 0; off < chunk.length; ) {
      this.cur ??= Buffer.from(this.pool.pop() ?? new ArrayBuffer(BATCH));
      const n = chunk.copy(this.cur, this.fill, off);
      this.fill += n;
      off += n;
      if (this.fill === BATCH) this.flushBatch();
    }
    const resume = () => {
      if (this.error) cb(this.error);
      else if (this.inFlight >= MAX_IN_FLIGHT) this.waiting = resume;
      else cb();
    };
    resume();
  }

  /** Sends what is left and waits for the digests (after the fsync, when asked). */
  finish(fsync: boolean): Promise<EtagDigests> {
    if (this.error) return Promise.reject(this.error);
    this.flushBatch();
    return new Promise<EtagDigests>((resolve, reject) => {
      this.result = resolve;
      const failed = () => {
        if (this.error) reject(this.error);
        else this.waiting = failed;
      };
      this.waiting = failed;
      this.send({ t: 'end', id: this.id, fsync });
    });
  }

  /** Forgets the job (a failed or cancelled transfer); `settled` tells when the worker has let go. */
  drop(): void {
    if (this.closed) return;
    this.error ??= new Error('The transfer was abandoned.');
    this.send({ t: 'drop', id: this.id });
  }
}

export interface HashingStream {
  /** The hashes, once the stream has finished. */
  digests(): EtagDigests;
  /** Resolves once the worker no longer uses the stream's fd (after it finished or was destroyed). */
  settled: Promise<void>;
}

function extras(job: HashJob, get: () => EtagDigests | null): HashingStream {
  return {
    digests() {
      const d = get();
      if (!d) throw new Error('The stream has not finished.');
      return d;
    },
    settled: job.settled,
  };
}

/**
 * A Writable that hashes what it is given and writes it to `fd`; it finishes only once the worker
 * has written, fsynced (`fsync`) and hashed it all. The caller opens `fd` and closes it after
 * `settled` (never before: the worker may still be writing queued batches).
 */
export async function hashingSink(fd: number, plan: HashPlan, opts: { fsync: boolean; onBytes?: (n: number) => void }): Promise<Writable & HashingStream> {
  const job = await HashJob.open(plan, fd);
  let seen = 0;
  let out: EtagDigests | null = null;
  const sink = new Writable({
    highWaterMark: BATCH,
    write(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      opts.onBytes?.(seen);
      job.push(chunk, cb);
    },
    final(cb) {
      job.finish(opts.fsync).then((d) => {
        out = d;
        cb();
      }, cb);
    },
    destroy(err, cb) {
      if (!out) job.drop();
      cb(err);
    },
  });
  return Object.assign(sink, extras(job, () => out));
}

/**
 * The hashes of the first `size` bytes of `fd`, read by the worker itself (an upload: the main
 * thread streams the same fd to S3 as it would without hashing). The caller closes `fd` only after
 * `settled`; `drop()` abandons the job (a failed or cancelled upload).
 */
export async function hashFile(fd: number, size: number, plan: HashPlan): Promise<{ digests: Promise<EtagDigests>; drop(): void; settled: Promise<void> }> {
  const job = await HashJob.open(plan, fd, size);
  const digests = job.digestsWhenRead();
  digests.catch(() => undefined); // observed by the caller when it asks; never an unhandled rejection
  return { digests, drop: () => job.drop(), settled: job.settled };
}

