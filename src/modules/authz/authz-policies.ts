/**
 * The product's permissions, declared once (DESIGN.md "Access rules"; docs/rules.md). Each rule
 * is one short function of a resource and a caller; levels and group membership come from the
 * access engine (src/access). Services call these — routes never do — and every response that
 * names a resource carries the allowed actions computed here, so the console never guesses.
 *
 * The assert helpers throw the errors callers see: `unauthenticated` for an anonymous caller,
 * `not_found` for what the caller may not see (a resource of another workspace does not exist
 * for them), `forbidden` with details when they may see it but not do this.
 */
import {
  AssetAction,
  type AssetKind,
  type EffectiveLevel,
  type GrantSubject,
  Level,
  ProjectAction,
  type Role,
  WorkspaceAction,
  levelName,
} from '../../access/access-types.js';
import type { Caller, Principal } from '../../context.js';
import { AppError } from '../../errors.js';
import type { AuthzService } from './authz-service.js';

/** What the policies need to know of an asset. */
export interface AssetRef {
  id: string;
  workspaceId: string;
  /** set for a project's own asset: whoever can edit the project may use it, no groups limit it */
  projectId: string | null;
  kind: AssetKind;
}

export interface ProjectRef {
  id: string;
  workspaceId: string;
}

const SIGN_IN = 'Sign in, or send an API token as "Authorization: Bearer <token>".';
export const unauthenticated = (message = SIGN_IN): AppError => new AppError('unauthenticated', message);
const denied = (action: string, details: Record<string, unknown>): AppError =>
  new AppError('forbidden', `You are not allowed to ${action.replace(/_/g, ' ')} here.`, { action, ...details });

