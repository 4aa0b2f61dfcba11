/**
 * Types of the pure access engine: roles, levels, actions, the facts it is built from and the
 * answers it gives. No behaviour lives here except the tiny level-name helpers, so the index and
 * the naive reference can both import this file without sharing any rule code.
 */

/** Workspace role of a member. */
export enum Role {
  admin = 'admin',
  editor = 'editor',
  viewer = 'viewer',
  guest = 'guest',
}

export const ROLES = [Role.admin, Role.editor, Role.viewer, Role.guest] as const;

/** Project permission level; numeric so levels compare with `<`/`>=`. */
export enum Level {
  none = 0,
  can_view = 1,
  can_edit = 2,
  full_access = 3,
}

export const LEVELS = ['none', 'can_view', 'can_edit', 'full_access'] as const;
export type LevelName = (typeof LEVELS)[number];

export function levelName(level: Level): LevelName {
  const name = LEVELS[level];
  if (name === undefined) throw new RangeError(`not a level: ${String(level)}`);
  return name;
}

export function levelFromName(name: string): Level {
  const i = (LEVELS as readonly string[]).indexOf(name);
  if (i < 0) throw new RangeError(`not a level name: ${name}`);
  return i as Level;
}

/** Built-in groups; membership is derived from the role and never edited. */
export enum BuiltinGroup {
  /** every admin, editor and viewer (not guests) */
  workspace = 'workspace',
  /** every guest */
  workspaceGuests = 'workspace-guests',
  /** everyone, including non-members and anonymous visitors */
  public = 'public',
}

export const BUILTIN_GROUP_IDS: readonly string[] = [
  BuiltinGroup.workspace,
  BuiltinGroup.workspaceGuests,
  BuiltinGroup.public,
];

export type AssetKind = 'data_connection' | 'secret' | 'git_package' | 'file_integration';
export const ASSET_KINDS: readonly AssetKind[] = ['data_connection', 'secret', 'git_package', 'file_integration'];

export enum ProjectAction {
  view = 'view',
  view_results = 'view_results',
  edit = 'edit',
  share = 'share',
  delete = 'delete',
  import_asset = 'import_asset',
  run_query = 'run_query',
  reveal_secret = 'reveal_secret',
  install_package = 'install_package',
  use_files = 'use_files',
  explain = 'explain',
}

export enum AssetAction {
  see = 'see',
  use = 'use',
  manage = 'manage',
}

export enum WorkspaceAction {
  view_members = 'view_members',
  create_project = 'create_project',
  manage_members = 'manage_members',
  manage_groups = 'manage_groups',
  manage_assets = 'manage_assets',
  read_audit = 'read_audit',
}

// ---------------------------------------------------------------------------------------------
// Facts (input)

/**
 * Who a grant is for. `group.groupId` is a custom group id or `'workspace'`; `workspace-guests`
 * and `public` are not grantable as groups (use `{type:'public'}` for the web).
 */
export type GrantSubject =
  | { type: 'user'; userId: string }
  | { type: 'group'; groupId: string }
  | { type: 'public' };

export interface MemberFact {
  workspaceId: string;
  userId: string;
  role: Role;
}
export interface GroupFact {
  id: string;
  workspaceId: string;
}
export interface GroupMemberFact {
  groupId: string;
  userId: string;
}
export interface ProjectFact {
  id: string;
  workspaceId: string;
}
export interface GrantFact {
  projectId: string;
  subject: GrantSubject;
  level: Level;
}
export interface AssetFact {
  id: string;
  workspaceId: string;
  kind: AssetKind;
  /** custom group ids or builtin ids; a set (order and duplicates are not meaningful) */
  access: string[];
}
export interface ImportFact {
  projectId: string;
  assetId: string;
}

export interface AccessFacts {
  members: MemberFact[];
  groups: GroupFact[];
  groupMembers: GroupMemberFact[];
  projects: ProjectFact[];
  grants: GrantFact[];
  assets: AssetFact[];
  imports: ImportFact[];
}

/** Input of `upsertAsset`: `access` defaults to `['workspace']` for a new asset. */
export interface AssetInput {
  id: string;
  workspaceId: string;
  kind: AssetKind;
  access?: string[];
}

// ---------------------------------------------------------------------------------------------
// Answers

export interface EffectiveLevel {
  /** final level after role cap and downgrade */
  level: Level;
  /** maximum over the matching grants, before the role cap */
  granted: Level;
  /** granted level after the role cap */
  capped: Level;
  /** set when the role cap lowered `granted` */
  cappedBy?: 'viewer_role';
  /** the best matching grant (ties: user, then custom group by id, then workspace, then public) */
  grant?: GrantSubject;
  /** imported assets the user lacks access to, sorted, when they downgraded the level; else [] */
  downgradedBy: string[];
}

export interface ExplainedGrant {
  subject: GrantSubject;
  level: Level;
}

export interface Explanation extends EffectiveLevel {
  userId: string | null;
  projectId: string;
  workspaceId: string;
  /** role in the project's workspace; undefined for non-members and anonymous visitors */
  role?: Role;
  /** every grant of the project that matches the user, best first */
  matchingGrants: ExplainedGrant[];
  /** human-readable lines, one per step */
  text: string[];
}

/** One (user, project) pair whose effective level would drop. */
export interface LevelChange {
  userId: string;
  projectId: string;
  from: Level;
  to: Level;
}

/** Rule 7: a user a grant would give ≥ can_edit who is nevertheless downgraded. */
export interface DowngradedGrantee {
  userId: string;
  projectId: string;
  /** granted level after the role cap, with the previewed grant applied */
  granted: Level;
  effective: Level;
  missingAssets: string[];
}

export interface GrantPreview {
  /** every (user, project) whose level would drop (e.g. a grant lowered or removed) */
  drops: LevelChange[];
  /** rule 7: users the grant would make ≥ can_edit who lack access to an imported asset */
  downgraded: DowngradedGrantee[];
}

export interface RemoveAssetPreview {
  /** projects importing the asset (they lose the import) */
  usage: string[];
  /** always empty: removing an asset removes the import, which can only raise levels */
  drops: LevelChange[];
}

/** Thrown for facts or mutations that break referential rules (unknown ids, cross-workspace). */
export class AccessFactsError extends Error {
  readonly code = 'access_invalid_fact';
  constructor(message: string) {
    super(message);
    this.name = 'AccessFactsError';
  }
}
