/**
 * Schema migrations, in code, for both dialects (Kysely's schema builder writes the DDL).
 * Kysely's Migrator runs the pending ones in one transaction under a lock, and records them,
 * so running it on every start is idempotent and safe with several nodes starting at once.
 */
import { type Kysely, type Migration, Migrator } from 'kysely';

const text = 'text' as const;
const int = 'integer' as const;

const m001_foundation: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('workspaces')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('slug', text, (c) => c.notNull().unique())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('plan', text, (c) => c.notNull())
      .addColumn('default_connection_id', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('email', text, (c) => c.notNull().unique())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('password_hash', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('memberships')
      .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['workspace_id', 'user_id'])
      .execute();
    await db.schema.createIndex('memberships_user').on('memberships').column('user_id').execute();

    await db.schema
      .createTable('groups')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('name_key', text, (c) => c.notNull())
      .addColumn('description', text, (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', text, (c) => c.notNull())
      .addUniqueConstraint('groups_ws_name', ['workspace_id', 'name_key'])
      .execute();

    await db.schema
      .createTable('group_members')
      .addColumn('group_id', text, (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
      .execute();
    await db.schema.createIndex('group_members_user').on('group_members').column('user_id').execute();

    await db.schema
      .createTable('projects')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('description', text, (c) => c.notNull().defaultTo(''))
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('projects_ws').on('projects').column('workspace_id').execute();

    await db.schema
      .createTable('project_grants')
      .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('subject_type', text, (c) => c.notNull())
      .addColumn('subject_id', text, (c) => c.notNull())
      .addColumn('level', text, (c) => c.notNull())
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('project_grants_pk', ['project_id', 'subject_type', 'subject_id'])
      .execute();
    await db.schema
      .createIndex('project_grants_subject')
      .on('project_grants')
      .columns(['subject_type', 'subject_id'])
      .execute();

    await db.schema
      .createTable('assets')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('project_id', text, (c) => c.references('projects.id').onDelete('cascade'))
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('name_key', text, (c) => c.notNull())
      // '' for a workspace asset, else the project id: names are unique per scope and kind.
      .addColumn('scope_key', text, (c) => c.notNull())
      .addColumn('access', text, (c) => c.notNull())
      .addColumn('version', int, (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('assets_ws_kind').on('assets').columns(['workspace_id', 'kind']).execute();
    await db.schema.createIndex('assets_unique_name').on('assets').columns(['workspace_id', 'scope_key', 'kind', 'name_key']).unique().execute();

    await db.schema
      .createTable('project_imports')
      .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('asset_id', text, (c) => c.notNull().references('assets.id').onDelete('cascade'))
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('project_imports_pk', ['project_id', 'asset_id'])
      .execute();
    await db.schema.createIndex('project_imports_asset').on('project_imports').column('asset_id').execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', text, (c) => c.primaryKey())
      .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('expires_at', text, (c) => c.notNull())
      .addColumn('last_seen_at', text, (c) => c.notNull())
      .addColumn('ip', text)
      .addColumn('user_agent', text)
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('token_hash', text, (c) => c.notNull().unique())
      .addColumn('prefix', text, (c) => c.notNull())
      .addColumn('scopes', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('expires_at', text)
      .addColumn('last_used_at', text)
      .addColumn('revoked_at', text)
      .execute();
    await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

    await db.schema
      .createTable('data_keys')
      .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('version', int, (c) => c.notNull())
      .addColumn('wrapped', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('data_keys_pk', ['workspace_id', 'version'])
      .execute();

    // Append-only: no foreign keys, so deleting a workspace or user never erases its history.
    await db.schema
      .createTable('audit_events')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('workspace_id', text, (c) => c.notNull())
      .addColumn('seq', int, (c) => c.notNull())
      .addColumn('at', text, (c) => c.notNull())
      .addColumn('actor_type', text, (c) => c.notNull())
      .addColumn('actor_id', text)
      .addColumn('action', text, (c) => c.notNull())
      .addColumn('target_type', text)
      .addColumn('target_id', text)
      .addColumn('ip', text)
      .addColumn('user_agent', text)
      .addColumn('request_id', text)
      .addColumn('details', text, (c) => c.notNull())
      .addColumn('prev_hash', text, (c) => c.notNull())
      .addColumn('hash', text, (c) => c.notNull())
      .addUniqueConstraint('audit_events_chain', ['workspace_id', 'seq'])
      .execute();
    await db.schema.createIndex('audit_events_ws_at').on('audit_events').columns(['workspace_id', 'at']).execute();

    await db.schema
      .createTable('audit_heads')
      .addColumn('chain_id', text, (c) => c.primaryKey())
      .addColumn('seq', int, (c) => c.notNull())
      .addColumn('hash', text, (c) => c.notNull())
      .execute();

    // One row; bumped by every write that changes access facts, so other nodes know to catch up.
    await db.schema
      .createTable('change_counter')
      .addColumn('id', int, (c) => c.primaryKey())
      .addColumn('version', int, (c) => c.notNull())
      .execute();
    await db.insertInto('change_counter').values({ id: 1, version: 0 }).execute();
  },
};

const m002_connections_secrets: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('data_connections')
      .addColumn('asset_id', text, (c) => c.primaryKey().references('assets.id').onDelete('cascade'))
      .addColumn('type', text, (c) => c.notNull())
      /** JSON: host, port, database, user, sslMode, path… — never a credential */
      .addColumn('config', text, (c) => c.notNull())
      /** ciphertext of the JSON credentials ({password}), or null */
      .addColumn('credentials', text)
      .addColumn('read_only', int, (c) => c.notNull().defaultTo(0))
      .addColumn('schema_cache', text)
      .addColumn('schema_cached_at', text)
      .execute();

    await db.schema
      .createTable('query_results')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
      // Results are not assets (rule 6): they outlive the connection that produced them.
      .addColumn('connection_id', text)
      .addColumn('connection_name', text, (c) => c.notNull())
      .addColumn('sql', text, (c) => c.notNull())
      .addColumn('status', text, (c) => c.notNull())
      .addColumn('columns', text, (c) => c.notNull())
      .addColumn('rows', text, (c) => c.notNull())
      .addColumn('row_count', int, (c) => c.notNull())
      .addColumn('stored_row_count', int, (c) => c.notNull())
      .addColumn('truncated', int, (c) => c.notNull())
      .addColumn('error', text)
      .addColumn('duration_ms', int, (c) => c.notNull())
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('query_results_project').on('query_results').columns(['project_id', 'created_at']).execute();

    await db.schema
      .createTable('secrets')
      .addColumn('asset_id', text, (c) => c.primaryKey().references('assets.id').onDelete('cascade'))
      .addColumn('description', text, (c) => c.notNull().defaultTo(''))
      .addColumn('current_version', int, (c) => c.notNull())
      .addColumn('keep_versions', int, (c) => c.notNull())
      .addColumn('last_used_at', text)
      .addColumn('last_used_project_id', text)
      .execute();

    await db.schema
      .createTable('secret_versions')
      .addColumn('asset_id', text, (c) => c.notNull().references('assets.id').onDelete('cascade'))
      .addColumn('version', int, (c) => c.notNull())
      /** ciphertext; the value never exists here in plaintext */
      .addColumn('value', text, (c) => c.notNull())
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('secret_versions_pk', ['asset_id', 'version'])
      .execute();
  },
};

/** Members join by invitation: a one-time link (only its hash is kept) the invitee answers with their own password. */
const m003_invitations: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('invitations')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('email', text, (c) => c.notNull())
      .addColumn('role', text, (c) => c.notNull())
      /** SHA-256 of the one-time token; the token itself is shown once and never stored */
      .addColumn('token_hash', text, (c) => c.notNull().unique())
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('expires_at', text, (c) => c.notNull())
      .addColumn('accepted_at', text)
      .addColumn('accepted_by', text)
      .addColumn('revoked_at', text)
      .execute();
    await db.schema.createIndex('invitations_workspace').on('invitations').columns(['workspace_id', 'email']).execute();
  },
};

/** Git packages: providers (rule 11 as two unique columns), package kind rows, and each project's pin. */
const m005_git_packages: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('git_providers')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('workspace_id', text, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('name_key', text, (c) => c.notNull())
      .addColumn('config', text, (c) => c.notNull())
      /** ciphertext; credentials never exist here in plaintext */
      .addColumn('credentials', text, (c) => c.notNull())
      .addColumn('installation_id', int)
      .addColumn('github_workspace_key', text, (c) => c.unique())
      .addColumn('github_account_key', text, (c) => c.unique())
      .addColumn('github_account_login', text)
      .addColumn('github_account_id', int)
      .addColumn('version', int, (c) => c.notNull())
      .addColumn('created_by', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .addUniqueConstraint('git_providers_name', ['workspace_id', 'name_key'])
      .execute();

    await db.schema
      .createTable('git_packages')
      .addColumn('asset_id', text, (c) => c.primaryKey().references('assets.id').onDelete('cascade'))
      // A provider in use cannot be deleted (the service says so first; this is the backstop).
      .addColumn('provider_id', text, (c) => c.notNull().references('git_providers.id'))
      .addColumn('repository', text, (c) => c.notNull())
      .addColumn('ref_kind', text, (c) => c.notNull())
      .addColumn('ref_name', text, (c) => c.notNull())
      .addColumn('commands', text, (c) => c.notNull())
      .addColumn('network', int, (c) => c.notNull().defaultTo(0))
      .addColumn('description', text, (c) => c.notNull().defaultTo(''))
      .addColumn('resolved_commit', text)
      .addColumn('resolved_at', text)
      .execute();
    await db.schema.createIndex('git_packages_provider').on('git_packages').column('provider_id').execute();

    await db.schema
      .createTable('project_packages')
      .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('asset_id', text, (c) => c.notNull().references('assets.id').onDelete('cascade'))
      .addColumn('commit', text, (c) => c.notNull())
      .addColumn('status', text, (c) => c.notNull())
      .addColumn('artifact_key', text)
      .addColumn('log', text, (c) => c.notNull().defaultTo(''))
      .addColumn('error', text)
      .addColumn('pinned_by', text)
      .addColumn('pinned_at', text, (c) => c.notNull())
      .addColumn('installed_at', text)
      .addColumn('updated_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('project_packages_pk', ['project_id', 'asset_id'])
      .execute();
    await db.schema.createIndex('project_packages_asset').on('project_packages').column('asset_id').execute();
  },
};

const m004_file_integrations: Migration = {
  async up(db: Kysely<any>) {
    // A file integration's own row (the asset row holds name, groups, version): S3 settings,
    // the encrypted key pair, the writeback switch. Deleted with its asset.
    await db.schema
      .createTable('file_integrations')
      .addColumn('asset_id', text, (c) => c.primaryKey().references('assets.id').onDelete('cascade'))
      .addColumn('config', text, (c) => c.notNull())
      .addColumn('credentials', text, (c) => c.notNull())
      .addColumn('writeback', int, (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * The GitHub OAuth step: who linked the workspace's GitHub account — the admin's GitHub login and
 * user id as GitHub reported them, the Atrium user, and when. No token: the OAuth user token is
 * used during the callback only.
 */
const m006_github_link: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('git_providers').addColumn('github_linked_login', text).execute();
    await db.schema.alterTable('git_providers').addColumn('github_linked_id', int).execute();
    await db.schema.alterTable('git_providers').addColumn('github_linked_by', text).execute();
    await db.schema.alterTable('git_providers').addColumn('github_linked_at', text).execute();
  },
};

export const migrations: Record<string, Migration> = {
  '001_foundation': m001_foundation,
  '002_connections_secrets': m002_connections_secrets,
  '003_invitations': m003_invitations,
  '004_file_integrations': m004_file_integrations,
  '005_git_packages': m005_git_packages,
  '006_github_link': m006_github_link,
};

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'atrium_migrations',
    migrationLockTableName: 'atrium_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

