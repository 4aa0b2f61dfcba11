import { randomBytes } from 'node:crypto';

/** Prefixed random identifiers: the prefix says what an id names when it shows up in a log. */
export type IdPrefix = 'ws' | 'usr' | 'grp' | 'prj' | 'ast' | 'tok' | 'evt' | 'ses' | 'qry' | 'inv' | 'gpr';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) out += ALPHABET[bytes[i]! & 31];
  return `${prefix}_${out}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
