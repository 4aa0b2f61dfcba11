/*
 * Issue 9, point 7 — credential masking in query errors was an oracle for a connection's password.
 *
 * Attack: an editor who may use a PostgreSQL connection (but never sees its password) runs
 * `select 'guess1|guess2|…'::int`. PostgreSQL answers `invalid input syntax for type integer:
 * "guess1|guess2|…"`, and the connector replaced the password inside that text by `***` — so the
 * guess that came back masked was the password. Same with identifiers (`select "guess"` →
 * `column "guess" does not exist`). Safe outcome: the answer does not depend on whether a guess
 * is the password (compared with a decoy of the same length, the two answers are identical once
 * each guess is put back to a placeholder).
 *
 * Needs the PostgreSQL that `npm test` starts (ATRIUM_TEST_PG_URL); fails loudly without it.
 *
 * On the code as it was when these tests were written (before the fix in
 * src/connectors/sql/sql-errors.ts), FAILED: both oracle tests (the right guess came back as ***).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../helpers/test-app.js';
import { type PgTarget, pgTarget } from '../helpers/test-sql.js';
import { type DemoIds, demoIds, runSql, startApp } from './security-app.js';

let t: TestApp;
let ids: DemoIds;
let pgt: PgTarget;
let editor: Client;
let connId: string;

beforeAll(async () => {
  pgt = await pgTarget();
  t = await startApp();
  ids = await demoIds(t);
  const admin = await t.login('admin@demo.local');
  editor = await t.login('editor@demo.local');
  const c = await admin.post(`/api/v1/workspaces/${ids.ws}/data-connections`, {
    name: 'Sales PG',
    type: 'postgres',
    config: { host: pgt.host, port: pgt.port, database: pgt.database, user: pgt.user, sslMode: 'disable' },
    password: pgt.password,
    access: ['workspace'],
  });
  expect(c.statusCode, c.body).toBe(201);
  connId = c.json().id;
  const imp = await admin.post(`/api/v1/projects/${ids.revenue}/imports`, { assetId: connId, confirm: true });
  expect(imp.statusCode, imp.body).toBeLessThan(300);
});
afterAll(async () => {
  await t?.close();
  await pgt?.drop();
});

/** A string as long as the password, certainly not it. */
const decoyFor = (pw: string) => 'D'.repeat(pw.length);

async function answer(sql: string): Promise<string> {
  const out = await runSql(editor, ids.revenue, { connectionId: connId, sql });
  expect(out.error, `expected an error for ${sql}`).not.toBeNull();
  return out.error!.message;
}

describe('point 7: query errors are not an oracle for the connection password', () => {
  it('select \'guess1|guess2|…\'::int answers the same whether or not a guess is the password', async () => {
    const pw = pgt.password;
    const decoy = decoyFor(pw);
    const withPw = await answer(`select 'summer2024|${pw}|hunter2'::int`);
    const withDecoy = await answer(`select 'summer2024|${decoy}|hunter2'::int`);
    expect(withPw.split(pw).join('GUESS')).toBe(withDecoy.split(decoy).join('GUESS'));
    expect(withPw).not.toContain('***');
  });

  it('select "guess" (an identifier) answers the same whether or not it is the password', async () => {
    const pw = pgt.password;
    const decoy = decoyFor(pw);
    const withPw = await answer(`select "${pw}"`);
    const withDecoy = await answer(`select "${decoy}"`);
    expect(withPw.split(pw).join('GUESS')).toBe(withDecoy.split(decoy).join('GUESS'));
  });

  it('keeps the error useful: the position of the mistake is still given', async () => {
    const out = await runSql(editor, ids.revenue, { connectionId: connId, sql: `select 'abc'::int` });
    expect(out.error?.code).toBe('query_error');
    expect(out.error?.details?.position).toBe(8);
  });
});
