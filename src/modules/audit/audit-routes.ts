import { z } from 'zod';
import { WorkspaceAction } from '../../access/access-types.js';
import { requirePrincipal } from '../../http/http-auth.js';
import { WsParams, type ZApp } from '../../http/http-schemas.js';
import type { Services } from '../../http/http-services.js';
import { authorize } from '../authz/authz-service.js';

const AuditQuery = z.strictObject({
  action: z.string().max(100).optional(),
  actorId: z.string().max(200).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z.coerce.number().int().positive().optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function registerAuditRoutes(app: ZApp, s: Services): void {
  app.get('/workspaces/:ws/audit-events', { schema: { tags: ['audit'], summary: 'The audit log, newest first (admins)', params: WsParams, querystring: AuditQuery } }, async (req) => {
    const p = requirePrincipal(req);
    const ws = await s.workspaces.getForUser(req.params.ws, p.userId);
    authorize(s.authz, p, WorkspaceAction.read_audit, { type: 'workspace', workspaceId: ws.id });
    const q = req.query;
    const norm = (t?: string) => (t ? new Date(t).toISOString() : undefined);
    return s.audit.list(ws.id, { action: q.action, actorId: q.actorId, targetType: q.targetType, targetId: q.targetId, since: norm(q.since), until: norm(q.until), before: q.cursor, limit: q.limit });
  });
}
