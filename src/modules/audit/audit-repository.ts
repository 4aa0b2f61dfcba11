/** The audit log's tables: `audit_events` (append-only) and `audit_heads` (each chain's last link). */
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../store/store.js';
import type { AuditEventsTable } from '../../store/store-schema.js';
import { GENESIS_HASH } from './audit-chain.js';
import type { AuditEvent } from './audit-types.js';

export interface AuditFilters {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  since?: string;
  until?: string;
  /** return events with seq < before (pagination cursor) */
  before?: number;
  limit: number;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

function toRow(e: AuditEvent): AuditEventsTable {
  return {
    id: e.id,
    workspace_id: e.workspaceId,
    seq: e.seq,
    at: e.at,
    actor_type: e.actorType,
    actor_id: e.actorId,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    details: JSON.stringify(e.details),
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

function toEvent(r: AuditEventsTable): AuditEvent {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    seq: Number(r.seq),
    at: r.at,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function createAuditRepository(db: Db) {
  return {
    /** Takes a chain's head with a row lock (PostgreSQL; SQLite serialises writers anyway), creating it at genesis. */
    async lockHead(tx: DbOrTx, chain: string): Promise<ChainHead> {
      await tx.insertInto('audit_heads').values({ chain_id: chain, seq: 0, hash: GENESIS_HASH }).onConflict((oc) => oc.column('chain_id').doNothing()).execute();
      await tx.updateTable('audit_heads').set({ seq: sql`seq` }).where('chain_id', '=', chain).execute();
      const head = await tx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain_id', '=', chain).executeTakeFirstOrThrow();
      return { seq: Number(head.seq), hash: head.hash };
    },

    async insertEvents(tx: DbOrTx, events: AuditEvent[]): Promise<void> {
      // Bound the statement size (SQLite allows 32k bound parameters; an event binds 15).
      for (let i = 0; i < events.length; i += 500) await tx.insertInto('audit_events').values(events.slice(i, i + 500).map(toRow)).execute();
    },

    async setHead(tx: DbOrTx, chain: string, head: ChainHead): Promise<void> {
      await tx.updateTable('audit_heads').set({ seq: head.seq, hash: head.hash }).where('chain_id', '=', chain).execute();
    },

    async list(workspaceId: string, f: AuditFilters): Promise<AuditEvent[]> {
      let q = db.selectFrom('audit_events').selectAll().where('workspace_id', '=', workspaceId);
      if (f.action) q = q.where('action', '=', f.action);
      if (f.actorId) q = q.where('actor_id', '=', f.actorId);
      if (f.targetType) q = q.where('target_type', '=', f.targetType);
      if (f.targetId) q = q.where('target_id', '=', f.targetId);
      if (f.since) q = q.where('at', '>=', f.since);
      if (f.until) q = q.where('at', '<', f.until);
      if (f.before !== undefined) q = q.where('seq', '<', f.before);
      return (await q.orderBy('seq', 'desc').limit(f.limit).execute()).map(toEvent);
    },

    async heads(chain?: string): Promise<(ChainHead & { chainId: string })[]> {
      let q = db.selectFrom('audit_heads').select(['chain_id', 'seq', 'hash']);
      if (chain !== undefined) q = q.where('chain_id', '=', chain);
      return (await q.orderBy('chain_id').execute()).map((h) => ({ chainId: h.chain_id, seq: Number(h.seq), hash: h.hash }));
    },

    /** Chains that hold events but have no head row. */
    async chainsWithoutHead(known: string[]): Promise<string[]> {
      const rows = await db.selectFrom('audit_events').select('workspace_id').distinct().where('workspace_id', 'not in', known.length ? known : ['\u0000']).execute();
      return rows.map((r) => r.workspace_id);
    },

    async chain(chain: string): Promise<AuditEvent[]> {
      return (await db.selectFrom('audit_events').selectAll().where('workspace_id', '=', chain).orderBy('seq', 'asc').execute()).map(toEvent);
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
