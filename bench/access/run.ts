/**
 * Access benchmark: Atrium's AccessIndex against SpiceDB (embedded), casbin and a plain SQL query,
 * on the same generated facts, in one process.
 *
 *   npx tsx bench/access/run.ts --size S|M|L [--peers atrium,spicedb,casbin,sql]
 *
 * Prints markdown tables and writes JSON to bench/access/.results/. Not part of `npm test`; no
 * assertion here depends on timing.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';

import { factCounts, generate, sampleListUsers, samplePairs } from './fixtures.js';
import type { SizeName } from './fixtures.js';
import { emptyReport, mb, memSnapshot } from './measure.js';
import type { BenchContext, Measure, PeerReport } from './measure.js';
import { expectedAnswers, runAtrium } from './peers/atrium.js';

const ALL_PEERS = ['atrium', 'spicedb', 'casbin', 'sql'] as const;
type PeerName = (typeof ALL_PEERS)[number];

const N: Record<SizeName, BenchContext['n'] & { verify: number }> = {
  S: { atriumChecks: 200_000, spicedbChecks: 300, casbinChecks: 20_000, sqlChecks: 20_000, atriumLists: 2_000, peerLists: 200, casbinLists: 20, spicedbLists: 10, spicedbVerify: 2_000, updates: 1_000, verify: 2_000 },
  M: { atriumChecks: 200_000, spicedbChecks: 30, casbinChecks: 5_000, sqlChecks: 20_000, atriumLists: 2_000, peerLists: 100, casbinLists: 5, spicedbLists: 3, spicedbVerify: 100, updates: 1_000, verify: 1_000 },
  L: { atriumChecks: 200_000, spicedbChecks: 10, casbinChecks: 1_000, sqlChecks: 10_000, atriumLists: 1_000, peerLists: 30, casbinLists: 3, spicedbLists: 2, spicedbVerify: 100, updates: 1_000, verify: 1_000 },
};

function parseArgs(argv: string[]): { size: SizeName; peers: PeerName[] } {
  let size: SizeName = 'S';
  let peers: PeerName[] = [...ALL_PEERS];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`missing value for ${a}`);
      return v;
    };
    if (a.startsWith('--size')) {
      const v = val().toUpperCase();
      if (v !== 'S' && v !== 'M' && v !== 'L') throw new Error(`--size must be S, M or L, not ${v}`);
      size = v;
    } else if (a.startsWith('--peers')) {
      const list = val().split(',').map((s) => s.trim()).filter(Boolean);
      for (const p of list) if (!(ALL_PEERS as readonly string[]).includes(p)) throw new Error(`unknown peer: ${p}`);
      peers = list as PeerName[];
    } else if (a === '--help' || a === '-h') {
      console.log('usage: tsx bench/access/run.ts --size S|M|L [--peers atrium,spicedb,casbin,sql]');
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  return { size, peers };
}

function machine(): Record<string, string> {
  const sh = (cmd: string): string => {
    try {
      return execSync(cmd, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  return {
    nproc: sh('nproc'),
    memory: sh("free -h | awk '/^Mem:/ {print $2}'"),
    cpu: os.cpus()[0]?.model ?? '?',
    node: process.version,
    date: new Date().toISOString(),
    heapLimitMB: String(Math.round(v8.getHeapStatistics().heap_size_limit / 1048576)),
  };
}

async function loadPeer(name: PeerName): Promise<(ctx: BenchContext) => Promise<PeerReport>> {
  switch (name) {
    case 'atrium':
      return runAtrium;
    case 'spicedb':
      return (await import('./peers/spicedb.js')).runSpicedb;
    case 'casbin':
      return (await import('./peers/casbin.js')).runCasbin;
    case 'sql':
      return (await import('./peers/sql.js')).runSql;
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function fmtRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x >= 10 ? x.toFixed(0) : x.toFixed(2);
}
function fmtUs(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 10_000) return `${(x / 1000).toFixed(0)} ms`;
  if (x >= 1000) return `${(x / 1000).toFixed(2)} ms`;
  return `${x} µs`;
}
function ratio(a: number, b: number): string {
  if (!(b > 0)) return '–';
  const r = a / b;
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

function best(ms: Measure[]): Measure | undefined {
  return ms.reduce<Measure | undefined>((b, m) => (b === undefined || m.perSec > b.perSec ? m : b), undefined);
}

/**
 * Rows of a throughput table: peer, measure, n, rate, p50, p99, one column of the caller's, and
 * Atrium's rate ÷ the row's (blank on Atrium's own rows).
 */
