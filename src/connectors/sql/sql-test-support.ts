/** Shared by the connector tests (not a test file itself). */
import net from 'node:net';
import { SqlConnectorError, type SqlErrorCode } from './sql-errors.js';
import type { QueryEvent, QueryOptions, SqlConnector } from './sql-types.js';

/** A password distinctive enough that finding it in a message cannot be a coincidence. */
export const SECRET_PW = 'Zq8-unmistakable-Pw-4471!';

export function requireEnv(name: string, howTo: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: the SQL connector tests need a real server. ${howTo}`);
  return v;
}

export const limits = (over: Partial<{ poolMax: number; connectTimeoutMs: number }> = {}) => ({
  poolMax: 3,
  connectTimeoutMs: 3000,
  ssrf: { enabled: true },
  ...over,
});

export function opts(over: Partial<QueryOptions> = {}): QueryOptions {
  return { maxRows: 10_000, timeoutMs: 10_000, readOnly: false, signal: new AbortController().signal, ...over };
}

export interface Collected {
  events: QueryEvent[];
  columns: { name: string; type: string }[];
  rows: unknown[][];
  batches: number;
  end: { rowCount: number; truncated: boolean } | null;
}

export async function collect(it: AsyncIterable<QueryEvent>): Promise<Collected> {
  const out: Collected = { events: [], columns: [], rows: [], batches: 0, end: null };
  for await (const e of it) {
    out.events.push(e.type === 'rows' ? { type: 'rows', rows: [] } : e);
    if (e.type === 'columns') out.columns = e.columns;
    else if (e.type === 'rows') {
      out.batches++;
      for (const r of e.rows) out.rows.push(r);
    } else out.end = { rowCount: e.rowCount, truncated: e.truncated };
  }
  return out;
}

/** Runs `fn` and returns the SqlConnectorError it throws (fails if it does not throw one). */
export async function failure(fn: () => Promise<unknown>): Promise<SqlConnectorError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof SqlConnectorError) return e;
    throw new Error(`expected a SqlConnectorError, got: ${String(e)}`, { cause: e });
  }
  throw new Error('expected a failure, but it succeeded');
}

export function expectNoSecret(e: SqlConnectorError, secret = SECRET_PW): void {
  const text = `${e.message} ${JSON.stringify(e)} ${String(e)} ${e.stack ?? ''}`;
  if (text.includes(secret)) throw new Error(`the password leaked into a ${e.code} error: ${e.message}`);
}

export function assertCode(e: SqlConnectorError, code: SqlErrorCode): void {
  if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
}

/** A TCP server on loopback that accepts connections and never says a word. */
export async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Starts a query, aborts after `afterMs`, returns the error and how long the stop took. */
export async function cancelAfter(
  connector: SqlConnector,
  sql: string,
  afterMs: number,
  over: Partial<QueryOptions> = {},
): Promise<{ error: SqlConnectorError; stopMs: number }> {
  const ac = new AbortController();
  let abortedAt = 0;
  const t = setTimeout(() => {
    abortedAt = Date.now();
    ac.abort();
  }, afterMs);
  try {
    const error = await failure(() => collect(connector.query(sql, opts({ timeoutMs: 30_000, ...over, signal: ac.signal }))));
    return { error, stopMs: Date.now() - abortedAt };
  } finally {
    clearTimeout(t);
  }
}
