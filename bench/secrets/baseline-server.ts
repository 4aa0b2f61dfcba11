/**
 * The bare baseline of the secret reveal benchmark: a minimal Fastify server whose one route
 * selects the current secret_versions row of a secret from Atrium's own database and decrypts it
 * with Atrium's crypto (src/crypto) — no authentication, authorization, audit or bookkeeping.
 *
 *   node --import tsx bench/secrets/baseline-server.ts --port P (--data-dir DIR | --database-url URL)
 *   ATRIUM_MASTER_KEY must be the server's key (or DIR/master.key is used).
 *
 * SQLite: a read-only better-sqlite3 connection on DIR/atrium.db (WAL, so it reads alongside the
 * running Atrium). PostgreSQL: a pg pool. Route: POST /reveal/:assetId → { name, value, version }.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { openMasterKeyring } from '../../src/crypto/crypto-master-keys.js';
import { createCryptoService, type DataKeyStore } from '../../src/crypto/crypto-service.js';

const { values: argv } = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } });

interface Row { workspace_id: string; name: string; value: string; version: number }

const SECRET_SQL = `SELECT a.workspace_id, a.name, v.value, v.version
  FROM secrets s
  JOIN secret_versions v ON v.asset_id = s.asset_id AND v.version = s.current_version
  JOIN assets a ON a.id = s.asset_id
 WHERE s.asset_id = $1`;
const KEY_SQL = 'SELECT version, wrapped FROM data_keys WHERE workspace_id = $1 AND version = $2';
const ACTIVE_KEY_SQL = 'SELECT version, wrapped FROM data_keys WHERE workspace_id = $1 ORDER BY version DESC LIMIT 1';

let selectSecret: (assetId: string) => Promise<Row | undefined>;
let dataKeys: DataKeyStore;
const dataDir = path.resolve(argv['data-dir'] ?? '.');

if (argv['database-url']) {
  const pool = new pg.Pool({ connectionString: argv['database-url'], max: 10 });
  selectSecret = async (id) => (await pool.query<Row>(SECRET_SQL, [id])).rows[0];
  const get = async (ws: string, version?: number) => {
    const r = version === undefined ? await pool.query(ACTIVE_KEY_SQL, [ws]) : await pool.query(KEY_SQL, [ws, version]);
    const row = r.rows[0] as { version: number; wrapped: string } | undefined;
    return row ? { version: Number(row.version), wrapped: row.wrapped } : undefined;
  };
  dataKeys = { getWrapped: get, listAll: async () => [], insert: async () => { throw new Error('read-only'); }, updateWrapped: async () => { throw new Error('read-only'); } };
} else {
  const db = new Database(path.join(dataDir, 'atrium.db'), { readonly: true, fileMustExist: true });
  const q = (sql: string) => db.prepare(sql.replace(/\$\d/g, '?'));
  const secretStmt = q(SECRET_SQL);
  const keyStmt = q(KEY_SQL);
  const activeStmt = q(ACTIVE_KEY_SQL);
  selectSecret = async (id) => secretStmt.get(id) as Row | undefined;
  const get = async (ws: string, version?: number) => {
    const row = (version === undefined ? activeStmt.get(ws) : keyStmt.get(ws, version)) as { version: number; wrapped: string } | undefined;
    return row ? { version: Number(row.version), wrapped: row.wrapped } : undefined;
  };
  dataKeys = { getWrapped: get, listAll: async () => [], insert: async () => { throw new Error('read-only'); }, updateWrapped: async () => { throw new Error('read-only'); } };
}

const crypto = createCryptoService({ keyring: openMasterKeyring({ masterKey: process.env.ATRIUM_MASTER_KEY, dataDir }), dataKeys });

const app = Fastify({ logger: false });
app.get('/readyz', async () => ({ ok: true }));
app.post<{ Params: { assetId: string } }>('/reveal/:assetId', async (req, reply) => {
  const row = await selectSecret(req.params.assetId);
  if (!row) return reply.status(404).send({ error: 'not found' });
  // The same AAD as Atrium's secrets service: `secret:<assetId>` (bound to the workspace inside).
  const value = await crypto.decryptForWorkspace(row.workspace_id, row.value, `secret:${req.params.assetId}`);
  return { name: row.name, value, version: Number(row.version) };
});
await app.listen({ host: '127.0.0.1', port: Number(argv.port) });
