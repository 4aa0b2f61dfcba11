/**
 * The one door every route goes through. Holds the live AccessIndex (the pure engine in
 * src/access), builds it from the store at start, applies each committed write to it, and
 * follows writes made by other nodes or by the CLI through a change counter in the database.
 *
 * Writers: call `bump(tx)` inside the transaction that changes access facts, then
 * `applyCommitted(version, idx => idx.someMutation(...))` after it commits.
 */
import { AccessIndex } from '../../access/access-index.js';
import {
  type AccessFacts,
  type GrantSubject,
  type Level,
  ProjectAction,
  type Role,
  WorkspaceAction,
  levelFromName,
} from '../../access/access-types.js';
import { sql } from 'kysely';
import { AppError } from '../../errors.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { Principal } from '../auth/auth-service.js';

export async function loadFacts(db: DbOrTx): Promise<AccessFacts> {
  const [members, groups, groupMembers, projects, grants, assets, imports] = await Promise.all([
    db.selectFrom('memberships').select(['workspace_id', 'user_id', 'role']).execute(),
    db.selectFrom('groups').select(['id', 'workspace_id']).execute(),
    db.selectFrom('group_members').select(['group_id', 'user_id']).execute(),
    db.selectFrom('projects').select(['id', 'workspace_id']).execute(),
    db.selectFrom('project_grants').select(['project_id', 'subject_type', 'subject_id', 'level']).execute(),
    db.selectFrom('assets').select(['id', 'workspace_id', 'kind', 'access']).execute(),
    db.selectFrom('project_imports').select(['project_id', 'asset_id']).execute(),
  ]);
  return {
    members: members.map((m) => ({ workspaceId: m.workspace_id, userId: m.user_id, role: m.role as Role })),
    groups: groups.map((g) => ({ id: g.id, workspaceId: g.workspace_id })),
    groupMembers: groupMembers.map((m) => ({ groupId: m.group_id, userId: m.user_id })),
    projects: projects.map((p) => ({ id: p.id, workspaceId: p.workspace_id })),
    grants: grants.map((g) => ({ projectId: g.project_id, subject: subjectFromRow(g.subject_type, g.subject_id), level: levelFromName(g.level as never) })),
    assets: assets.map((a) => ({ id: a.id, workspaceId: a.workspace_id, kind: a.kind as never, access: JSON.parse(a.access) as string[] })),
    imports: imports.map((i) => ({ projectId: i.project_id, assetId: i.asset_id })),
  };
}

export function subjectFromRow(type: string, id: string): GrantSubject {
  if (type === 'user') return { type: 'user', userId: id };
  if (type === 'group') return { type: 'group', groupId: id };
  return { type: 'public' };
}

export function subjectToRow(s: GrantSubject): { subject_type: string; subject_id: string } {
  if (s.type === 'user') return { subject_type: 'user', subject_id: s.userId };
  if (s.type === 'group') return { subject_type: 'group', subject_id: s.groupId };
  return { subject_type: 'public', subject_id: '' };
}

const CHANGE_CHANNEL = 'atrium_access_changes';

export interface AuthzOptions {
  /** How often to look for writes made elsewhere (ms). */
  followIntervalMs?: number;
}

