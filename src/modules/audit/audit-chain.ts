/**
 * The audit log's hash chain. Each workspace (and the '' chain for events outside one) is a
 * sequence; an event's hash covers its content and the previous event's hash, so editing,
 * deleting or reordering any stored event breaks every later link.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from './audit-types.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Stable JSON: object keys sorted, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(e: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalJson({
    id: e.id,
    workspaceId: e.workspaceId,
    seq: e.seq,
    at: e.at,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    details: e.details,
  });
  return createHash('sha256').update(e.prevHash).update('\n').update(body).digest('hex');
}

export interface ChainBreak {
  workspaceId: string;
  seq: number;
  eventId: string | null;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';
}

/** Walks one chain's events in seq order; returns the first broken link, or null. */
export function verifyChain(
  events: Iterable<AuditEvent>,
  head?: { seq: number; hash: string },
): ChainBreak | null {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let ws = '';
  for (const e of events) {
    ws = e.workspaceId;
    if (e.seq !== expectedSeq) return { workspaceId: ws, seq: expectedSeq, eventId: e.id, reason: 'sequence_gap' };
    if (e.prevHash !== prev) return { workspaceId: ws, seq: e.seq, eventId: e.id, reason: 'prev_hash_mismatch' };
    if (eventHash(e) !== e.hash) return { workspaceId: ws, seq: e.seq, eventId: e.id, reason: 'hash_mismatch' };
    prev = e.hash;
    expectedSeq++;
  }
  // Deleting the newest events leaves a consistent prefix: the head row catches that.
  if (head && (head.seq !== expectedSeq - 1 || head.hash !== prev)) {
    return { workspaceId: ws, seq: expectedSeq, eventId: null, reason: 'head_mismatch' };
  }
  return null;
}
