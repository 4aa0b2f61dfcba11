/**
 * The access index: the rules of DESIGN.md "Access rules" (1–7, 12) evaluated in memory, with no
 * I/O. It is built from facts, updated by one small mutation per write, and answers every check
 * without touching the database. This class is the engine's one public door: it holds the data
 * core (access-core.ts) and hands each question to the file that answers it. See README.md in
 * this folder for the contract, the files and the layout.
 */
import { assetActions, projectActions, workspaceActions } from './access-actions.js';
import { AccessCore } from './access-core.js';
import { effectiveLevel, explain } from './access-explain.js';
import { loadFacts, toFacts } from './access-facts.js';
import { canManageAsset, canUse, hasAccess, levelOf, levelOfHandles, roleIn } from './access-level.js';
import { assetsUserCanSee, assetsUserCanUse, imports, projectsUserCan, usage, usersWhoCan } from './access-lists.js';
import {
  previewGrant,
  previewImport,
  previewRemoveAsset,
  previewRemoveGroupMembers,
  previewRemoveMember,
  previewSetAssetAccess,
  previewSetRole,
} from './access-previews.js';
import type {
  AccessFacts,
  AssetAction,
  AssetInput,
  EffectiveLevel,
  Explanation,
  GrantPreview,
  GrantSubject,
  Level,
  LevelChange,
  ProjectAction,
  RemoveAssetPreview,
  Role,
  WorkspaceAction,
} from './access-types.js';

export { subjectKey } from './access-codes.js';

export class AccessIndex {
  private readonly core = new AccessCore();

  static build(facts: AccessFacts): AccessIndex {
    const ix = new AccessIndex();
    loadFacts(ix.core, facts);
    return ix;
  }

  // ===========================================================================================
  // Mutations. Additions that reference an unknown or cross-workspace entity throw
  // AccessFactsError and change nothing; removals of something absent are no-ops (idempotent,
  // replay-friendly).

  setMember(workspaceId: string, userId: string, role: Role): void {
    this.core.setMember(workspaceId, userId, role);
  }
  /** Group memberships and user grants of the user stay, inert, until they are removed too. */
  removeMember(workspaceId: string, userId: string): void {
    this.core.removeMember(workspaceId, userId);
  }
  addGroup(group: { id: string; workspaceId: string }): void {
    this.core.addGroup(group);
  }
  /** Removes the group's members, every grant to it and it from every asset's access list. */
  removeGroup(groupId: string): void {
    this.core.removeGroup(groupId);
  }
  /** The user need not be a member of the group's workspace; if not, the membership is inert. */
  addGroupMember(groupId: string, userId: string): void {
    this.core.addGroupMember(groupId, userId);
  }
  removeGroupMember(groupId: string, userId: string): void {
    this.core.removeGroupMember(groupId, userId);
  }
  addProject(project: { id: string; workspaceId: string }): void {
    this.core.addProject(project);
  }
  /** Drops the project's grants and imports. */
  removeProject(projectId: string): void {
    this.core.removeProject(projectId);
  }
  /**
   * One grant per (project, subject): a new level replaces the old one. `Level.none` removes the
   * grant. A public grant above `can_view` is clamped to `can_view` (stored clamped).
   */
  setGrant(projectId: string, subject: GrantSubject, level: Level): void {
    this.core.setGrant(projectId, subject, level);
  }
  removeGrant(projectId: string, subject: GrantSubject): void {
    this.core.removeGrant(projectId, subject);
  }
  /** Creates (access defaults to `['workspace']`) or updates an asset; its workspace is fixed. */
  upsertAsset(asset: AssetInput): void {
    this.core.upsertAsset(asset);
  }
  setAssetAccess(assetId: string, access: readonly string[]): void {
    this.core.setAssetAccess(assetId, access);
  }
  /** Drops the asset's imports (rule 8: it disappears from every project using it). */
  removeAsset(assetId: string): void {
    this.core.removeAsset(assetId);
  }
  addImport(projectId: string, assetId: string): void {
    this.core.addImport(projectId, assetId);
  }
  removeImport(projectId: string, assetId: string): void {
    this.core.removeImport(projectId, assetId);
  }

  // ===========================================================================================
  // Checks (access-level.ts, access-explain.ts)

