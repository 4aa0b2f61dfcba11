/** The audit log: its filters and its events. */
import { z } from 'zod';
import { Id, MAX_INT32, Timestamp } from '../../http/http-schemas.js';

// ---- requests
export const AuditQuery = z.strictObject({
  action: z.string().max(100).optional(),
  actorId: z.string().max(200).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z.coerce.number().int().positive().max(MAX_INT32).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

// ---- responses
export const AuditEvent = z
  .object({
    id: Id,
    workspaceId: z.string().describe("'' for events outside any workspace"),
    seq: z.number().int(),
    at: Timestamp,
    actorType: z.string().describe('user, system or anonymous'),
    actorId: Id.nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).describe('Never holds a secret'),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const AuditPage = z
  .object({ events: z.array(AuditEvent), nextCursor: z.number().int().nullable().describe('Pass as cursor for the next page; null on the last') })
  .meta({ id: 'AuditPage' });
