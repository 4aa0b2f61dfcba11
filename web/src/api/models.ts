/**
 * Short names for the generated API types (openapi.gen.ts): what a component reads is exactly
 * what the server's response schema declares, and nothing here restates a shape.
 */
import type { components } from './openapi.gen';

type Schemas = components['schemas'];

export type Role = Schemas['Role'];
export type Level = Schemas['Level'];
/** A grant is never "none": removing access deletes the grant. */
export type GrantLevel = Exclude<Level, 'none'>;
export type SqlType = Schemas['SqlType'];
export type AssetKind = Schemas['AssetKind'];
export type AssetAction = Schemas['AssetAction'];
export type ProjectAction = Schemas['ProjectAction'];
export type WorkspaceAction = Schemas['WorkspaceAction'];

export type Me = Schemas['Me'];
export type WorkspaceSummary = Schemas['WorkspaceSummary'];
export type Member = Schemas['Member'];
export type Invitation = Schemas['Invitation'];
export type CreatedInvitation = Schemas['CreatedInvitation'];
export type GroupList = Schemas['GroupList'];
export type BuiltinGroup = Schemas['BuiltinGroup'];
export type CustomGroup = Schemas['CustomGroup'];
export type GroupMember = Schemas['GroupMember'];
export type ApiToken = Schemas['ApiToken'];
export type AuditEvent = Schemas['AuditEvent'];

export type DataConnection = Schemas['DataConnection'];
export type ProjectDataConnection = Schemas['ProjectDataConnection'];
export type ConnectionTestResult = Schemas['ConnectionTestResult'];
export type Secret = Schemas['Secret'];
export type ProjectSecret = Schemas['ProjectSecret'];
export type AssetUsage = Schemas['AssetUsage'];

export type Project = Schemas['Project'];
export type ProjectAccess = Schemas['ProjectAccess'];
export type Grant = Schemas['Grant'];
export type GrantSubject = Schemas['GrantSubject'];
export type ProjectImport = Schemas['ProjectImport'];
export type Column = Schemas['Column'];
export type QuerySummary = Schemas['QuerySummary'];
export type QueryResult = Schemas['QueryResult'];
export type QueryStreamEvent = Schemas['QueryStreamEvent'];

/** One (user, project) whose effective level would drop (rule 7). */
export type ImpactEntry = Schemas['ImpactEntry'];
/** A grantee a grant would leave downgraded (the details of asset_access_required). */
export type DowngradedGrantee = Schemas['DowngradedGrantee'];
