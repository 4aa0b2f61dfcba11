/**
 * Response shapes the console reads, as the API returns them (see /api/v1/openapi.json). The
 * OpenAPI document describes requests but not yet responses, so these are written by hand.
 */

export type Role = 'admin' | 'editor' | 'viewer' | 'guest';
export type LevelName = 'none' | 'can_view' | 'can_edit' | 'full_access';
export type GrantLevel = Exclude<LevelName, 'none'>;
export type SqlType = 'postgres' | 'mysql' | 'sqlite' | 'duckdb';

export interface Workspace {
  id: string;
  slug: string;
  name: string;
  plan: string;
  role: Role;
  allowedActions: string[];
}

export interface Me {
  user: { id: string; email: string; name: string; createdAt: string };
  workspaces: Workspace[];
  authenticatedVia: 'session' | 'token';
  csrfToken?: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Group {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  memberCount?: number;
}

export interface GroupsList {
  builtin: Group[];
  custom: Group[];
}

export interface GroupMember {
  userId: string;
  email: string;
  name: string;
  addedAt: string;
}

/** One (user, project) whose effective level would drop (rule 7). */
export interface ImpactRow {
  userId: string;
  projectId: string;
  from: LevelName;
  to: LevelName;
  missingAssets?: string[];
}

export interface DataConnection {
  id: string;
  name: string;
  type: SqlType;
  config: Record<string, unknown>;
  hasPassword: boolean;
  readOnly: boolean;
  scope: 'workspace' | 'project';
  projectId: string | null;
  access: string[];
  version: number;
  isDefault: boolean;
  usageCount: number;
  allowedActions: string[];
  createdAt: string;
  updatedAt: string;
  imported?: boolean;
  canQuery?: boolean;
}

export interface Secret {
  id: string;
  name: string | null;
  description: string;
  scope: 'workspace' | 'project';
  projectId: string | null;
  access: string[];
  currentVersion: number;
  version: number;
  usageCount?: number;
  allowedActions?: string[];
  canReveal?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Usage {
  count: number;
  projects: { id: string; name: string; visible: boolean }[];
}

export interface DeletePreview {
  applied: boolean;
  usage: Usage;
  isDefault: boolean;
  irreversible: boolean;
}

export interface Project {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  access: { level: LevelName };
  allowedActions: string[];
}

export interface ProjectAccess {
  projectId: string;
  level: LevelName;
  granted: LevelName;
  cappedBy?: string;
  downgradedBy: string[];
  allowedActions: string[];
}

export type GrantSubject = { type: 'user'; userId: string } | { type: 'group'; groupId: string } | { type: 'public' };

export interface Grant {
  subject: GrantSubject;
  label: string;
  level: GrantLevel;
  createdAt: string;
}

export interface AffectedUser {
  userId: string;
  granted: LevelName;
  effective: LevelName;
  missingAssets: string[];
}

export interface ImportRow {
  id: string;
  kind: string;
  name: string | null;
  scope: 'workspace' | 'project';
  visible: boolean;
  usable: boolean;
}

export interface ImportableAsset {
  id: string;
  kind: string;
  name: string;
}

export interface Column {
  name: string;
  type: string;
}

export interface StoredQuerySummary {
  id: string;
  connectionId: string;
  connectionName: string;
  sql: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  rowCount: number;
  storedRows: number;
  truncated: boolean;
  durationMs: number;
  createdBy: string | null;
  createdAt: string;
}

export interface StoredQuery extends StoredQuerySummary {
  columns: Column[];
  rows: unknown[][];
  error: { code: string; message: string; details?: { position?: number } } | null;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: ('read' | 'write')[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface AuditEvent {
  id: string;
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}
