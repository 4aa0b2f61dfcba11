/**
 * Data connections: request and response shapes. The password is write-only: the one view of a
 * connection (`SanitizedDataConnectionSchema`, defined once for the workspace and project lists)
 * has only `hasPassword`, so no response can carry a credential.
 */
import { z } from 'zod';
import { SQL_TYPES } from '../../connectors/sql/sql-connector.js';
import { AccessGroups, AssetAllowedActions, Id, IdParam, Name, Timestamp, WorkspaceAllowedActions, PositiveInt32 } from '../../http/http-schemas.js';
import { AccessList } from '../assets/assets-schema.js';

// ---- requests
export const SqlTypeSchema = z.enum(SQL_TYPES).meta({ id: 'SqlType' });
const Config = z
  .record(z.string(), z.unknown())
  .describe(
    'Per type — postgres: {host, port, database, user, sslMode, options}; mysql: {host, port, database, user, sslMode}; sqlite: {} or {path}; duckdb: {}, {path: ":memory:"} or {path}. ' +
      'SQLite/DuckDB without `path`: the connection gets a database file of its own, created empty (fill it with SQL, or upload one with PUT /projects/{projectId}/data-connections/{id}/file). ' +
      'Project connections cannot name a file (`file_not_allowed`); only workspace admins may set `path`, to an existing file in the files directory (ATRIUM_FILES_DIR), never one of Atrium\'s own or another connection\'s.',
  );
const Password = z.string().min(1).max(1024).describe('Write-only: never returned');
export const CreateWorkspaceConnectionBody = z.strictObject({ name: Name, type: SqlTypeSchema, config: Config, password: Password.optional(), readOnly: z.boolean().optional(), access: AccessList.optional() });
export const CreateProjectConnectionBody = z.strictObject({ name: Name, type: SqlTypeSchema, config: Config, password: Password.optional(), readOnly: z.boolean().optional() });
export const ConnectionPatch = z.strictObject({
  name: Name.optional(),
  config: Config.optional(),
  password: Password.nullable().optional().describe('A new password, or null to remove it'),
  readOnly: z.boolean().optional(),
  expectedVersion: PositiveInt32.optional().describe('The version you read: a stale one gets 409'),
});
export const TestConnectionBody = z.strictObject({ type: SqlTypeSchema, config: Config, password: Password.optional() });
export const WsConnParams = z.strictObject({ ws: IdParam, id: IdParam });
export const ProjectConnParams = z.strictObject({ projectId: IdParam, id: IdParam });
export const RefreshQuery = z.strictObject({ refresh: z.enum(['true', 'false']).optional() });
export const DefaultConnectionBody = z.strictObject({ connectionId: IdParam });

// ---- responses
/** A data connection: its non-secret settings, never its credentials. */
export const SanitizedDataConnectionSchema = z
  .object({
    id: Id,
    name: z.string(),
    type: SqlTypeSchema,
    config: z.record(z.string(), z.unknown()).describe('Non-secret settings only'),
    hasPassword: z.boolean().describe('The password is write-only: only whether one is set'),
    readOnly: z.boolean(),
    scope: z.enum(['workspace', 'project']),
    projectId: Id.nullable(),
    access: AccessGroups,
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    isDefault: z.boolean(),
    usageCount: z.number().int(),
    allowedActions: AssetAllowedActions,
  })
  .meta({ id: 'DataConnection' });
export type DataConnection = z.output<typeof SanitizedDataConnectionSchema>;

export const WorkspaceConnectionList = z.object({
  dataConnections: z.array(SanitizedDataConnectionSchema),
  defaultConnectionId: Id.nullable().describe('null when there is none, or the caller may not see it'),
  allowedActions: WorkspaceAllowedActions,
});

/** A connection a project can query: its own, imported, or the workspace default. */
export const ProjectConnection = SanitizedDataConnectionSchema.extend({ imported: z.boolean(), canQuery: z.boolean() }).meta({ id: 'ProjectDataConnection' });
export const ProjectConnectionList = z.object({ dataConnections: z.array(ProjectConnection), defaultConnectionId: Id.nullable() });

export const ConnectionTestResult = z
  .object({ ok: z.literal(true), serverVersion: z.string(), latencyMs: z.number() })
  .meta({ id: 'ConnectionTestResult' });

export const ColumnSchema = z.object({ name: z.string(), type: z.string().describe("The engine's own type name, or 'unknown'") }).meta({ id: 'Column' });
export const SqlSchemaSchema = z
  .object({
    schemas: z.array(
      z.object({
        name: z.string(),
        tables: z.array(z.object({ name: z.string(), kind: z.enum(['table', 'view']), columns: z.array(ColumnSchema) })),
      }),
    ),
  })
  .meta({ id: 'SqlSchema' });
export const ConnectionSchemaResult = z
  .object({ schema: SqlSchemaSchema, cachedAt: Timestamp, fromCache: z.boolean() })
  .meta({ id: 'ConnectionSchemaResult' });

export const DefaultConnection = z.object({ defaultConnectionId: Id.nullable() }).meta({ id: 'DefaultConnection' });
