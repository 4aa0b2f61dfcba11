/**
 * Sandbox failures reach the caller under their own codes (sql-errors.ts): `sandbox_unavailable`
 * (503, with the install hint) when bubblewrap cannot be used — never a silent in-process
 * fallback — and `resource_limit` (422, naming the limit) when a query hits one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SQL_ERROR_STATUS, SqlConnectorError } from './sql-errors.js';
import { collect, limits, opts } from './sql-test-support.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sandbox-errors-'));
fs.chmodSync(dir, 0o755);
const file = path.join(dir, 'db.sqlite');
fs.writeFileSync(file, '');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sandbox failures as connector errors', () => {
  it('bubblewrap missing: sandbox_unavailable, 503, with the install hint', async () => {
    // The bwrap path is read when the sandbox module loads: load a fresh copy that looks elsewhere.
    const saved = process.env.ATRIUM_BWRAP_PATH;
    process.env.ATRIUM_BWRAP_PATH = path.join(dir, 'no-bwrap-here');
    try {
      const { vi } = await import('vitest');
      vi.resetModules();
      const { createSqlConnector } = await import('./sql-connector.js');
      const c = createSqlConnector('sqlite', { path: file }, {}, limits());
      try {
        // A fresh module graph has its own SqlConnectorError class: compare by shape.
        const e = (await collect(c.query('select 1', opts({ readOnly: true }))).then(
          () => null,
          (x: unknown) => x,
        )) as { name: string; code: string; message: string } | null;
        expect(e?.name).toBe('SqlConnectorError');
        expect(e?.code).toBe('sandbox_unavailable');
        expect(e?.message).toMatch(/bubblewrap.*apt-get install -y bubblewrap/s);
      } finally {
        await c.close();
      }
    } finally {
      if (saved === undefined) delete process.env.ATRIUM_BWRAP_PATH;
      else process.env.ATRIUM_BWRAP_PATH = saved;
    }
    expect(SQL_ERROR_STATUS.sandbox_unavailable).toBe(503);
  });

  it('resource_limit is 422 and names its limit in the public shape', () => {
    const e = new SqlConnectorError('resource_limit', 'stopped', { limit: 'output', dbCode: 'output_limit' });
    expect(SQL_ERROR_STATUS.resource_limit).toBe(422);
    expect(e.toJSON()).toEqual({ code: 'resource_limit', message: 'stopped', details: { limit: 'output', dbCode: 'output_limit' } });
  });
});
