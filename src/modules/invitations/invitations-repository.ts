/** The only code that touches the `invitations` table. */
import type { DbOrTx } from '../../store/store.js';
import type { InvitationsTable } from '../../store/store-schema.js';

export interface InvitationRow {
  id: string;
  workspaceId: string;
  email: string;
  role: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  acceptedBy: string | null;
  revokedAt: string | null;
}

const toRow = (r: InvitationsTable): InvitationRow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  email: r.email,
  role: r.role,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  acceptedAt: r.accepted_at,
  acceptedBy: r.accepted_by,
  revokedAt: r.revoked_at,
});

export function createInvitationsRepository() {
  return {
    async insert(tx: DbOrTx, row: InvitationRow & { tokenHash: string }): Promise<void> {
      await tx
        .insertInto('invitations')
        .values({
          id: row.id,
          workspace_id: row.workspaceId,
          email: row.email,
          role: row.role,
          token_hash: row.tokenHash,
          created_by: row.createdBy,
          created_at: row.createdAt,
          expires_at: row.expiresAt,
          accepted_at: null,
          accepted_by: null,
          revoked_at: null,
        })
        .execute();
    },
    async byId(tx: DbOrTx, workspaceId: string, id: string): Promise<InvitationRow | null> {
      const r = await tx.selectFrom('invitations').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
      return r ? toRow(r) : null;
    },
    async byTokenHash(tx: DbOrTx, tokenHash: string): Promise<InvitationRow | null> {
      const r = await tx.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return r ? toRow(r) : null;
    },
    /** Pending invitations of an email in a workspace (at most one is kept pending). */
    async pendingFor(tx: DbOrTx, workspaceId: string, email: string, now: string): Promise<InvitationRow[]> {
      const rows = await tx
        .selectFrom('invitations')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('email', '=', email)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
      return rows.map(toRow);
    },
    async list(tx: DbOrTx, workspaceId: string, limit: number): Promise<InvitationRow[]> {
      const rows = await tx.selectFrom('invitations').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at', 'desc').limit(limit).execute();
      return rows.map(toRow);
    },
    /** Marks a pending invitation revoked; false when it was not pending any more. */
    async revoke(tx: DbOrTx, id: string, at: string): Promise<boolean> {
      const r = await tx.updateTable('invitations').set({ revoked_at: at }).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Marks it accepted, only if still pending: a token works once, even when two accepts race. */
    async markAccepted(tx: DbOrTx, id: string, userId: string, at: string): Promise<boolean> {
      const r = await tx
        .updateTable('invitations')
        .set({ accepted_at: at, accepted_by: userId })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}

export type InvitationsRepository = ReturnType<typeof createInvitationsRepository>;
