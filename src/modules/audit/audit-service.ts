/**
 * Writes audit events inside the caller's transaction (so an event exists iff its change
 * committed), reads them back with filters, and verifies the hash chains.
 */
import { sql } from 'kysely';
import { newId, nowIso } from '../../ids.js';
import type { Db, DbOrTx } from '../../store/store.js';
import type { AuditEventsTable } from '../../store/store-schema.js';
import { GENESIS_HASH, type ChainBreak, eventHash, verifyChain } from './audit-chain.js';
import type { AuditEvent, AuditInput, RequestContext } from './audit-types.js';

/** Keys that would mean a secret is about to be written to the log: a programming error. */
const SECRET_KEY = /^(password|passwd|secret|secretvalue|value|token|apikey|secretaccesskey|privatekey|credentials?|masterkey)$/i;

function assertNoSecrets(value: unknown, path = 'details'): void {
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEY.test(k)) throw new Error(`audit ${path}.${k}: refusing to log a field that may hold a secret`);
    assertNoSecrets(v, `${path}.${k}`);
  }
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

export function createAuditService(deps: { db: Db }) {
  /** Must be called inside a transaction: the head row's update serialises writers of a chain. */
  async function record(tx: DbOrTx, ctx: RequestContext, input: AuditInput): Promise<AuditEvent> {
    const [event] = await recordMany(tx, [{ ctx, input }]);
    return event!;
  }

  /**
   * Appends several events in order, inside the caller's transaction: per chain, the head is
   * locked and read once, the events are inserted together, and the head is updated once.
   */
  async function recordMany(tx: DbOrTx, items: { ctx: RequestContext; input: AuditInput }[]): Promise<AuditEvent[]> {
    for (const it of items) assertNoSecrets(it.input.details ?? {});
    const chains = [...new Set(items.map((i) => i.input.workspaceId))];
    const heads = new Map<string, { seq: number; hash: string }>();
    for (const chain of chains) {
      // Take the chain's head with a row lock (PostgreSQL) — SQLite serialises writers anyway.
      await tx
        .insertInto('audit_heads')
        .values({ chain_id: chain, seq: 0, hash: GENESIS_HASH })
        .onConflict((oc) => oc.column('chain_id').doNothing())
        .execute();
      await tx.updateTable('audit_heads').set({ seq: sql`seq` }).where('chain_id', '=', chain).execute();
      const head = await tx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain_id', '=', chain).executeTakeFirstOrThrow();
      heads.set(chain, { seq: Number(head.seq), hash: head.hash });
    }
    const events: AuditEvent[] = [];
    for (const { ctx, input } of items) {
      const head = heads.get(input.workspaceId)!;
      const base: Omit<AuditEvent, 'hash'> = {
        id: newId('evt'),
        workspaceId: input.workspaceId,
        seq: head.seq + 1,
        at: nowIso(),
        actorType: ctx.actorType,
        actorId: ctx.actorId,
        action: input.action,
        targetType: input.targetType ?? null,
        targetId: input.targetId ?? null,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        requestId: ctx.requestId,
        details: input.details ?? {},
        prevHash: head.hash,
      };
      const event: AuditEvent = { ...base, hash: eventHash(base) };
      heads.set(input.workspaceId, { seq: event.seq, hash: event.hash });
      events.push(event);
    }
    // Bound the statement size (SQLite allows 32k bound parameters; an event binds 15).
    for (let i = 0; i < events.length; i += 500) {
      await tx.insertInto('audit_events').values(events.slice(i, i + 500).map(toRow)).execute();
    }
    for (const [chain, head] of heads) {
      await tx.updateTable('audit_heads').set({ seq: head.seq, hash: head.hash }).where('chain_id', '=', chain).execute();
    }
    return events;
  }

  async function list(workspaceId: string, f: AuditFilters): Promise<{ events: AuditEvent[]; nextCursor: number | null }> {
    let q = deps.db.selectFrom('audit_events').selectAll().where('workspace_id', '=', workspaceId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.actorId) q = q.where('actor_id', '=', f.actorId);
    if (f.targetType) q = q.where('target_type', '=', f.targetType);
    if (f.targetId) q = q.where('target_id', '=', f.targetId);
    if (f.since) q = q.where('at', '>=', f.since);
    if (f.until) q = q.where('at', '<', f.until);
    if (f.before !== undefined) q = q.where('seq', '<', f.before);
    const rows = await q.orderBy('seq', 'desc').limit(f.limit + 1).execute();
    const events = rows.slice(0, f.limit).map(toEvent);
    const nextCursor = rows.length > f.limit ? events[events.length - 1]!.seq : null;
    return { events, nextCursor };
  }

  /** Verifies every chain (or one workspace's); returns the first broken link of each broken chain. */
  async function verify(workspaceId?: string): Promise<{ chains: number; events: number; breaks: ChainBreak[] }> {
    let chainsQ = deps.db.selectFrom('audit_heads').select(['chain_id', 'seq', 'hash']);
    if (workspaceId !== undefined) chainsQ = chainsQ.where('chain_id', '=', workspaceId);
    const heads = await chainsQ.orderBy('chain_id').execute();
    // Events whose chain has no head row at all are a break too.
    const orphan = await deps.db
      .selectFrom('audit_events')
      .select('workspace_id')
      .distinct()
      .where('workspace_id', 'not in', heads.length ? heads.map((h) => h.chain_id) : ['\u0000'])
      .execute();
    const breaks: ChainBreak[] = orphan
      .filter((o) => workspaceId === undefined || o.workspace_id === workspaceId)
      .map((o) => ({ workspaceId: o.workspace_id, seq: 1, eventId: null, reason: 'head_mismatch' as const }));
    let count = 0;
    for (const h of heads) {
      const rows = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('workspace_id', '=', h.chain_id)
        .orderBy('seq', 'asc')
        .execute();
      count += rows.length;
      const br = verifyChain(rows.map(toEvent), { seq: Number(h.seq), hash: h.hash });
      if (br) breaks.push({ ...br, workspaceId: h.chain_id });
    }
    return { chains: heads.length, events: count, breaks };
  }

  return { record, recordMany, list, verify };
}

export type AuditService = ReturnType<typeof createAuditService>;
