/** Shared measurement helpers and the report shapes of the access benchmark. */
import v8 from 'node:v8';
import vm from 'node:vm';

import type { Fixture, Pairs } from './fixtures.js';

// A full GC on demand without --expose-gc on the command line.
v8.setFlagsFromString('--expose-gc');
const gcFn = vm.runInNewContext('gc') as () => void;

export function fullGc(): void {
  gcFn();
  gcFn();
}

export interface MemSnapshot {
  heapUsed: number;
  rss: number;
  external: number;
}

export function memSnapshot(): MemSnapshot {
  fullGc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external };
}

export function mb(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}

/** One measured operation: throughput and latency percentiles. */
export interface Measure {
  name: string;
  n: number;
  /** operations per second (from the total wall time of the loop) */
  perSec: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** free-form, e.g. mean result count of a list query */
  extra?: Record<string, number | string>;
}

export interface PeerReport {
  peer: string;
  /** false when the peer was skipped or could not load this size */
  ran: boolean;
  buildMs: number;
  heapDeltaMB: number;
  rssDeltaMB: number;
  /** relationships / rows / policies loaded, where meaningful */
  loadedItems?: number;
  /** the primary single-check measure comes first */
  checks: Measure[];
  lists: Measure[];
  updates: Measure[];
  agreement?: { what: string; n: number; agree: number; rate: number; mismatches: string[] };
  /** how many of the list queries returned exactly Atrium's set */
  listAgreement?: { n: number; agree: number };
  notes: string[];
}

export function emptyReport(peer: string): PeerReport {
  return { peer, ran: false, buildMs: 0, heapDeltaMB: 0, rssDeltaMB: 0, checks: [], lists: [], updates: [], notes: [] };
}

/** Percentiles from latencies in nanoseconds (sorted in place). */
export function summarize(name: string, latNs: Float64Array, wallNs: number, extra?: Measure['extra']): Measure {
  latNs.sort();
  const n = latNs.length;
  const q = (f: number): number => latNs[Math.min(n - 1, Math.floor(f * n))]! / 1000;
  const m: Measure = {
    name,
    n,
    perSec: n / (wallNs / 1e9),
    p50Us: round(q(0.5)),
    p99Us: round(q(0.99)),
    maxUs: round(latNs[n - 1]! / 1000),
  };
  if (extra) m.extra = extra;
  return m;
}

function round(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}

/** Times fn(i) for i in [0, n) one by one with process.hrtime.bigint. */
export function timeSync(name: string, n: number, fn: (i: number) => unknown, extra?: Measure['extra']): Measure {
  const lat = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    lat[i] = Number(process.hrtime.bigint() - t0);
  }
  const wall = Number(process.hrtime.bigint() - start);
  return summarize(name, lat, wall, extra);
}

/** Times async fn(i) for i in [0, n), keeping `concurrency` calls in flight. */
export async function timeAsync(
  name: string,
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
  extra?: Measure['extra'],
): Promise<Measure> {
  const lat = new Float64Array(n);
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t0 = process.hrtime.bigint();
      await fn(i);
      lat[i] = Number(process.hrtime.bigint() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const wall = Number(process.hrtime.bigint() - start);
  return summarize(name, lat, wall, extra);
}

/** What every peer gets: the facts and the fixed samples (the same for every peer). */
export interface BenchContext {
  fx: Fixture;
  /** the single-check sample; each peer uses a prefix of it (its own n) */
  pairs: Pairs;
  /** pairs whose answers are compared against Atrium's */
  verify: Pairs;
  /** Atrium's effective level for each verify pair */
  expected: Int8Array;
  list: { users: string[]; workspaces: string[] };
  /** Atrium's sorted "projects user can edit" for the first list users */
  expectedLists: string[][];
  /** sample sizes chosen for this size */
  n: {
    atriumChecks: number;
    spicedbChecks: number;
    casbinChecks: number;
    sqlChecks: number;
    atriumLists: number;
    peerLists: number;
    spicedbLists: number;
    casbinLists: number;
    spicedbVerify: number;
    updates: number;
  };
  log: (msg: string) => void;
}

export function agreement(
  what: string,
  ctx: BenchContext,
  answers: ArrayLike<number>,
  expectedOf: (level: number) => number,
  maxMismatches = 10,
): NonNullable<PeerReport['agreement']> {
  let agree = 0;
  const mismatches: string[] = [];
  for (let i = 0; i < answers.length; i++) {
    const want = expectedOf(ctx.expected[i]!);
    if (answers[i] === want) agree++;
    else if (mismatches.length < maxMismatches)
      mismatches.push(`${ctx.verify.users[i]}@${ctx.verify.projects[i]}: atrium=${want} peer=${answers[i]}`);
  }
  const n = answers.length;
  return { what, n, agree, rate: n === 0 ? 0 : agree / n, mismatches };
}

/** Compares list answers (any order) with Atrium's for list users [0, answers.length). */
export function listAgreement(ctx: BenchContext, answers: string[][]): { n: number; agree: number } {
  let agree = 0;
  answers.forEach((got, i) => {
    const want = ctx.expectedLists[i];
    if (want === undefined) return;
    const sorted = [...got].sort();
    if (sorted.length === want.length && sorted.every((x, k) => x === want[k])) agree++;
  });
  return { n: Math.min(answers.length, ctx.expectedLists.length), agree };
}
