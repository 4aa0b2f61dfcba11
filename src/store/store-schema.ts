/**
 * The database's tables as Kysely sees them. Both dialects store the same shapes:
 * ids and timestamps (ISO-8601 UTC) as text, booleans as 0/1 integers, JSON as text —
 * so one query serves SQLite and PostgreSQL without per-dialect branches.
 */

export interface WorkspacesTable {
  id: string;
  slug: string;
  name: string;
  plan: string;
  default_connection_id: string | null;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  created_at: string;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: string;
}

export interface GroupsTable {
  id: string;
  workspace_id: string;
  name: string;
  name_key: string;
  description: string;
  created_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  created_at: string;
}

export interface ProjectsTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectGrantsTable {
  project_id: string;
  /** 'user' | 'group' | 'public' */
  subject_type: string;
  /** user id, group id (custom, or 'workspace'), '' for public */
  subject_id: string;
  level: string;
  created_by: string | null;
  created_at: string;
}

/** The access-relevant part of every asset, whatever its kind. */
export interface AssetsTable {
  id: string;
  workspace_id: string;
  /** null for a workspace asset; a project id for a project-scoped one */
  project_id: string | null;
  kind: string;
  name: string;
  /** lower-cased name, unique per (workspace, scope, kind) */
  name_key: string;
  /** '' for a workspace asset, else the project id */
  scope_key: string;
  /** JSON array of group ids (custom ids or built-in names) */
  access: string;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectImportsTable {
  project_id: string;
  asset_id: string;
  created_by: string | null;
  created_at: string;
}

export interface SessionsTable {
  /** sha256 of the cookie value; the cookie itself is never stored */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** sha256 of the token; the token is shown once at creation */
  token_hash: string;
  /** first characters, to recognise a token in a list */
  prefix: string;
  /** JSON array: 'read' | 'write' */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface DataKeysTable {
  workspace_id: string;
  version: number;
  /** the data key, wrapped by a master key version ("mk<version>:…"); the highest version is active */
  wrapped: string;
  created_at: string;
}

export interface AuditEventsTable {
  id: string;
  /** '' for events outside any workspace (login, token creation…) */
  workspace_id: string;
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** JSON object; never holds a secret */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  chain_id: string;
  seq: number;
  hash: string;
}

export interface ChangeCounterTable {
  id: number;
  version: number;
}

export interface DataConnectionsTable {
  asset_id: string;
  type: string;
  config: string;
  credentials: string | null;
  read_only: number;
  schema_cache: string | null;
  schema_cached_at: string | null;
}

/** A file integration's S3 settings (JSON), encrypted key pair and writeback switch (migration 004). */
export interface FileIntegrationsTable {
  asset_id: string;
  config: string;
  credentials: string;
  writeback: number;
}

export interface QueryResultsTable {
  id: string;
  project_id: string;
  connection_id: string | null;
  connection_name: string;
  sql: string;
  /** 'succeeded' | 'failed' | 'cancelled' */
  status: string;
  columns: string;
  rows: string;
  row_count: number;
  stored_row_count: number;
  truncated: number;
  error: string | null;
  duration_ms: number;
  created_by: string | null;
  created_at: string;
}

export interface SecretsTable {
  asset_id: string;
  description: string;
  current_version: number;
  keep_versions: number;
  last_used_at: string | null;
  last_used_project_id: string | null;
}

export interface SecretVersionsTable {
  asset_id: string;
  version: number;
  value: string;
  created_by: string | null;
  created_at: string;
}

export interface InvitationsTable {
  id: string;
  workspace_id: string;
  email: string;
  role: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
  revoked_at: string | null;
}

/** A git provider of a workspace (modules/git-providers). */
export interface GitProvidersTable {
  id: string;
  workspace_id: string;
  kind: string;
  name: string;
  name_key: string;
  /** JSON: non-secret settings only */
  config: string;
  /** ciphertext of the JSON credentials (token, private key…) */
  credentials: string;
  installation_id: number | null;
  /** rule 11: the workspace id for a GitHub kind (unique: one GitHub provider per workspace), else null */
  github_workspace_key: string | null;
  /** rule 11: `<web host>:<account id>` of the linked GitHub account (unique: one workspace per account) */
  github_account_key: string | null;
  github_account_login: string | null;
  github_account_id: number | null;
  /** Who linked the account with the OAuth step (migration 006): GitHub login and id, Atrium user, when. */
  github_linked_login: string | null;
  github_linked_id: number | null;
  github_linked_by: string | null;
  github_linked_at: string | null;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** A git package's kind row (modules/git-packages). */
export interface GitPackagesTable {
  asset_id: string;
  provider_id: string;
  repository: string;
  /** 'branch' | 'tag' | 'commit' */
  ref_kind: string;
  ref_name: string;
  /** JSON array of shell lines */
  commands: string;
  network: number;
  description: string;
  resolved_commit: string | null;
  resolved_at: string | null;
}

/** A project's pin of a git package, and its install. */
export interface ProjectPackagesTable {
  project_id: string;
  asset_id: string;
  commit: string;
  /** 'pending' | 'installing' | 'installed' | 'failed' */
  status: string;
  artifact_key: string | null;
  log: string;
  /** JSON {code, message} */
  error: string | null;
  pinned_by: string | null;
  pinned_at: string;
  installed_at: string | null;
  updated_at: string;
}

export interface Database {
  data_connections: DataConnectionsTable;
  file_integrations: FileIntegrationsTable;
  query_results: QueryResultsTable;
  secrets: SecretsTable;
  secret_versions: SecretVersionsTable;
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  projects: ProjectsTable;
  project_grants: ProjectGrantsTable;
  assets: AssetsTable;
  project_imports: ProjectImportsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  data_keys: DataKeysTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  change_counter: ChangeCounterTable;
  invitations: InvitationsTable;
  git_providers: GitProvidersTable;
  git_packages: GitPackagesTable;
  project_packages: ProjectPackagesTable;
}