export function createAuthzService(deps: { store: Store }, opts: AuthzOptions = {}) {
  let index: AccessIndex = AccessIndex.build(emptyFacts());
  let version = 0;
  let ready = false;
  let timer: NodeJS.Timeout | undefined;
  let rebuilding: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | null = null;

  async function readVersion(db: DbOrTx): Promise<number> {
    const row = await db.selectFrom('change_counter').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.version);
  }

  async function rebuild(): Promise<void> {
    if (rebuilding) return rebuilding;
    rebuilding = (async () => {
      // Read the counter first: a write committed during the load bumps it past us, so we reload again.
      const v = await readVersion(deps.store.db);
      const facts = await loadFacts(deps.store.db);
      index = AccessIndex.build(facts);
      version = v;
      ready = true;
    })().finally(() => {
      rebuilding = undefined;
    });
    return rebuilding;
  }

  async function catchUp(): Promise<void> {
    const v = await readVersion(deps.store.db);
    if (v !== version) await rebuild();
  }

  return {
    get index(): AccessIndex {
      return index;
    },
    get ready(): boolean {
      return ready;
    },
    get version(): number {
      return version;
    },
    rebuild,
    catchUp,
    /**
     * Follows writes made elsewhere: on PostgreSQL a NOTIFY sent by the writing transaction wakes
     * every node at commit; polling the change counter is the fallback (and SQLite's only way).
     */
    async startFollowing(): Promise<void> {
      unlisten = await deps.store
        .listen(CHANGE_CHANNEL, (payload) => {
          if (Number(payload) !== version) catchUp().catch(() => {});
        })
        .catch(() => null);
      const every = opts.followIntervalMs ?? 1000;
      timer = setInterval(() => {
        catchUp().catch(() => {
          /* the next tick retries; readiness reports a dead database */
        });
      }, every);
      timer.unref();
    },
    async stopFollowing(): Promise<void> {
      if (timer) clearInterval(timer);
      await unlisten?.();
    },
    /** Inside the writing transaction: bumps the shared change counter, returns the new version. */
    async bump(tx: DbOrTx): Promise<number> {
      await tx.updateTable('change_counter').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute();
      const v = await readVersion(tx);
      // Delivered to the other nodes when (and only if) this transaction commits.
      if (deps.store.dialect === 'postgres') await sql`select pg_notify(${CHANGE_CHANNEL}, ${String(v)})`.execute(tx);
      return v;
    },
    /** After commit: apply the write to the live index, or rebuild if another writer got in between. */
    applyCommitted(newVersion: number, mutate: (idx: AccessIndex) => void): void {
      if (newVersion === version + 1) {
        mutate(index);
        version = newVersion;
      } else {
        mutate(index);
        void rebuild().catch(() => {});
      }
    },
  };
}

export type AuthzService = ReturnType<typeof createAuthzService>;

function emptyFacts(): AccessFacts {
  return { members: [], groups: [], groupMembers: [], projects: [], grants: [], assets: [], imports: [] };
}

// ---------------------------------------------------------------------------------------------
// authorize: the single entry point routes call.

export type Resource =
  | { type: 'workspace'; workspaceId: string }
  | { type: 'project'; projectId: string; workspaceId: string }
  | { type: 'user_self'; userId: string };

export type Action = WorkspaceAction | ProjectAction | 'self';

/**
 * Throws unless `principal` may do `action` on `resource`. A resource of a workspace the
 * caller cannot see at all answers 404, not 403, so ids from other tenants reveal nothing.
 */
export function authorize(
  authz: AuthzService,
  principal: Principal | null,
  action: Action,
  resource: Resource,
): void {
  const idx = authz.index;
  if (resource.type === 'user_self') {
    if (!principal || principal.userId !== resource.userId) throw unauth(principal);
    return;
  }
  if (resource.type === 'workspace') {
    const role = principal ? idx.roleIn(principal.userId, resource.workspaceId) : undefined;
    if (!principal) throw unauth(principal);
    if (!role) throw new AppError('not_found', 'Workspace was not found.', { resource: 'workspace', id: resource.workspaceId });
    const allowed = idx.workspaceActions(principal.userId, resource.workspaceId);
    if (!allowed.includes(action as WorkspaceAction)) throw denied(action, { role });
    return;
  }
  const userId = principal?.userId ?? null;
  const allowed = idx.projectActions(userId, resource.projectId);
  if (allowed.includes(action as ProjectAction)) return;
  // Admins may share or delete projects they have no grant on: those are not hidden from them.
  const visible = allowed.length > 0;
  if (!visible) {
    if (!principal) throw unauth(principal);
    throw new AppError('not_found', 'Project was not found.', { resource: 'project', id: resource.projectId });
  }
  if (!principal) throw unauth(principal);
  const eff = idx.effectiveLevel(userId, resource.projectId);
  throw denied(action, {
    level: levelNameOf(eff.level),
    ...(eff.downgradedBy.length ? { downgradedBy: eff.downgradedBy } : {}),
  });
}

function levelNameOf(l: Level): string {
  return ['none', 'can_view', 'can_edit', 'full_access'][l] ?? 'none';
}

function unauth(_p: Principal | null): AppError {
  return new AppError('unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer <token>".');
}

function denied(action: string, details: Record<string, unknown>): AppError {
  return new AppError('forbidden', `You are not allowed to ${action.replace(/_/g, ' ')} here.`, { action, ...details });
}
