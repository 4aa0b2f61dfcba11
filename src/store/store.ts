/**
 * Opens the database: SQLite (better-sqlite3, WAL, foreign keys on, full fsync on commit so an
 * acknowledged write survives a crash) by default, PostgreSQL when a postgres:// URL is given.
 * Both go through one Kysely instance typed by `Database`; callers never branch on the dialect.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './store-schema.js';
import { migrateToLatest } from './store-migrations.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the root handle or a transaction: repositories accept both. */
export type DbOrTx = Kysely<Database>;

export interface Store {
  readonly db: Db;
  /**
   * For reads outside a transaction on hot paths. SQLite: a second, read-only connection — in WAL
   * mode it reads the last committed state without waiting for a write transaction in progress on
   * `db`. PostgreSQL: the same pool as `db`.
   */
  readonly read: Db;
  readonly dialect: Dialect;
  /** A human-readable location (a file path, or host/database — never a password). */
  readonly location: string;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL: LISTEN on a channel with a dedicated connection (reconnecting after errors);
   * returns a function that stops listening. SQLite has no notifications: returns null.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<(() => Promise<void>) | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Run migrations (default true). */
  migrate?: boolean;
  poolMax?: number;
}

export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable url)';
  }
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  let db: Db;
  let read: Db;
  let dialect: Dialect;
  let location: string;
  if (opts.databaseUrl) {
    dialect = 'postgres';
    location = describeDatabaseUrl(opts.databaseUrl);
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client's error (e.g. the server restarting) must not crash the process.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    read = db;
  } else {
    dialect = 'sqlite';
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    location = path.join(opts.dataDir, 'atrium.db');
    const database = new SQLite(location);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    // Opened lazily: the file and its WAL exist once the writer (and migrations) ran.
    let reader: SQLite.Database | undefined;
    read = new Kysely<Database>({
      dialect: new SqliteDialect({
        database: async () => {
          reader ??= new SQLite(location, { readonly: true, fileMustExist: true });
          reader.pragma('busy_timeout = 5000');
          return reader;
        },
      }),
    });
  }

  const store: Store = {
    db,
    read,
    dialect,
    location,
    transaction: (fn) => db.transaction().execute(fn),
    async listen(channel, onNotify) {
      if (!opts.databaseUrl) return null;
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
      let stopped = false;
      let client: pg.Client | null = null;
      let retry: NodeJS.Timeout | undefined;
      const connect = async () => {
        if (stopped) return;
        const c = new pg.Client({ connectionString: opts.databaseUrl });
        c.on('notification', (m) => onNotify(m.payload ?? ''));
        // A dropped connection: reconnect in a second; missed notifications are caught by polling.
        c.on('error', () => {
          void c.end().catch(() => {});
          if (!stopped) retry = setTimeout(() => void connect().catch(() => {}), 1000);
        });
        await c.connect();
        await c.query(`LISTEN ${channel}`);
        client = c;
      };
      await connect();
      return async () => {
        stopped = true;
        clearTimeout(retry);
        await client?.end().catch(() => {});
      };
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (read !== db) await read.destroy();
      await db.destroy();
    },
  };

  try {
    await store.ping();
    if (opts.migrate !== false) await migrateToLatest(db);
  } catch (err) {
    if (read !== db) await read.destroy().catch(() => {});
    await db.destroy().catch(() => {});
    throw new Error(`Cannot open the database at ${location}: ${(err as Error).message}`);
  }
  return store;
}