function rateRows(
  reports: PeerReport[],
  pick: (r: PeerReport) => Measure[],
  base: Measure | undefined,
  cells: (m: Measure) => [n: string, extra: string],
): string[] {
  const rows: string[] = [];
  for (const r of reports)
    for (const m of pick(r)) {
      const [n, extra] = cells(m);
      const vs = r.peer === 'atrium' || !base ? '' : ratio(base.perSec, m.perSec);
      rows.push(`| ${r.peer} | ${m.name} | ${n} | ${fmtRate(m.perSec)} | ${fmtUs(m.p50Us)} | ${fmtUs(m.p99Us)} | ${extra} | ${vs} |`);
    }
  return rows;
}

function markdown(size: SizeName, counts: Record<string, number>, reports: PeerReport[], mach: Record<string, string>): string {
  const out: string[] = [];
  const atrium = reports.find((r) => r.peer === 'atrium' && r.ran);
  const aCheck = atrium?.checks[0];
  const aList = atrium?.lists[0];
  out.push(`### Size ${size}`);
  out.push('');
  out.push(
    `Facts: ${Object.entries(counts)
      .map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`)
      .join(', ')}. Machine: ${mach.nproc} cores, ${mach.memory} RAM, ${mach.cpu}, Node ${mach.node}; ${mach.date}.`,
  );
  out.push('');
  out.push('**Build / load**');
  out.push('');
  out.push('| peer | build / load time | heap Δ | RSS Δ | items loaded |');
  out.push('|---|---:|---:|---:|---:|');
  for (const r of reports) {
    if (!r.ran) {
      out.push(`| ${r.peer} | not run | | | |`);
      continue;
    }
    out.push(
      `| ${r.peer} | ${(r.buildMs / 1000).toFixed(2)} s | ${r.heapDeltaMB} MB | ${r.rssDeltaMB} MB | ${r.loadedItems?.toLocaleString('en-US') ?? ''} |`,
    );
  }
  out.push('');
  out.push('**Single checks** ("Atrium ÷ peer" compares Atrium\'s `level()` throughput with that row)');
  out.push('');
  out.push('| peer | check | n | checks/s | p50 | p99 | max | Atrium ÷ peer |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|');
  out.push(...rateRows(reports, (r) => r.checks, aCheck, (m) => [m.n.toLocaleString('en-US'), fmtUs(m.maxUs)]));
  out.push('');
  out.push('**List query: projects a user can edit**');
  out.push('');
  out.push('| peer | query | n | lists/s | p50 | p99 | mean results | Atrium ÷ peer |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|');
  out.push(...rateRows(reports, (r) => r.lists, aList, (m) => [String(m.n), String(m.extra?.meanResults ?? '')]));
  out.push('');
  out.push('**Incremental updates**');
  out.push('');
  out.push('| peer | update | n | p50 | p99 | max |');
  out.push('|---|---|---:|---:|---:|---:|');
  for (const r of reports)
    for (const m of r.updates) out.push(`| ${r.peer} | ${m.name} | ${m.n} | ${fmtUs(m.p50Us)} | ${fmtUs(m.p99Us)} | ${fmtUs(m.maxUs)} |`);
  out.push('');
  const withAgreement = reports.filter((r) => r.agreement);
  if (withAgreement.length > 0) {
    out.push('**Agreement with Atrium** (same verification sample of (user, project) pairs)');
    out.push('');
    out.push('| peer | answer compared | pairs | agree | rate |');
    out.push('|---|---|---:|---:|---:|');
    for (const r of withAgreement) {
      const a = r.agreement!;
      out.push(`| ${r.peer} | ${a.what} | ${a.n} | ${a.agree} | ${(a.rate * 100).toFixed(2)}% |`);
      const l = r.listAgreement;
      if (l) out.push(`| ${r.peer} | list "projects user can edit" (same set) | ${l.n} users | ${l.agree} | ${((100 * l.agree) / Math.max(1, l.n)).toFixed(2)}% |`);
    }
    out.push('');
  }
  out.push('**Targets**');
  out.push('');
  out.push(...targets(size, reports).map((t) => `- ${t}`));
  out.push('');
  out.push('**Notes**');
  out.push('');
  for (const r of reports) for (const n of r.notes) out.push(`- ${r.peer}: ${n}`);
  for (const r of reports)
    if (r.agreement && r.agreement.mismatches.length > 0) out.push(`- ${r.peer}: mismatches, e.g. ${r.agreement.mismatches.join('; ')}`);
  out.push('');
  return out.join('\n');
}

function targets(size: SizeName, reports: PeerReport[]): string[] {
  const out: string[] = [];
  const atrium = reports.find((r) => r.peer === 'atrium' && r.ran);
  const spice = reports.find((r) => r.peer === 'spicedb' && r.ran);
  const yes = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');
  if (!atrium) return ['Atrium was not run: no target evaluated.'];
  const c = atrium.checks[0]!;
  const atL = size === 'L' ? '' : ` (measured at ${size}; the target is stated for L)`;
  out.push(`≥ 1 M checks/s on one core, p99 ≤ 10 µs: ${fmtRate(c.perSec)} checks/s, p99 ${fmtUs(c.p99Us)} → ${yes(c.perSec >= 1e6 && c.p99Us <= 10)}${atL}`);
  const heapMB = atrium.heapDeltaMB;
  out.push(`index ≤ 2 GB: heap Δ ${heapMB} MB → ${yes(heapMB <= 2048)}${atL}`);
  const upd = atrium.updates;
  const worstP99 = Math.max(...upd.map((u) => u.p99Us));
  out.push(`incremental update ≤ 1 ms: worst p99 ${fmtUs(worstP99)} → ${yes(worstP99 <= 1000)}`);
  if (spice) {
    const sb = best(spice.checks)!;
    out.push(
      `≥ 100× SpiceDB's check throughput: ${ratio(c.perSec, sb.perSec)} (against SpiceDB's best variant, ${sb.name}) → ${yes(c.perSec >= 100 * sb.perSec)}`,
    );
    const al = atrium.lists[0];
    const sl = spice.lists[0];
    if (al && sl)
      out.push(`≥ 20× SpiceDB's LookupResources: ${ratio(al.perSec, sl.perSec)} → ${yes(al.perSec >= 20 * sl.perSec)}`);
  } else out.push('SpiceDB targets: SpiceDB not run at this size.');
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { size, peers } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (msg: string): void => console.error(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`);
  const mach = machine();

  log(`generating size ${size}`);
  const base = memSnapshot();
  const fx = generate(size);
  const afterGen = memSnapshot();
  const counts = factCounts(fx.facts);
  log(`facts: ${JSON.stringify(counts)}; heap +${mb(afterGen.heapUsed - base.heapUsed)} MB`);

  const n = N[size];
  const pairs = samplePairs(fx, Math.max(n.atriumChecks, 4 * n.spicedbChecks + 2000), 1);
  const verify = samplePairs(fx, n.verify, 2);
  const list = sampleListUsers(fx, Math.max(n.atriumLists, n.peerLists), 3);
  const ctx: BenchContext = { fx, pairs, verify, expected: new Int8Array(0), expectedLists: [], list, n, log };
  log('computing expected levels for the verification sample');
  ({ levels: ctx.expected, lists: ctx.expectedLists } = expectedAnswers(ctx, Math.max(n.peerLists, n.spicedbLists)));

  const reports: PeerReport[] = [];
  for (const name of peers) {
    log(`--- ${name}`);
    try {
      const run = await loadPeer(name);
      reports.push(await run(ctx));
    } catch (err) {
      const r = emptyReport(name);
      r.notes.push(`failed: ${err instanceof Error ? err.message : String(err)}`);
      reports.push(r);
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  const md = markdown(size, counts, reports, mach);
  console.log(md);
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '.results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${size}-${peers.join('+')}-${mach.date!.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ size, peers, machine: mach, facts: counts, reports }, null, 2) + '\n');
  log(`wrote ${path.relative(process.cwd(), file)}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
