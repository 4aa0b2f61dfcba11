/**
 * Writes audit events inside the caller's transaction (so an event exists iff its change
 * committed), reads them back with filters, and verifies the hash chains. Bursts of events
 * (secret reveals, stored results) go through the store's group commit with `recordMany`.
 */
import { newId, nowIso } from '../../ids.js';
import type { Caller } from '../../context.js';
import type { DbOrTx } from '../../store/store.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import { type ChainBreak, eventHash, verifyChain } from './audit-chain.js';
import { type AuditFilters, type AuditRepository, type ChainHead, createAuditRepository } from './audit-repository.js';
import type { Db } from '../../store/store.js';
import { WorkspaceAction } from '../../access/access-types.js';
import type { AuditEvent, AuditInput, RequestContext } from './audit-types.js';

export type { AuditFilters } from './audit-repository.js';

/** One event to append: who, and what. The payload of the store's group commit. */
export interface AuditWrite {
  ctx: RequestContext;
  input: AuditInput;
}

/** Keys that would mean a secret is about to be written to the log: a programming error. */
const SECRET_KEY = /^(password|passwd|secret|secretvalue|value|token|apikey|secretaccesskey|privatekey|credentials?|masterkey)$/i;

function assertNoSecrets(value: unknown, path = 'details'): void {
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEY.test(k)) throw new Error(`audit ${path}.${k}: refusing to log a field that may hold a secret`);
    assertNoSecrets(v, `${path}.${k}`);
  }
}

/** Takes its repository (the composition root) or a database handle (the CLI, tests). */
export function createAuditService(deps: { repo: AuditRepository } | { db: Db }) {
  const repo = 'repo' in deps ? deps.repo : createAuditRepository(deps.db);

  /** Must be called inside a transaction: the head row's update serialises writers of a chain. */
  async function record(tx: DbOrTx, ctx: RequestContext, input: AuditInput): Promise<AuditEvent> {
    const [event] = await recordMany(tx, [{ ctx, input }]);
    return event!;
  }

  /**
   * Appends several events in order, inside the caller's transaction: per chain, the head is
   * locked and read once, the events are inserted together, and the head is updated once.
   */
  async function recordMany(tx: DbOrTx, items: AuditWrite[]): Promise<AuditEvent[]> {
    for (const it of items) assertNoSecrets(it.input.details ?? {});
    const heads = new Map<string, ChainHead>();
    for (const chain of new Set(items.map((i) => i.input.workspaceId))) heads.set(chain, await repo.lockHead(tx, chain));
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
    await repo.insertEvents(tx, events);
    for (const [chain, head] of heads) await repo.setHead(tx, chain, head);
    return events;
  }

  async function list(workspaceId: string, f: AuditFilters): Promise<{ events: AuditEvent[]; nextCursor: number | null }> {
    const rows = await repo.list(workspaceId, { ...f, limit: f.limit + 1 });
    const events = rows.slice(0, f.limit);
    const nextCursor = rows.length > f.limit ? events[events.length - 1]!.seq : null;
    return { events, nextCursor };
  }

  /** Verifies every chain (or one workspace's); returns the first broken link of each broken chain. */
  async function verify(workspaceId?: string): Promise<{ chains: number; events: number; breaks: ChainBreak[] }> {
    const heads = await repo.heads(workspaceId);
    // Events whose chain has no head row at all are a break too.
    const orphans = await repo.chainsWithoutHead(heads.map((h) => h.chainId));
    const breaks: ChainBreak[] = orphans
      .filter((o) => workspaceId === undefined || o === workspaceId)
      .map((o) => ({ workspaceId: o, seq: 1, eventId: null, reason: 'head_mismatch' as const }));
    let count = 0;
    for (const h of heads) {
      const events = await repo.chain(h.chainId);
      count += events.length;
      const br = verifyChain(events, { seq: h.seq, hash: h.hash });
      if (br) breaks.push({ ...br, workspaceId: h.chainId });
    }
    return { chains: heads.length, events: count, breaks };
  }

  return { record, recordMany, list, verify };
}

export type AuditService = ReturnType<typeof createAuditService>;

/** The audit log as a caller reads it: admins of the workspace (rule: read_audit). */
export function createAuditReader(deps: {
  audit: Pick<AuditService, 'list'>;
  policies: Pick<AuthzPolicies, 'assertWorkspace'>;
  /** the workspaces module (above this one): resolves a `{ws}` reference for a caller */
  workspaces: { resolve(caller: Caller, ref: string): Promise<{ id: string }> };
}) {
  return {
    async list(caller: Caller, wsRef: string, f: AuditFilters) {
      const ws = await deps.workspaces.resolve(caller, wsRef);
      deps.policies.assertWorkspace(caller, ws.id, WorkspaceAction.read_audit);
      return deps.audit.list(ws.id, f);
    },
  };
}
