/*
 * Issue 9, point 7: credential masking in query errors was an oracle for a connection's password.
 * `select 'guess1|guess2|…'::int` on a PostgreSQL connection came back as
 * `invalid input syntax for type integer: "guess1|***|…"` — the masked guess was the password.
 * Any masking that depends on whether the text contains the password answers that question, so a
 * query error's message must be a function of the database's message alone. Before the fix the
 * oracle tests below failed (the right guess came back as ***); connect-time messages were and
 * stay scrubbed (their text comes from the connection's settings, not from a query).
 */
import { describe, expect, it } from 'vitest';
import { SqlConnectorError, describeSqlError, redactEchoedValues, scrubbed } from './sql-errors.js';

const PW = 'Zq8-unmistakable-Pw-4471!';
const DECOY = 'Xr5-differentiable-Qa-9012?'; // same length, not the password

const queryError = (message: string, details: { position?: number; dbCode?: string } = {}) => new SqlConnectorError('query_error', message, details);

/** What an attacker compares: the answer, with the one guess that differs put back to a placeholder. */
const normalized = (message: string, guess: string) => message.split(guess).join('GUESS');

describe('query errors are not a password oracle', () => {
  // Messages exactly as PostgreSQL, MariaDB and DuckDB word them, with a list of guesses inside.
  const echoes: [string, (g: string) => string, string][] = [
    ['pg invalid input', (g) => `invalid input syntax for type integer: "guess1|${g}|guess3"`, '22P02'],
    ['pg out of range', (g) => `value "${g}" is out of range for type integer`, '22003'],
    ['pg malformed literal', (g) => `malformed array literal: "{${g}"`, '22P02'],
    ['pg date/time', (g) => `date/time field value out of range: "${g}"`, '22008'],
    ['pg to_date', (g) => `invalid value "${g}" for "YYYY"`, '22007'],
    ['pg identifier', (g) => `column "${g}" does not exist`, '42703'],
    ['pg setting name', (g) => `unrecognized configuration parameter "${g}"`, '42704'],
    ['pg raise exception', (g) => `guess1|${g}|guess3`, 'P0001'],
    ['mysql incorrect value', (g) => `Incorrect integer value: 'guess1|${g}' for column \`db\`.\`t\`.\`i\` at row 1`, '1366'],
    ['mysql truncated', (g) => `Truncated incorrect INTEGER value: '${g}'`, '1292'],
    ['mysql unknown column', (g) => `Unknown column '${g}' in 'SELECT'`, '1054'],
    ['mysql signal', (g) => `guess1|${g}`, '1644'],
    ['duckdb conversion', (g) => `Conversion Error: Could not convert string '${g}' to INT32`, ''],
  ];

  it.each(echoes)('%s: the answer is the same whether or not a guess is the password', (_n, make, dbCode) => {
    const withPw = scrubbed(queryError(make(PW), { dbCode, position: 8 }), PW);
    const withDecoy = scrubbed(queryError(make(DECOY), { dbCode, position: 8 }), PW);
    expect(normalized(withPw.message, PW)).toBe(normalized(withDecoy.message, DECOY));
    expect(withPw.message).not.toContain('***');
    expect(withPw.position).toBe(8);
    expect(withPw.dbCode).toBe(dbCode);
  });

  it('read-only violations are not masked by the password either', () => {
    const a = scrubbed(new SqlConnectorError('read_only_violation', `This connection is read-only: cannot execute INSERT in a read-only transaction ("${PW}").`), PW);
    const b = scrubbed(new SqlConnectorError('read_only_violation', `This connection is read-only: cannot execute INSERT in a read-only transaction ("${DECOY}").`), PW);
    expect(normalized(a.message, PW)).toBe(normalized(b.message, DECOY));
  });
});

describe('values a database echoes back are dropped from query errors', () => {
  it.each([
    ['invalid input syntax for type integer: "a|b|c"', 'invalid input syntax for type integer: "…"'],
    ['invalid input syntax for type uuid: "x"', 'invalid input syntax for type uuid: "…"'],
    ['invalid input value for enum mood: "sadd"', 'invalid input value for enum mood: "…"'],
    ['invalid input syntax for type integer: "a"b"', 'invalid input syntax for type integer: "…"'],
    ['value "99999999999" is out of range for type integer', 'value "…" is out of range for type integer'],
    ['malformed array literal: "{x"', 'malformed array literal: "…"'],
    ['date/time field value out of range: "2024-13-45"', 'date/time field value out of range: "…"'],
    ['invalid value "x" for "YYYY"', 'invalid value "…" for "YYYY"'],
    ['invalid hexadecimal digit: "z"', 'invalid hexadecimal digit: "…"'],
    ["Incorrect integer value: 'a|pw|b' for column `db`.`t`.`i` at row 1", "Incorrect integer value: '…' for column `db`.`t`.`i` at row 1"],
    ["Truncated incorrect DOUBLE value: 'a|pw|b'", "Truncated incorrect DOUBLE value: '…'"],
    ["Conversion Error: Could not convert string 'abc' to INT32", "Conversion Error: Could not convert string '…' to INT32"],
  ])('%s', (message, expected) => {
    const out = scrubbed(queryError(message, { position: 8, dbCode: '22P02' }), PW);
    expect(out.message).toBe(expected);
    expect(redactEchoedValues(message)).toBe(expected);
    expect(out.code).toBe('query_error');
    expect(out.position).toBe(8);
    expect(out.dbCode).toBe('22P02');
  });

  it('keeps what the user needs to fix their own SQL: names, syntax errors and positions', () => {
    for (const m of ['relation "no_such_table_xyz" does not exist', 'syntax error at or near "selec"', 'column "regoin" does not exist', 'division by zero', "Table 'db.pw' doesn't exist"]) {
      const out = scrubbed(queryError(m, { position: 15, dbCode: '42P01' }), PW);
      expect(out.message).toBe(m);
      expect(out.position).toBe(15);
      expect(describeSqlError(out)).toEqual({ code: 'query_error', message: m, details: { position: 15, dbCode: '42P01' }, status: 400 });
    }
  });
});

describe('connect-time messages are still scrubbed', () => {
  it.each(['auth_failed', 'connection_failed', 'database_not_found', 'host_unreachable'] as const)('%s', (code) => {
    const e = new SqlConnectorError(code, `PostgreSQL refused user '${PW}'.`);
    const out = scrubbed(e, PW);
    expect(out.message).not.toContain(PW);
    expect(out.code).toBe(code);
    expect(scrubbed(new SqlConnectorError(code, 'nothing secret here'), PW).message).toBe('nothing secret here');
  });
});
