/**
 * One-row query latency: through the sandboxed worker pool (the SQLite/DuckDB connectors as the
 * server uses them: text filter, guard, pipe round trip to a warm bwrap'd worker, JSON) against the
 * old in-process path (better-sqlite3 / @duckdb/node-api opened directly in this process, kept
 * open, one prepared-and-read statement per query), in the same run, interleaved in rounds so
 * drift hits both sides alike. The goal: p50 overhead <= 1 ms.
 *
 *   npx tsx bench/sandbox/run.ts [--iterations 2000] [--rounds 10] [--warmup 200]
 *
 * Needs bubblewrap (scripts/services/bubblewrap.sh install) and root. Prints markdown on stdout
 * (progress on stderr) and writes JSON to bench/sandbox/.results/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, JsonDuckDBValueConverter } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { createSqlConnector } from '../../src/connectors/sql/sql-connector.js';
import type { SqlConnector } from '../../src/connectors/sql/sql-types.js';
import { rowToJsonSafe } from '../../src/connectors/sql/sql-values.js';
import { assertSandboxAvailable } from '../../src/sandbox/sandbox-bwrap.js';
import { fmt, log, machine, machineMarkdown, percentile } from '../common/bench-env.js';

const { values: argv } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '200' },
  },
});
const N = Number(argv.iterations);
const ROUNDS = Number(argv.rounds);
const WARMUP = Number(argv.warmup);
const SQL = 'SELECT id, name, amount FROM items WHERE id = 42';

type Run = () => Promise<unknown>;

function sandboxed(c: SqlConnector): Run {
  return async () => {
    let rows = 0;
    for await (const e of c.query(SQL, { maxRows: 1000, timeoutMs: 30_000, readOnly: true, signal: new AbortController().signal })) if (e.type === 'rows') rows += e.rows.length;
    if (rows !== 1) throw new Error(`expected one row, got ${rows}`);
  };
}

async function measure(a: Run, b: Run): Promise<{ a: number[]; b: number[] }> {
  for (let i = 0; i < WARMUP; i++) {
    await a();
    await b();
  }
  const out = { a: [] as number[], b: [] as number[] };
  const per = Math.ceil(N / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [run, into] of [[a, out.a], [b, out.b]] as const) {
      for (let i = 0; i < per; i++) {
        const t = performance.now();
        await run();
        into.push(performance.now() - t);
      }
    }
  }
  return out;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((x, y) => x + y, 0) / s.length };
};

async function main(): Promise<void> {
  assertSandboxAvailable();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-sandbox-'));
  fs.chmodSync(dir, 0o755);
  const limits = { poolMax: 2, connectTimeoutMs: 5000, ssrf: { enabled: true } };
  const results: Record<string, { inProcess: ReturnType<typeof stats>; sandboxed: ReturnType<typeof stats> }> = {};
  try {
    // SQLite: 10 000 rows, a primary-key lookup.
    const sqliteFile = path.join(dir, 'bench.db');
    const setup = new Database(sqliteFile);
    setup.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, amount REAL);
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) INSERT INTO items SELECT x, 'item ' || x, x * 1.5 FROM c;`);
    setup.close();
    const direct = new Database(sqliteFile, { readonly: true });
    const sqliteDirect: Run = async () => {
      const stmt = direct.prepare(SQL).raw(true).safeIntegers(true);
      const rows = [];
      for (const r of stmt.iterate() as IterableIterator<unknown[]>) rows.push(rowToJsonSafe(r));
      if (rows.length !== 1) throw new Error('expected one row');
    };
    const sqliteConn = createSqlConnector('sqlite', { path: sqliteFile }, {}, limits);
    log('sqlite: measuring');
    const s = await measure(sqliteDirect, sandboxed(sqliteConn));
    results.sqlite = { inProcess: stats(s.a), sandboxed: stats(s.b) };
    await sqliteConn.close();
    direct.close();

    // DuckDB: the same table in a file.
    const duckFile = path.join(dir, 'bench.duckdb');
    {
      const inst = await DuckDBInstance.create(duckFile);
      const c = await inst.connect();
      await c.run(`CREATE TABLE items AS SELECT range::INTEGER AS id, 'item ' || range AS name, range * 1.5 AS amount FROM range(1, 10001)`);
      c.closeSync();
      inst.closeSync();
    }
    const inst = await DuckDBInstance.create(duckFile, { access_mode: 'READ_ONLY' });
    const dc = await inst.connect();
    const duckDirect: Run = async () => {
      const r = await dc.stream(SQL);
      let rows = 0;
      for (;;) {
        const chunk = await r.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        rows += chunk.convertRows(JsonDuckDBValueConverter).length;
      }
      if (rows !== 1) throw new Error('expected one row');
    };
    const duckConn = createSqlConnector('duckdb', { path: duckFile }, {}, limits);
    log('duckdb: measuring');
    const d = await measure(duckDirect, sandboxed(duckConn));
    results.duckdb = { inProcess: stats(d.a), sandboxed: stats(d.b) };
    await duckConn.close();
    dc.closeSync();
    inst.closeSync();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const outDir = path.join(import.meta.dirname, '.results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `sandbox-${Date.now()}.json`), JSON.stringify({ machine: machine(), n: N, rounds: ROUNDS, warmup: WARMUP, results }, null, 2));

  const lines = [
    `One-row query (\`${SQL}\`, 10 000-row table), ${N} timed queries per side after ${WARMUP} warm-up, interleaved in ${ROUNDS} rounds.`,
    '',
    '| engine | in-process p50 | in-process p99 | sandboxed p50 | sandboxed p99 | p50 overhead | p50 ratio | p99 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [engine, r] of Object.entries(results)) {
    lines.push(
      `| ${engine} | ${fmt(r.inProcess.p50, 3)} ms | ${fmt(r.inProcess.p99, 3)} ms | ${fmt(r.sandboxed.p50, 3)} ms | ${fmt(r.sandboxed.p99, 3)} ms | ${fmt(r.sandboxed.p50 - r.inProcess.p50, 3)} ms | ${fmt(r.sandboxed.p50 / r.inProcess.p50, 1)}x | ${fmt(r.sandboxed.p99 / r.inProcess.p99, 1)}x |`,
    );
  }
  lines.push('', machineMarkdown());
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
