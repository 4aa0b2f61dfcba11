/**
 * Secret reveal over HTTP — Atrium's POST /api/v1/projects/{p}/secrets/{name}/reveal
 * (authentication, authorization, decryption, and an audit event committed durably before the
 * value is returned) — against a bare baseline in the same run: a separate minimal Fastify
 * process that selects the secret_versions row from the same database and decrypts it
 * (bench/secrets/baseline-server.ts).
 *
 *   npx tsx bench/secrets/run.ts [--duration 15] [--connections 10] [--rounds 3] [--stores sqlite,postgres] [--cpu-prof]
 *
 * Starts its own Atrium (and PostgreSQL for the postgres store) and stops them. Load with
 * autocannon at a fixed concurrency, alternating Atrium and the baseline each round. Prints
 * markdown on stdout (progress on stderr) and writes JSON to bench/secrets/.results/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  api, bearer, cleanupStack, fmt, int, log, login, machine, machineMarkdown, median, request, ROOT, spawnServer, startAtrium,
  startPostgres, MASTER_KEY,
} from '../common/bench-env.js';

const { values: argv } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const DURATION = Number(argv.duration);
const CONNECTIONS = Number(argv.connections);
const ROUNDS = Number(argv.rounds);
const STORES = argv.stores!.split(',').map((s) => s.trim()) as ('sqlite' | 'postgres')[];

interface Load { reqPerSec: number; p50: number; p90: number; p99: number; max: number; total: number; non2xx: number; errors: number }

async function load(url: string, headers: Record<string, string>, duration: number): Promise<Load> {
  const r = await autocannon({ url, method: 'POST', headers, connections: CONNECTIONS, duration, pipelining: 1 });
  return {
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

async function benchStore(store: 'sqlite' | 'postgres', cleanup: ReturnType<typeof cleanupStack>, tmp: string) {
  const dataDir = path.join(tmp, `data-${store}`);
  fs.mkdirSync(dataDir, { recursive: true });
  let databaseUrl: string | undefined;
  let stopPg: (() => void) | undefined;
  if (store === 'postgres') {
    log('starting PostgreSQL');
    const pgs = startPostgres();
    stopPg = () => pgs.stop();
    cleanup.push(stopPg);
    const c = new pg.Client({ connectionString: pgs.url });
    await c.connect();
    await c.query('CREATE DATABASE atrium');
    await c.end();
    databaseUrl = pgs.url.replace(/\/postgres$/, '/atrium');
  }

  log(`[${store}] starting Atrium`);
  const atrium = await startAtrium({
    dataDir,
    env: databaseUrl ? { DATABASE_URL: databaseUrl } : {},
    nodeArgs: argv['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.join(ROOT, 'bench/secrets/.results/prof')] : [],
  });
  cleanup.push(() => atrium.stop());
  const base = atrium.url;

  // Setup through the API: a workspace secret, imported into a project; a read+write token.
  const adminH = await login(base, 'admin@demo.local');
  const me = await api<{ workspaces: { id: string }[] }>(base, 'GET', '/me', adminH);
  const ws = me.workspaces[0]!.id;
  const value = `bench-${Math.random().toString(36).slice(2)}-${'x'.repeat(32)}`;
  const secret = await api<{ id: string; name: string }>(base, 'POST', `/workspaces/${ws}/secrets`, adminH, { name: 'BENCH_SECRET', value }, 201);
  const projects = await api<{ projects: { id: string; name: string }[] }>(base, 'GET', `/workspaces/${ws}/projects`, adminH);
  const project = projects.projects.find((p) => p.name === 'Churn analysis') ?? projects.projects[0]!;
  await api(base, 'POST', `/projects/${project.id}/imports`, adminH, { assetId: secret.id, confirm: true });
  const auth = await bearer(base, 'admin@demo.local', ['read', 'write']);
  const revealUrl = `${base}/api/v1/projects/${project.id}/secrets/BENCH_SECRET/reveal`;
  const check = await request(revealUrl, 'POST', auth);
  if (check.status !== 200 || (JSON.parse(check.body) as { value: string }).value !== value) throw new Error(`reveal check failed: ${check.status} ${check.body}`);

  log(`[${store}] starting the baseline server`);
  const baseline = await spawnServer({
    script: 'bench/secrets/baseline-server.ts',
    args: databaseUrl ? ['--database-url', databaseUrl] : ['--data-dir', dataDir],
    env: { ATRIUM_MASTER_KEY: MASTER_KEY },
  });
  cleanup.push(() => baseline.stop());
  const baselineUrl = `${baseline.url}/reveal/${secret.id}`;
  const bcheck = await request(baselineUrl, 'POST', {});
  if (bcheck.status !== 200 || (JSON.parse(bcheck.body) as { value: string }).value !== value) throw new Error(`baseline check failed: ${bcheck.status} ${bcheck.body}`);

  log(`[${store}] warm-up (3 s each)`);
  await load(revealUrl, auth, 3);
  await load(baselineUrl, {}, 3);
  const auditBefore = await countReveals(dataDir, databaseUrl);

  const atriumRuns: Load[] = [];
  const baselineRuns: Load[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? ['atrium', 'baseline'] : ['baseline', 'atrium'];
    for (const which of order) {
      const r = which === 'atrium' ? await load(revealUrl, auth, DURATION) : await load(baselineUrl, {}, DURATION);
      if (r.non2xx || r.errors) throw new Error(`${which}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
      (which === 'atrium' ? atriumRuns : baselineRuns).push(r);
      log(`[${store}] round ${i + 1} ${which.padEnd(8)}: ${int(r.reqPerSec)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (${int(r.total)} requests)`);
    }
  }
  const auditAfter = await countReveals(dataDir, databaseUrl);
  const atriumRequests = atriumRuns.reduce((n, r) => n + r.total, 0);

  await baseline.stop();
  await atrium.stop();
  stopPg?.();
  return { store, atriumRuns, baselineRuns, auditEvents: auditAfter - auditBefore, atriumRequests };
}

/** Number of secret.reveal audit events, read from the database itself. */
async function countReveals(dataDir: string, databaseUrl: string | undefined): Promise<number> {
  const sql = "SELECT count(*) AS n FROM audit_events WHERE action = 'secret.reveal'";
  if (databaseUrl) {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      return Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
    } finally {
      await c.end();
    }
  }
  const db = new Database(path.join(dataDir, 'atrium.db'), { readonly: true, fileMustExist: true });
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const cleanup = cleanupStack();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-secrets-'));
  cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const results = [];
  try {
    for (const store of STORES) results.push(await benchStore(store, cleanup, tmp));
  } finally {
    await cleanup.run();
  }

  const outDir = path.join(ROOT, 'bench/secrets/.results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `secrets-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ machine: machine(), config: { duration: DURATION, connections: CONNECTIONS, rounds: ROUNDS }, results }, null, 2));

  const out: string[] = [machineMarkdown(), ''];
  out.push(`autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds alternating (order flipped each round), after 3 s warm-up each. Latencies in ms.`, '');
  out.push('| store | server | median req/s | min req/s | p50 (median of runs) | p99 (median of runs) | worst p99 |', '|---|---|---:|---:|---:|---:|---:|');
  const summary: string[] = [];
  for (const r of results) {
    const row = (label: string, runs: Load[]) =>
      `| ${r.store} | ${label} | ${int(median(runs.map((x) => x.reqPerSec)))} | ${int(Math.min(...runs.map((x) => x.reqPerSec)))} | ${median(runs.map((x) => x.p50))} | ${median(runs.map((x) => x.p99))} | ${Math.max(...runs.map((x) => x.p99))} |`;
    out.push(row('Atrium reveal', r.atriumRuns), row('baseline (select + decrypt)', r.baselineRuns));
    const ratio = median(r.atriumRuns.map((x) => x.reqPerSec)) / median(r.baselineRuns.map((x) => x.reqPerSec));
    summary.push(`| ${r.store} | ${fmt(ratio)}× | ${ratio >= 0.7 ? 'met' : '**not met**'} |`);
  }
  out.push('', '| store | Atrium / baseline req/s (target ≥ 0.7×) | |', '|---|---:|---|', ...summary, '');
  out.push('Per run:', '', '| store | server | round | req/s | p50 | p90 | p99 | max | requests |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    r.atriumRuns.forEach((x, i) => out.push(`| ${r.store} | Atrium | ${i + 1} | ${int(x.reqPerSec)} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.max} | ${int(x.total)} |`));
    r.baselineRuns.forEach((x, i) => out.push(`| ${r.store} | baseline | ${i + 1} | ${int(x.reqPerSec)} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.max} | ${int(x.total)} |`));
  }
  out.push('');
  for (const r of results) out.push(`${r.store}: ${int(r.auditEvents)} \`secret.reveal\` audit events committed during the measured Atrium runs, for ${int(r.atriumRequests)} answered requests (autocannon counts answers; a request cut off at the end of a run may still have committed its event).`);
  out.push('', `JSON: ${path.relative(ROOT, file)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  log('FAILED:', e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
