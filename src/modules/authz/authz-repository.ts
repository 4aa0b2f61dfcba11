/**
 * The authorization module's own table, `change_counter`: bumped in every transaction that
 * changes access facts, so every node (and the CLI) knows when its index is behind. The facts
 * themselves live in the tables of their modules; `loadAccessFacts` asks each owning repository.
 */
import { sql } from 'kysely';
import type { AccessFacts, GrantSubject } from '../../access/access-types.js';
import type { Db, DbOrTx, Store } from '../../store/store.js';

export const CHANGE_CHANNEL = 'atrium_access_changes';

export function createAuthzRepository(store: Pick<Store, 'db' | 'dialect'>) {
  async function readVersion(db: DbOrTx = store.db): Promise<number> {
    const row = await db.selectFrom('change_counter').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.version);
  }
  return {
    readVersion,
    /** Inside the writing transaction: bumps the shared change counter, returns the new version. */
    async bump(tx: DbOrTx): Promise<number> {
      await tx.updateTable('change_counter').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute();
      const v = await readVersion(tx);
      // Delivered to the other nodes when (and only if) this transaction commits.
      if (store.dialect === 'postgres') await sql`select pg_notify(${CHANGE_CHANNEL}, ${String(v)})`.execute(tx);
      return v;
    },
  };
}

export type AuthzRepository = ReturnType<typeof createAuthzRepository>;

/** A part of the access facts, read by the repository that owns those rows. */
export type FactsSource = (db: Db) => Promise<Partial<AccessFacts>>;

export async function loadAccessFacts(db: Db, sources: FactsSource[]): Promise<AccessFacts> {
  const facts: AccessFacts = { members: [], groups: [], groupMembers: [], projects: [], grants: [], assets: [], imports: [] };
  for (const part of await Promise.all(sources.map((s) => s(db)))) Object.assign(facts, part);
  return facts;
}

export function subjectFromRow(type: string, id: string): GrantSubject {
  if (type === 'user') return { type: 'user', userId: id };
  if (type === 'group') return { type: 'group', groupId: id };
  return { type: 'public' };
}

export function subjectToRow(s: GrantSubject): { subject_type: string; subject_id: string } {
  if (s.type === 'user') return { subject_type: 'user', subject_id: s.userId };
  if (s.type === 'group') return { subject_type: 'group', subject_id: s.groupId };
  return { subject_type: 'public', subject_id: '' };
}