export function createAuthzPolicies(authz: Pick<AuthzService, 'index'>) {
  const idx = () => authz.index;

  // ---- workspaces ------------------------------------------------------------------------------

  const role = (userId: string, workspaceId: string): Role | undefined => idx().roleIn(userId, workspaceId);
  const workspaceActions = (userId: string | null, workspaceId: string): WorkspaceAction[] => idx().workspaceActions(userId, workspaceId);

  /** Signed in (any user): their own things, like tokens and their list of workspaces. */
  function assertSignedIn(caller: Caller): Principal {
    if (!caller.principal) throw unauthenticated();
    return caller.principal;
  }

  /** Signed in, and a member of the workspace; `ref` is how the caller named it (for the 404). */
  function assertMember(caller: Caller, workspaceId: string | null, ref: string): Principal {
    const p = caller.principal;
    if (!p) throw unauthenticated();
    if (!workspaceId || !role(p.userId, workspaceId)) throw new AppError('not_found', `Workspace '${ref}' was not found.`, { resource: 'Workspace', id: ref });
    return p;
  }

  /** Rule 1 and the roles: members may do what their role allows in the workspace. */
  function assertWorkspace(caller: Caller, workspaceId: string, action: WorkspaceAction): Principal {
    const p = caller.principal;
    if (!p) throw unauthenticated();
    const r = role(p.userId, workspaceId);
    if (!r) throw new AppError('not_found', 'Workspace was not found.', { resource: 'workspace', id: workspaceId });
    if (!workspaceActions(p.userId, workspaceId).includes(action)) throw denied(action, { role: r });
    return p;
  }

  // ---- projects ----------------------------------------------------------------------------------

  /**
   * Rules 3–6 through the engine, plus rule 9: the workspace default connection lets an editor
   * who may use it run SQL cells in a project that imports no connection.
   */
  function projectActions(userId: string | null, projectId: string, defaultConnectionId: string | null): ProjectAction[] {
    const allowed = idx().projectActions(userId, projectId);
    if (defaultConnectionId && !allowed.includes(ProjectAction.run_query) && idx().canUse(userId, projectId, defaultConnectionId)) {
      allowed.push(ProjectAction.run_query);
    }
    return allowed;
  }

  /**
   * Throws unless the caller may do `action` on the project. A project the caller cannot view
   * answers 404 (anonymous callers: 401), so ids of other tenants reveal nothing; admins may
   * share or delete projects they have no grant on, so those are not hidden from them.
   */
  function assertProject(caller: Caller, project: ProjectRef, action: ProjectAction): void {
    const userId = caller.principal?.userId ?? null;
    const allowed = idx().projectActions(userId, project.id);
    if (allowed.includes(action)) return;
    if (!caller.principal) throw unauthenticated();
    if (allowed.length === 0) throw new AppError('not_found', 'Project was not found.', { resource: 'project', id: project.id });
    const eff = idx().effectiveLevel(userId, project.id);
    throw denied(action, { level: levelName(eff.level), ...(eff.downgradedBy.length ? { downgradedBy: eff.downgradedBy } : {}) });
  }

  const level = (userId: string | null, projectId: string): Level => idx().level(userId, projectId);
  const effectiveLevel = (userId: string | null, projectId: string): EffectiveLevel => idx().effectiveLevel(userId, projectId);

  // ---- assets --------------------------------------------------------------------------------------

  /**
   * Rule 2: see an asset (name, kind, settings, usage) — with access to it. A project's own asset
   * has no groups (whoever can edit the project may use it): its members who can view the project
   * see it; a web visitor, signed in or not, is not a member and learns only that it exists.
   */
  function canSeeAsset(userId: string | null, a: Pick<AssetRef, 'id' | 'projectId' | 'workspaceId'>): boolean {
    if (a.projectId) return userId !== null && !!role(userId, a.workspaceId) && level(userId, a.projectId) >= Level.can_view;
    return idx().canSee(userId, a.id);
  }

  /**
   * Rule 2 and its one exception: besides those who may see an asset, a user whose granted level
   * on a project that imports it is ≥ can_edit learns its name and kind (so a downgraded user
   * knows what to ask for). Everything else that names an asset follows this.
   */
  function mayNameAsset(userId: string | null, a: Pick<AssetRef, 'id' | 'projectId' | 'workspaceId'>, projectId?: string): boolean {
    if (canSeeAsset(userId, a)) return true;
    if (!projectId || userId === null || !idx().imports(projectId).includes(a.id)) return false;
    return effectiveLevel(userId, projectId).capped >= Level.can_edit;
  }

  /** Allowed actions on an asset, for the console. */
  function assetActions(userId: string | null, a: AssetRef): AssetAction[] {
    if (!a.projectId) return idx().assetActions(userId, a.id);
    if (!canSeeAsset(userId, a)) return [];
    const lvl = level(userId, a.projectId);
    const out: AssetAction[] = [];
    if (lvl >= Level.can_view) out.push(AssetAction.see);
    if (lvl >= Level.can_edit) out.push(AssetAction.use, AssetAction.manage);
    return out;
  }

  /** Rule 5: use an asset in a project — effective level ≥ can_edit and access to the asset. */
  const canUseAsset = (userId: string | null, projectId: string, assetId: string): boolean => idx().canUse(userId, projectId, assetId);

  /** Loads-then-checks in one: the asset exists for the caller only if they may see it (404 otherwise). */
  function assertSeeAsset(caller: Caller, a: AssetRef | null | undefined, what: { label: string; ref: string; resource?: string }): asserts a is AssetRef {
    if (a && canSeeAsset(caller.principal?.userId ?? null, a)) return;
    throw new AppError('not_found', `${what.label} '${what.ref}' was not found.`, { resource: what.resource ?? what.label, id: what.ref });
  }

  /**
   * Reveal a secret, for `POST …/reveal`: the one decision. A secret the caller may not see does
   * not exist for them (404, rule 2); a reveal hands out the value, so a read-only API token may
   * not do it, whatever the method; then rule 5 — effective level ≥ can_edit and access to it.
   */
  function assertReveal(caller: Caller, project: ProjectRef, secret: AssetRef & { name: string }): void {
    const userId = caller.principal?.userId ?? null;
    if (!canSeeAsset(userId, secret)) throw new AppError('not_found', `Secret '${secret.name}' was not found.`, { resource: 'secret' });
    assertWriteScope(caller);
    if (canUseAsset(userId, project.id, secret.id)) return;
    if (!caller.principal) throw unauthenticated('Sign in to reveal secrets.');
    throw new AppError('forbidden', 'Revealing a secret needs can_edit on the project and access to the secret.', { action: 'reveal_secret', level: effectiveLevel(userId, project.id).level });
  }

  /** Every secret of a project at once (the runtime environment): the same decision, for each. */
  function assertRevealAll(caller: Caller, project: ProjectRef, secrets: AssetRef[]): void {
    assertWriteScope(caller);
    const denied = secrets.filter((a) => !canUseAsset(caller.principal?.userId ?? null, project.id, a.id));
    if (denied.length) throw new AppError('forbidden', 'You lack access to some of this project’s secrets.', { secretIds: denied.map((d) => d.id) });
  }

  function assertWriteScope(caller: Caller): void {
    if (caller.principal?.via === 'token' && !caller.principal.scopes.includes('write')) {
      throw new AppError('forbidden', 'This API token is read-only; revealing secrets needs a token with the write scope.', { requiredScope: 'write' });
    }
  }

  /** Rule 5 for SQL cells (and rule 9 for the default connection, which need not be imported). */
  function assertRunQuery(userId: string, project: ProjectRef, conn: AssetRef & { name: string }, opts: { isDefault: boolean }): void {
    if (!opts.isDefault && !idx().imports(project.id).includes(conn.id)) {
      throw new AppError('validation_failed', `'${conn.name}' is not used by this project: import it first (POST /projects/{p}/imports).`, { field: 'connectionId' });
    }
    if (!canUseAsset(userId, project.id, conn.id)) {
      throw new AppError('forbidden', `Running queries with '${conn.name}' needs can_edit on the project and access to the connection.`, { action: 'run_query', connectionId: conn.id });
    }
  }

  /** Rule 5 for importing: can_edit on the project and access to the asset. */
  function assertImport(userId: string, project: ProjectRef, a: AssetRef & { name: string }): void {
    if (!canUseAsset(userId, project.id, a.id)) {
      throw new AppError('forbidden', `You cannot use '${a.name}' in this project: it needs can_edit on the project and access to the ${a.kind.replace('_', ' ')}.`, { assetId: a.id, level: level(userId, project.id) });
    }
  }

  // ---- lists and previews (read straight from the engine) -----------------------------------------

  const idx_ = idx;
  return {
    role,
    workspaceActions,
    assertSignedIn,
    assertMember,
    assertWorkspace,
    projectActions,
    assertProject,
    level,
    effectiveLevel,
    explain: (userId: string | null, projectId: string) => idx_().explain(userId, projectId),
    visibleProjects: (userId: string, workspaceId: string, min: Level) => idx_().projectsUserCan(userId, workspaceId, min),
    canSeeAsset,
    mayNameAsset,
    assetActions,
    canUseAsset,
    assertSeeAsset,
    assertReveal,
    assertRevealAll,
    assertRunQuery,
    assertImport,
    usableAssets: (userId: string | null, projectId: string) => idx_().assetsUserCanUse(userId, projectId),
    usage: (assetId: string) => idx_().usage(assetId),
    imports: (projectId: string) => idx_().imports(projectId),
    /** Rule 7's previews: who would drop, for each kind of change. */
    preview: {
      grant: (projectId: string, subject: GrantSubject, lvl: Level) => idx_().previewGrant(projectId, subject, lvl),
      import: (projectId: string, assetId: string) => idx_().previewImport(projectId, assetId),
      assetAccess: (assetId: string, access: readonly string[]) => idx_().previewSetAssetAccess(assetId, access),
      removeGroupMembers: (groupId: string, userIds: readonly string[]) => idx_().previewRemoveGroupMembers(groupId, userIds),
      setRole: (workspaceId: string, userId: string, r: Role) => idx_().previewSetRole(workspaceId, userId, r),
      removeMember: (workspaceId: string, userId: string) => idx_().previewRemoveMember(workspaceId, userId),
    },
  };
}

export type AuthzPolicies = ReturnType<typeof createAuthzPolicies>;