  /** Rule 4 effective level; the hot path: allocates nothing. */
  level(userId: string | null, projectId: string): Level {
    return levelOf(this.core, userId, projectId);
  }
  /**
   * Integer handles for callers that check many times against the same ids (one lookup per
   * request instead of one per check). -1 for an unknown id. Handles of removed entities may be
   * reused by later ones, so do not keep them across writes.
   */
  userHandle(userId: string | null): number {
    return this.core.userIx(userId);
  }
  projectHandle(projectId: string): number {
    return this.core.projects.get(projectId);
  }
  /** level() by handles: no string lookup at all. */
  levelByHandle(user: number, project: number): Level {
    return levelOfHandles(this.core, user, project);
  }
  /** Rule 4 with its reasons (rule 12). */
  effectiveLevel(userId: string | null, projectId: string): EffectiveLevel {
    return effectiveLevel(this.core, userId, projectId);
  }
  /** `hasAccess(u, a)` of DESIGN.md, with `public` admitting anyone. */
  hasAccess(userId: string | null, assetId: string): boolean {
    return hasAccess(this.core, userId, assetId);
  }
  /** Rule 2. */
  canSee(userId: string | null, assetId: string): boolean {
    return hasAccess(this.core, userId, assetId);
  }
  /** Rule 5: effective level ≥ can_edit and hasAccess; project and asset in one workspace. */
  canUse(userId: string | null, projectId: string, assetId: string): boolean {
    return canUse(this.core, userId, projectId, assetId);
  }
  /** Rule 1: admins of the asset's workspace. */
  canManageAsset(userId: string | null, assetId: string): boolean {
    return canManageAsset(this.core, userId, assetId);
  }
  /** Role of a user in a workspace, undefined for non-members. */
  roleIn(userId: string, workspaceId: string): Role | undefined {
    return roleIn(this.core, userId, workspaceId);
  }
  /** The effective level with its reasons in sentences; throws for an unknown project. */
  explain(userId: string | null, projectId: string): Explanation {
    return explain(this.core, userId, projectId);
  }

  // ===========================================================================================
  // Allowed actions (access-actions.ts)

  projectActions(userId: string | null, projectId: string): ProjectAction[] {
    return projectActions(this.core, userId, projectId);
  }
  assetActions(userId: string | null, assetId: string): AssetAction[] {
    return assetActions(this.core, userId, assetId);
  }
  workspaceActions(userId: string | null, workspaceId: string): WorkspaceAction[] {
    return workspaceActions(this.core, userId, workspaceId);
  }

  // ===========================================================================================
  // Lists, ids sorted by code unit (access-lists.ts)

  projectsUserCan(userId: string | null, workspaceId: string, minLevel: Level): string[] {
    return projectsUserCan(this.core, userId, workspaceId, minLevel);
  }
  /** Members of the project's workspace whose effective level is ≥ minLevel. A public grant
   *  also admits non-members and anonymous visitors at can_view; they are not listed. */
  usersWhoCan(projectId: string, minLevel: Level): string[] {
    return usersWhoCan(this.core, projectId, minLevel);
  }
  assetsUserCanSee(userId: string | null, workspaceId: string): string[] {
    return assetsUserCanSee(this.core, userId, workspaceId);
  }
  assetsUserCanUse(userId: string | null, projectId: string): string[] {
    return assetsUserCanUse(this.core, userId, projectId);
  }
  /** Projects importing the asset. */
  usage(assetId: string): string[] {
    return usage(this.core, assetId);
  }
  /** Imported asset ids of a project. */
  imports(projectId: string): string[] {
    return imports(this.core, projectId);
  }

  // ===========================================================================================
  // Impact previews, rule 7 (access-previews.ts). Each lists every member (user, project) whose
  // effective level would drop, sorted by project then user, without changing the index.

  previewSetAssetAccess(assetId: string, access: readonly string[]): LevelChange[] {
    return previewSetAssetAccess(this.core, assetId, access);
  }
  previewImport(projectId: string, assetId: string): LevelChange[] {
    return previewImport(this.core, projectId, assetId);
  }
  previewGrant(projectId: string, subject: GrantSubject, level: Level): GrantPreview {
    return previewGrant(this.core, projectId, subject, level);
  }
  previewRemoveGroupMembers(groupId: string, userIds: readonly string[]): LevelChange[] {
    return previewRemoveGroupMembers(this.core, groupId, userIds);
  }
  previewSetRole(workspaceId: string, userId: string, role: Role): LevelChange[] {
    return previewSetRole(this.core, workspaceId, userId, role);
  }
  previewRemoveMember(workspaceId: string, userId: string): LevelChange[] {
    return previewRemoveMember(this.core, workspaceId, userId);
  }
  /** Deleting an asset never lowers a level (it removes the import); the preview is its usage. */
  previewRemoveAsset(assetId: string): RemoveAssetPreview {
    return previewRemoveAsset(this.core, assetId);
  }

  // ===========================================================================================
  // Facts and sizes (access-facts.ts)

  /** The canonical dump: every list sorted; `build(toFacts())` answers like this index. */
  toFacts(): AccessFacts {
    return toFacts(this.core);
  }
  /** Sizes, for logs and benchmarks. */
  stats(): { users: number; workspaces: number; groups: number; projects: number; assets: number } {
    const c = this.core;
    const [users, workspaces, groups] = [c.users.size, c.wss.size, c.groups.size];
    return { users, workspaces, groups, projects: c.projects.size, assets: c.assets.size };
  }
}
