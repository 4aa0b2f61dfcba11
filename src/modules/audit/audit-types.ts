/** Who did something, from where: carried from the HTTP request (or the CLI) into every write. */
export interface RequestContext {
  actorType: 'user' | 'system' | 'anonymous';
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export const systemContext = (requestId: string | null = null): RequestContext => ({
  actorType: 'system',
  actorId: null,
  ip: null,
  userAgent: null,
  requestId,
});

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
