/**
 * SQL query streaming: N rows × 5 columns from PostgreSQL through Atrium's HTTP API (a real
 * `atrium serve` child process) to a streaming NDJSON client, against the same query read
 * directly with `pg` + `pg-cursor` (batches of 500, the connector's default), in the same run.
 *
 *   npx tsx bench/query/run.ts [--rows 1000000] [--iterations 5] [--big 5000000|0]
 *                              [--one-row 2000] [--ttfr 100] [--store sqlite|postgres] [--cpu-prof]
 *
 * --store: Atrium's own database (default SQLite in its data dir; `postgres` puts it in a second
 * database of the same throwaway PostgreSQL, which runs with fsync=off).
 *
 * Starts and stops its own PostgreSQL (scripts/services/postgres.sh) and Atrium. Prints markdown
 * on stdout (progress on stderr) and writes JSON to bench/query/.results/.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import Cursor from 'pg-cursor';
import {
  agent, api, bearer, cleanupStack, fmt, int, log, login, machine, machineMarkdown, mb, median, percentile, ROOT,
  sampleRss, rssOf, sleep, startAtrium, startPostgres,
} from '../common/bench-env.js';

const { values: argv } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '5' },
    big: { type: 'string', default: '5000000' },
    'one-row': { type: 'string', default: '2000' },
    ttfr: { type: 'string', default: '100' },
    store: { type: 'string', default: 'sqlite' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const ROWS = Number(argv.rows);
const ITER = Number(argv.iterations);
const BIG = Number(argv.big);
const ONE_ROW_N = Number(argv['one-row']);
const BATCH = 500;
const TTFR_N = Number(argv.ttfr);

const cols = 'id, name, amount, created_at, active';
const sqlFor = (table: string) => `SELECT ${cols} FROM ${table}`;

interface RunResult {
  rows: number;
  ms: number;
  ttfrMs: number;
  rowsPerSec: number;
  bytes?: number;
  rss?: { beforeMB: number; peakMB: number; afterMB: number; growthMB: number; samples: number };
}

async function main(): Promise<void> {
  const cleanup = cleanupStack();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-query-'));
  cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    await run(tmp, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function run(tmp: string, cleanup: ReturnType<typeof cleanupStack>): Promise<void> {
  log('starting PostgreSQL');
  const pgs = startPostgres();
  cleanup.push(() => pgs.stop());
  const admin = new pg.Client({ connectionString: pgs.url });
  await admin.connect();
  await admin.query('CREATE DATABASE bench');
  if (argv.store === 'postgres') await admin.query('CREATE DATABASE atrium');
  await admin.end();
  const benchUrl = pgs.url.replace(/\/postgres$/, '/bench');
  const setup = new pg.Client({ connectionString: benchUrl });
  await setup.connect();
  const tables: [string, number][] = [[`rows_${ROWS}`, ROWS]];
  if (BIG > 0) tables.push([`rows_${BIG}`, BIG]);
  for (const [t, n] of tables) {
    log(`creating ${t} (${int(n)} rows × 5 columns)`);
    await setup.query(`CREATE TABLE ${t} AS
      SELECT i::int AS id, md5(i::text) AS name, ((i % 100000) / 100.0)::numeric(12,2) AS amount,
             timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' AS created_at, i % 3 = 0 AS active
        FROM generate_series(1, ${n}) AS i`);
    await setup.query(`VACUUM (FREEZE, ANALYZE) ${t}`);
  }
  await setup.end();

  log('starting Atrium');
  const profDir = path.join(ROOT, 'bench/query/.results/prof');
  const server = await startAtrium({
    dataDir: path.join(tmp, 'data'),
    env: {
      ATRIUM_QUERY_MAX_ROWS: String(Math.max(ROWS, BIG, 1)),
      ...(argv.store === 'postgres' ? { DATABASE_URL: pgs.url.replace(/\/postgres$/, '/atrium') } : {}),
    },
    nodeArgs: argv['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
  });
  cleanup.push(() => server.stop());
  const base = server.url;

  // Setup through the API: a workspace connection to the bench database, imported into a project.
  const adminH = await login(base, 'admin@demo.local');
  const me = await api<{ workspaces: { id: string }[] }>(base, 'GET', '/me', adminH);
  const ws = me.workspaces[0]!.id;
  const conn = await api<{ id: string }>(base, 'POST', `/workspaces/${ws}/data-connections`, adminH, {
    name: 'bench', type: 'postgres', config: { host: '127.0.0.1', port: pgs.port, database: 'bench', user: 'postgres', sslMode: 'disable' },
  }, 201);
  const projects = await api<{ projects: { id: string; name: string }[] }>(base, 'GET', `/workspaces/${ws}/projects`, adminH);
  const project = projects.projects.find((p) => p.name === 'Churn analysis') ?? projects.projects[0]!;
  await api(base, 'POST', `/projects/${project.id}/imports`, adminH, { assetId: conn.id, confirm: true });
  const auth = await bearer(base, 'admin@demo.local');
  const queryUrl = `${base}/api/v1/projects/${project.id}/queries`;

  const direct = new pg.Pool({ connectionString: benchUrl, max: 1 });
  cleanup.push(() => direct.end());

  /** Streams the query through the API, parsing NDJSON lines as they arrive. */
  function viaApi(sql: string, maxRows: number): Promise<RunResult & { end: any }> {
    return new Promise((resolve, reject) => {
      const body = JSON.stringify({ connectionId: conn.id, sql, maxRows });
      const t0 = performance.now();
      let ttfr = NaN;
      let rows = 0;
      let bytes = 0;
      let end: any = null;
      let error: any = null;
      const req = http.request(queryUrl, { method: 'POST', agent, headers: { ...auth, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        if (res.statusCode !== 200) {
          let t = '';
          res.setEncoding('utf8').on('data', (c: string) => (t += c)).on('end', () => reject(new Error(`query → ${res.statusCode}: ${t}`)));
          return;
        }
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          bytes += chunk.length;
          buf += chunk;
          let nl: number;
          let from = 0;
          while ((nl = buf.indexOf('\n', from)) >= 0) {
            const ev = JSON.parse(buf.slice(from, nl));
            from = nl + 1;
            if (ev.type === 'rows') {
              if (rows === 0) ttfr = performance.now() - t0;
              rows += ev.rows.length;
            } else if (ev.type === 'end') end = ev;
            else if (ev.type === 'error') error = ev.error;
          }
          buf = buf.slice(from);
        });
        res.on('end', () => {
          const ms = performance.now() - t0;
          if (error) return reject(new Error(`query error event: ${JSON.stringify(error)}`));
          if (!end) return reject(new Error('stream ended without an end event'));
          resolve({ rows, ms, ttfrMs: ttfr, rowsPerSec: (rows / ms) * 1000, bytes, end });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The same query with pg + pg-cursor on a pooled (already connected) client, batches of 500. */
  async function viaPg(sql: string): Promise<RunResult> {
    const t0 = performance.now();
    const client = await direct.connect();
    try {
      const cursor = client.query(new Cursor(sql, [], { rowMode: 'array' }));
      let rows = 0;
      let ttfr = NaN;
      for (;;) {
        const batch = await cursor.read(BATCH);
        if (rows === 0 && batch.length > 0) ttfr = performance.now() - t0;
        rows += batch.length;
        if (batch.length < BATCH) break;
      }
      await cursor.close();
      const ms = performance.now() - t0;
      return { rows, ms, ttfrMs: ttfr, rowsPerSec: (rows / ms) * 1000 };
    } finally {
      client.release();
    }
  }

  async function apiWithRss(sql: string, maxRows: number): Promise<RunResult> {
    const sampler = sampleRss(server.pid, 50);
    const r = await viaApi(sql, maxRows);
    const s = sampler.stop();
    await sleep(500);
    const after = rssOf(server.pid);
    return { ...r, rss: { beforeMB: s.before / 2 ** 20, peakMB: s.peak / 2 ** 20, afterMB: after / 2 ** 20, growthMB: (s.peak - s.before) / 2 ** 20, samples: s.samples } };
  }

  // Warm-up: JIT, pools, the connector.
  log('warm-up');
  const [t1] = tables[0]!;
  for (let i = 0; i < 3; i++) {
    await viaApi(`${sqlFor(t1)} LIMIT 50000`, 50000);
    await viaPg(`${sqlFor(t1)} LIMIT 50000`);
  }

  // Streaming, interleaved (the order alternates each iteration).
  const apiRuns: RunResult[] = [];
  const pgRuns: RunResult[] = [];
  for (let i = 0; i < ITER; i++) {
    const order = i % 2 === 0 ? ['api', 'pg'] : ['pg', 'api'];
    for (const which of order) {
      if (which === 'api') {
        const r = await apiWithRss(sqlFor(t1), ROWS);
        if (r.rows !== ROWS) throw new Error(`API returned ${r.rows} rows, expected ${ROWS}`);
        apiRuns.push(r);
        log(`iter ${i + 1} api: ${int(r.rowsPerSec)} rows/s, ${fmt(r.ms / 1000)} s, TTFR ${fmt(r.ttfrMs)} ms, RSS ${mb(r.rss!.beforeMB * 2 ** 20)} → peak ${mb(r.rss!.peakMB * 2 ** 20)} MB, ${mb(r.bytes!)} MB of NDJSON`);
      } else {
        const r = await viaPg(sqlFor(t1));
        if (r.rows !== ROWS) throw new Error(`pg returned ${r.rows} rows, expected ${ROWS}`);
        pgRuns.push(r);
        log(`iter ${i + 1} pg:  ${int(r.rowsPerSec)} rows/s, ${fmt(r.ms / 1000)} s, TTFR ${fmt(r.ttfrMs)} ms`);
      }
    }
  }

  // A bigger result once: memory must not depend on the result size.
  let big: { api: RunResult; pg: RunResult } | null = null;
  if (BIG > 0) {
    const tb = tables[1]![0];
    log(`big query: ${int(BIG)} rows`);
    const a = await apiWithRss(sqlFor(tb), BIG);
    if (a.rows !== BIG) throw new Error(`API returned ${a.rows} rows, expected ${BIG}`);
    log(`big api: ${int(a.rowsPerSec)} rows/s, RSS ${fmt(a.rss!.beforeMB, 1)} → peak ${fmt(a.rss!.peakMB, 1)} MB`);
    const p = await viaPg(sqlFor(tb));
    log(`big pg: ${int(p.rowsPerSec)} rows/s`);
    big = { api: a, pg: p };
  }

  // Time to first row, many times: the same N-row query, stopped after its first 1,000 rows
  // (the API truncates at maxRows and closes the cursor; the direct client closes it likewise).
  log(`time to first row: ${TTFR_N} alternating queries each`);
  const ttfrApi: number[] = [];
  const ttfrPg: number[] = [];
  const firstRowsPg = async (sql: string): Promise<number> => {
    const t0 = performance.now();
    const client = await direct.connect();
    try {
      const cursor = client.query(new Cursor(sql, [], { rowMode: 'array' }));
      const batch = await cursor.read(BATCH);
      const t = performance.now() - t0;
      if (batch.length !== BATCH) throw new Error('short first batch');
      await cursor.read(BATCH);
      await cursor.close();
      return t;
    } finally {
      client.release();
    }
  };
  for (let i = 0; i < TTFR_N; i++) {
    if (i % 2 === 0) {
      ttfrApi.push((await viaApi(sqlFor(t1), 1000)).ttfrMs);
      ttfrPg.push(await firstRowsPg(sqlFor(t1)));
    } else {
      ttfrPg.push(await firstRowsPg(sqlFor(t1)));
      ttfrApi.push((await viaApi(sqlFor(t1), 1000)).ttfrMs);
    }
  }
  ttfrApi.sort((a, b) => a - b);
  ttfrPg.sort((a, b) => a - b);

  // One-row query overhead: sequential, keep-alive, after warm-up; alternating blocks.
  log(`one-row queries: ${ONE_ROW_N} each`);
  const oneSql = 'select 1';
  const apiLat: number[] = [];
  const pgLat: number[] = [];
  const apiOne = async (): Promise<number> => {
    const t0 = performance.now();
    const r = await viaApi(oneSql, 10);
    if (r.rows !== 1) throw new Error('select 1 returned no row');
    return performance.now() - t0;
  };
  const pgOne = async (): Promise<number> => {
    const t0 = performance.now();
    const r = await direct.query(oneSql);
    if (r.rows.length !== 1) throw new Error('select 1 returned no row');
    return performance.now() - t0;
  };
  for (let i = 0; i < 300; i++) {
    await apiOne();
    await pgOne();
  }
  const block = Math.max(1, Math.floor(ONE_ROW_N / 4));
  for (let done = 0; done < ONE_ROW_N; done += block) {
    const n = Math.min(block, ONE_ROW_N - done);
    for (let i = 0; i < n; i++) apiLat.push(await apiOne());
    for (let i = 0; i < n; i++) pgLat.push(await pgOne());
  }
  apiLat.sort((a, b) => a - b);
  pgLat.sort((a, b) => a - b);

  const rssAtEnd = rssOf(server.pid);
  await server.stop();

  // ---- report
  const rps = (xs: RunResult[]) => xs.map((r) => r.rowsPerSec);
  const ttfr = (xs: RunResult[]) => xs.map((r) => r.ttfrMs);
  const summary = {
    machine: machine(),
    config: { store: argv.store, rows: ROWS, iterations: ITER, big: BIG, oneRow: ONE_ROW_N, batch: BATCH, resultMaxRows: 'default (10000)', cpuProf: argv['cpu-prof'] },
    streaming: {
      api: { medianRowsPerSec: median(rps(apiRuns)), minRowsPerSec: Math.min(...rps(apiRuns)), ttfrP50: median(ttfr(apiRuns)), runs: apiRuns },
      pg: { medianRowsPerSec: median(rps(pgRuns)), minRowsPerSec: Math.min(...rps(pgRuns)), ttfrP50: median(ttfr(pgRuns)), runs: pgRuns },
    },
    big,
    ttfr: {
      api: { p50: percentile(ttfrApi, 50), p90: percentile(ttfrApi, 90), p99: percentile(ttfrApi, 99) },
      pg: { p50: percentile(ttfrPg, 50), p90: percentile(ttfrPg, 90), p99: percentile(ttfrPg, 99) },
    },
    oneRow: {
      api: { p50: percentile(apiLat, 50), p90: percentile(apiLat, 90), p99: percentile(apiLat, 99), max: apiLat[apiLat.length - 1] },
      pg: { p50: percentile(pgLat, 50), p90: percentile(pgLat, 90), p99: percentile(pgLat, 99), max: pgLat[pgLat.length - 1] },
    },
    rssAtEndMB: rssAtEnd / 2 ** 20,
  };
  const outDir = path.join(ROOT, 'bench/query/.results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `query-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(summary, null, 2));

  const s = summary.streaming;
  const ratio = s.api.medianRowsPerSec / s.pg.medianRowsPerSec;
  const addedTtfr = summary.ttfr.api.p50 - summary.ttfr.pg.p50;
  const growth = Math.max(...apiRuns.map((r) => r.rss!.growthMB), big?.api.rss?.growthMB ?? 0);
  const o = summary.oneRow;
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const out: string[] = [];
  out.push(machineMarkdown(), '', `Atrium's own store: ${argv.store}.`, '');
  out.push(`Streaming ${int(ROWS)} rows × 5 columns (int, text, numeric, timestamptz, bool), ${ITER} interleaved iterations each:`, '');
  out.push('| path | median rows/s | min rows/s | TTFR p50 (ms) | median total (s) |', '|---|---:|---:|---:|---:|');
  out.push(`| Atrium HTTP API (NDJSON, parsed by the client) | ${int(s.api.medianRowsPerSec)} | ${int(s.api.minRowsPerSec)} | ${fmt(s.api.ttfrP50)} | ${fmt(median(apiRuns.map((r) => r.ms)) / 1000)} |`);
  out.push(`| pg + pg-cursor direct (batches of ${BATCH}) | ${int(s.pg.medianRowsPerSec)} | ${int(s.pg.minRowsPerSec)} | ${fmt(s.pg.ttfrP50)} | ${fmt(median(pgRuns.map((r) => r.ms)) / 1000)} |`, '');
  out.push('Server RSS during each API run (sampled every 50 ms from /proc/<pid>/status):', '');
  out.push('| run | rows | before (MB) | peak (MB) | after (MB) | growth = peak − before (MB) |', '|---|---:|---:|---:|---:|---:|');
  apiRuns.forEach((r, i) => out.push(`| ${i + 1} | ${int(r.rows)} | ${fmt(r.rss!.beforeMB, 1)} | ${fmt(r.rss!.peakMB, 1)} | ${fmt(r.rss!.afterMB, 1)} | ${fmt(r.rss!.growthMB, 1)} |`));
  if (big) out.push(`| big | ${int(big.api.rows)} | ${fmt(big.api.rss!.beforeMB, 1)} | ${fmt(big.api.rss!.peakMB, 1)} | ${fmt(big.api.rss!.afterMB, 1)} | ${fmt(big.api.rss!.growthMB, 1)} |`);
  out.push('');
  if (big) out.push(`${int(BIG)} rows once: API ${int(big.api.rowsPerSec)} rows/s, direct ${int(big.pg.rowsPerSec)} rows/s (ratio ${fmt(big.api.rowsPerSec / big.pg.rowsPerSec)}).`, '');
  const tt = summary.ttfr;
  out.push(`Time to first row, ${TTFR_N} alternating queries each of the ${int(ROWS)}-row table, stopped after the first 1,000 rows (time until the first \`rows\` event is parsed, resp. the first \`cursor.read(${BATCH})\` returns):`, '');
  out.push('| path | p50 (ms) | p90 (ms) | p99 (ms) |', '|---|---:|---:|---:|');
  out.push(`| Atrium HTTP API | ${fmt(tt.api.p50, 3)} | ${fmt(tt.api.p90, 3)} | ${fmt(tt.api.p99, 3)} |`);
  out.push(`| pg + pg-cursor direct | ${fmt(tt.pg.p50, 3)} | ${fmt(tt.pg.p90, 3)} | ${fmt(tt.pg.p99, 3)} |`);
  out.push(`| added (API − direct) | ${fmt(tt.api.p50 - tt.pg.p50, 3)} | ${fmt(tt.api.p90 - tt.pg.p90, 3)} | ${fmt(tt.api.p99 - tt.pg.p99, 3)} |`, '');
  out.push(`One-row query (\`select 1\`), ${ONE_ROW_N} sequential requests each after 300 warm-up, keep-alive:`, '');
  out.push('| path | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |', '|---|---:|---:|---:|---:|');
  out.push(`| Atrium HTTP API | ${fmt(o.api.p50, 3)} | ${fmt(o.api.p90, 3)} | ${fmt(o.api.p99, 3)} | ${fmt(o.api.max!, 3)} |`);
  out.push(`| pg pooled client direct | ${fmt(o.pg.p50, 3)} | ${fmt(o.pg.p90, 3)} | ${fmt(o.pg.p99, 3)} | ${fmt(o.pg.max!, 3)} |`);
  out.push(`| added (API − direct) | ${fmt(o.api.p50 - o.pg.p50, 3)} | ${fmt(o.api.p90 - o.pg.p90, 3)} | ${fmt(o.api.p99 - o.pg.p99, 3)} | |`, '');
  out.push('| target | measured | |', '|---|---|---|');
  out.push(`| rows/s ≥ 0.8× direct | ${fmt(ratio)}× | ${met(ratio >= 0.8)} |`);
  out.push(`| added time to first row ≤ 2 ms | ${fmt(addedTtfr, 3)} ms (p50 of ${TTFR_N}; in the full runs: ${fmt(s.api.ttfrP50 - s.pg.ttfrP50)} ms) | ${met(addedTtfr <= 2)} |`);
  out.push(`| server memory growth ≤ 64 MB | ${fmt(growth, 1)} MB (worst run) | ${met(growth <= 64)} |`);
  out.push(`| one-row overhead p50 ≤ 0.5 ms | ${fmt(o.api.p50 - o.pg.p50, 3)} ms | ${met(o.api.p50 - o.pg.p50 <= 0.5)} |`);
  out.push(`| one-row overhead p99 ≤ 2 ms | ${fmt(o.api.p99 - o.pg.p99, 3)} ms | ${met(o.api.p99 - o.pg.p99 <= 2)} |`, '');
  out.push(`JSON: ${path.relative(ROOT, file)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  log('FAILED:', e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
