/** The audit log: parse the filters, call the audit reader, present. */
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { AuditFilters } from './audit-service.js';
import { AuditPage, AuditQuery } from './audit-schema.js';

export function registerAuditRoutes(app: ZApp, s: { audit: { list(caller: ReturnType<typeof callerOf>, ws: string, f: AuditFilters): Promise<unknown> } }): void {
  app.get('/workspaces/:ws/audit-events', { schema: { tags: ['audit'], summary: 'The audit log, newest first (admins)', params: WsParams, querystring: AuditQuery, response: { 200: AuditPage, ...errorResponses } } }, async (req) => {
    const q = req.query;
    const norm = (t?: string) => (t ? new Date(t).toISOString() : undefined);
    return s.audit.list(callerOf(req), req.params.ws, { action: q.action, actorId: q.actorId, targetType: q.targetType, targetId: q.targetId, since: norm(q.since), until: norm(q.until), before: q.cursor, limit: q.limit }) as never;
  });
}
