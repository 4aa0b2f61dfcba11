/** The git providers module's table: `git_providers` (settings, encrypted credentials, the GitHub link of rule 11). */
import { nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { GitProvidersTable } from '../../store/store-schema.js';

export interface GitProviderRow {
  id: string;
  workspaceId: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  /** ciphertext of the JSON credentials */
  credentials: string;
  installationId: number | null;
  githubAccount: { key: string; login: string; id: number } | null;
  /** Who linked the GitHub account with the OAuth step (their GitHub login and id, the Atrium user, when). */
  githubLinkedBy: GitHubLinkedBy | null;
  version: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface GitHubLinkedBy {
  login: string;
  id: number;
  userId: string | null;
  at: string;
}

const toRow = (r: GitProvidersTable): GitProviderRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  kind: r.kind,
  name: r.name,
  config: JSON.parse(r.config) as Record<string, unknown>,
  credentials: r.credentials,
  installationId: r.installation_id === null ? null : Number(r.installation_id),
  githubAccount: r.github_account_key ? { key: r.github_account_key, login: r.github_account_login ?? '', id: Number(r.github_account_id ?? 0) } : null,
  githubLinkedBy: r.github_linked_login ? { login: r.github_linked_login, id: Number(r.github_linked_id ?? 0), userId: r.github_linked_by, at: r.github_linked_at ?? '' } : null,
  version: Number(r.version),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const isGitHubKind = (kind: string): boolean => kind === 'github' || kind === 'github_enterprise';

export function createGitProvidersRepository(store: Pick<Store, 'db'>) {
  const { db } = store;
  return {
    async get(id: string, tx: DbOrTx = db): Promise<GitProviderRow | undefined> {
      const r = await tx.selectFrom('git_providers').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toRow(r);
    },
    async list(wsId: string): Promise<GitProviderRow[]> {
      return (await db.selectFrom('git_providers').selectAll().where('workspace_id', '=', wsId).orderBy('name_key').execute()).map(toRow);
    },
    async nameClash(tx: DbOrTx, wsId: string, name: string, exceptId?: string): Promise<boolean> {
      let q = tx.selectFrom('git_providers').select('id').where('workspace_id', '=', wsId).where('name_key', '=', name.toLowerCase());
      if (exceptId) q = q.where('id', '!=', exceptId);
      return !!(await q.executeTakeFirst());
    },
    /** Rule 11: the GitHub provider of a workspace, and the workspace an account is linked to. */
    async githubOf(tx: DbOrTx, wsId: string): Promise<string | undefined> {
      return (await tx.selectFrom('git_providers').select('id').where('github_workspace_key', '=', wsId).executeTakeFirst())?.id;
    },
    async accountLinkedTo(tx: DbOrTx, accountKey: string): Promise<{ id: string; workspaceId: string } | undefined> {
      const r = await tx.selectFrom('git_providers').select(['id', 'workspace_id']).where('github_account_key', '=', accountKey).executeTakeFirst();
      return r && { id: r.id, workspaceId: r.workspace_id };
    },
    async insert(tx: DbOrTx, p: GitProviderRow): Promise<void> {
      await tx
        .insertInto('git_providers')
        .values({
          id: p.id,
          workspace_id: p.workspaceId,
          kind: p.kind,
          name: p.name,
          name_key: p.name.toLowerCase(),
          config: JSON.stringify(p.config),
          credentials: p.credentials,
          installation_id: p.installationId,
          github_workspace_key: isGitHubKind(p.kind) ? p.workspaceId : null,
          github_account_key: p.githubAccount?.key ?? null,
          github_account_login: p.githubAccount?.login ?? null,
          github_account_id: p.githubAccount?.id ?? null,
          github_linked_login: p.githubLinkedBy?.login ?? null,
          github_linked_id: p.githubLinkedBy?.id ?? null,
          github_linked_by: p.githubLinkedBy?.userId ?? null,
          github_linked_at: p.githubLinkedBy?.at ?? null,
          version: p.version,
          created_by: p.createdBy,
          created_at: p.createdAt,
          updated_at: p.updatedAt,
        })
        .execute();
    },
    /** Optimistic concurrency: false when the version moved. */
    async update(tx: DbOrTx, id: string, expected: number, set: { name?: string; config?: Record<string, unknown>; credentials?: string; installationId?: number | null; githubAccount?: GitProviderRow['githubAccount']; githubLinkedBy?: GitHubLinkedBy | null }): Promise<boolean> {
      const res = await tx
        .updateTable('git_providers')
        .set((eb) => ({
          version: eb('version', '+', 1),
          updated_at: nowIso(),
          ...(set.name !== undefined ? { name: set.name, name_key: set.name.toLowerCase() } : {}),
          ...(set.config !== undefined ? { config: JSON.stringify(set.config) } : {}),
          ...(set.credentials !== undefined ? { credentials: set.credentials } : {}),
          ...(set.installationId !== undefined ? { installation_id: set.installationId } : {}),
          ...(set.githubAccount !== undefined
            ? { github_account_key: set.githubAccount?.key ?? null, github_account_login: set.githubAccount?.login ?? null, github_account_id: set.githubAccount?.id ?? null }
            : {}),
          // A new account (or none) forgets who linked the old one, unless the link is what is being set.
          ...(set.githubLinkedBy !== undefined || set.githubAccount !== undefined
            ? {
                github_linked_login: set.githubLinkedBy?.login ?? null,
                github_linked_id: set.githubLinkedBy?.id ?? null,
                github_linked_by: set.githubLinkedBy?.userId ?? null,
                github_linked_at: set.githubLinkedBy?.at ?? null,
              }
            : {}),
        }))
        .where('id', '=', id)
        .where('version', '=', expected)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async delete(tx: DbOrTx, id: string): Promise<void> {
      await tx.deleteFrom('git_providers').where('id', '=', id).execute();
    },
    async packageCounts(wsId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('git_packages')
        .innerJoin('git_providers', 'git_providers.id', 'git_packages.provider_id')
        .select(['git_packages.provider_id as id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('git_providers.workspace_id', '=', wsId)
        .groupBy('git_packages.provider_id')
        .execute();
      return new Map(rows.map((r) => [r.id, Number(r.n)]));
    },
  };
}

export type GitProvidersRepository = ReturnType<typeof createGitProvidersRepository>;
