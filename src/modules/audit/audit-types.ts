/** The audit log's shapes. Who acted (RequestContext) is the shared kernel's: src/context.ts. */
export { type RequestContext, systemContext } from '../../context.js';

export interface AuditInput {
  /** '' for events outside any workspace */
  workspaceId: string;
  action: string;
  targetType?: string;
  targetId?: string;
  /** Never a secret: recordAudit rejects keys that look like one. */
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: string;
  workspaceId: string;
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
