/**
 * Projects and their sharing. Granting can_edit+ to someone who lacks access to an imported
 * asset is refused with `asset_access_required` unless confirmed (rule 7); a confirmed grant is
 * stored and the person is effectively can_view until they get access.
 * Top level: trusted operations (demo, tests) and `load`, which other modules use to reach a
 * project for a caller; `api`: what a request may ask, authorized.
 */
import { type GrantSubject, Level, type LevelName, ProjectAction, WorkspaceAction, levelFromName, levelName } from '../../access/access-types.js';
import type { Caller, RequestContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import { type ConfirmOptions, presentImpact, previewThenConfirm } from '../authz/authz-confirm.js';
import { type AuthzPolicies, unauthenticated } from '../authz/authz-policies.js';
import type { AuthzService } from '../authz/authz-service.js';
import type { GroupsRepository } from '../groups/groups-repository.js';
import type { UsersRepository } from '../users/users-repository.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import type { ProjectRow, ProjectsRepository } from './projects-repository.js';

export type { ProjectRow } from './projects-repository.js';
export type SubjectInput = { type: 'user'; userId: string } | { type: 'group'; groupId: string } | { type: 'public' };

export function parseSubjectKey(key: string): SubjectInput {
  if (key === 'public') return { type: 'public' };
  const m = /^(user|group):(.+)$/.exec(key);
  if (!m) throw new AppError('validation_failed', `'${key}' is not a grant subject; use user:<userId>, group:<groupId>, group:workspace or public.`, { field: 'subject' });
  return m[1] === 'user' ? { type: 'user', userId: m[2]! } : { type: 'group', groupId: m[2]! };
}

type Deps = {
  store: Pick<Store, 'transaction'>;
  repo: ProjectsRepository;
  users: Pick<UsersRepository, 'byIds'>;
  groups: Pick<GroupsRepository, 'namesByIds' | 'get'>;
  workspaces: Pick<WorkspacesService, 'resolve' | 'defaultConnectionId'>;
  audit: Pick<AuditService, 'record'>;
  authz: Pick<AuthzService, 'commit'>;
  policies: Pick<AuthzPolicies, 'assertProject' | 'assertWorkspace' | 'projectActions' | 'level' | 'effectiveLevel' | 'explain' | 'visibleProjects' | 'role' | 'preview'>;
};

export function createProjectsService(deps: Deps) {
  const { repo, policies } = deps;

  async function get(projectId: string): Promise<ProjectRow> {
    const p = await repo.get(projectId);
    if (!p) throw notFound('Project', projectId);
    return p;
  }

  /** Loads a project and authorizes `action` on it for the caller (404 for projects they cannot see). */
  async function load(caller: Caller, projectId: string, action: ProjectAction): Promise<ProjectRow> {
    const p = await repo.get(projectId);
    if (!p) {
      if (!caller.principal) throw unauthenticated();
      throw new AppError('not_found', `Project '${projectId}' was not found.`, { resource: 'project', id: projectId });
    }
    policies.assertProject(caller, p, action);
    return p;
  }

  /** A project with the caller's level and allowed actions (rule 9 included). */
  async function present(p: ProjectRow, userId: string | null, defaultConnectionId?: string | null) {
    const def = defaultConnectionId !== undefined ? defaultConnectionId : await deps.workspaces.defaultConnectionId(p.workspaceId);
    return { ...p, access: { level: levelName(policies.level(userId, p.id)) }, allowedActions: policies.projectActions(userId, p.id, def) };
  }

  async function create(wsId: string, creatorId: string, input: { name: string; description?: string }, ctx: RequestContext): Promise<ProjectRow> {
    const now = nowIso();
    const p: ProjectRow = { id: newId('prj'), workspaceId: wsId, name: input.name.trim(), description: input.description ?? '', createdBy: creatorId, createdAt: now, updatedAt: now };
    await deps.authz.commit(
      async (tx) => {
        await repo.insert(tx, p);
        // The creator gets full access.
        await repo.upsertGrant(tx, p.id, { type: 'user', userId: creatorId }, 'full_access', creatorId);
        await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'project.create', targetType: 'project', targetId: p.id, details: { name: p.name } });
      },
      (facts) => {
        facts.addProject({ id: p.id, workspaceId: wsId });
        facts.setGrant(p.id, { type: 'user', userId: creatorId }, Level.full_access);
      },
    );
    return p;
  }

  async function update(p: ProjectRow, patch: { name?: string; description?: string }, ctx: RequestContext): Promise<ProjectRow> {
    await deps.store.transaction(async (tx) => {
      await repo.update(tx, p.id, { ...(patch.name ? { name: patch.name.trim() } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}) });
      await deps.audit.record(tx, ctx, { workspaceId: p.workspaceId, action: 'project.update', targetType: 'project', targetId: p.id, details: { ...patch } });
    });
    return get(p.id);
  }

  async function remove(p: ProjectRow, ctx: RequestContext): Promise<void> {
    await deps.authz.commit(
      async (tx) => {
        await repo.delete(tx, p.id);
        await deps.audit.record(tx, ctx, { workspaceId: p.workspaceId, action: 'project.delete', targetType: 'project', targetId: p.id, details: { name: p.name } });
      },
      (facts) => facts.removeProject(p.id),
    );
  }

  async function listGrants(p: ProjectRow) {
    const rows = await repo.grants(p.id);
    const userIds = rows.flatMap((r) => (r.subject.type === 'user' ? [r.subject.userId] : []));
    const groupIds = rows.flatMap((r) => (r.subject.type === 'group' && r.subject.groupId !== 'workspace' ? [r.subject.groupId] : []));
    const [users, groups] = await Promise.all([deps.users.byIds(userIds), deps.groups.namesByIds(groupIds)]);
    return rows.map(({ subject, level, createdAt }) => {
      const label =
        subject.type === 'user' ? (users.get(subject.userId)?.email ?? subject.userId)
        : subject.type === 'group' ? (subject.groupId === 'workspace' ? 'Workspace' : (groups.get(subject.groupId) ?? subject.groupId))
        : 'Anyone on the web';
      return { subject, label, level, createdAt };
    });
  }

  async function validateSubject(p: ProjectRow, s: SubjectInput): Promise<GrantSubject> {
    if (s.type === 'user' && !policies.role(s.userId, p.workspaceId)) {
      throw new AppError('validation_failed', 'Projects can only be shared with members of their workspace.', { field: 'subject.userId', userId: s.userId });
    }
    if (s.type === 'group' && s.groupId !== 'workspace') {
      if (s.groupId === 'workspace-guests' || s.groupId === 'public') {
        throw new AppError('validation_failed', `Projects cannot be shared with the '${s.groupId}' group; share with the web ({"type":"public"}) or with users instead.`, { field: 'subject.groupId' });
      }
      if (!(await deps.groups.get(p.workspaceId, s.groupId))) throw new AppError('validation_failed', `Group '${s.groupId}' does not exist in this workspace.`, { field: 'subject.groupId' });
    }
    return s;
  }

  async function setGrant(p: ProjectRow, subjectIn: SubjectInput, levelIn: LevelName, opts: ConfirmOptions & { actorId: string }, ctx: RequestContext) {
    const subject = await validateSubject(p, subjectIn);
    const level = levelFromName(levelIn);
    if (subject.type === 'public' && level > Level.can_view) {
      throw new AppError('validation_failed', 'Sharing with the web gives at most can_view.', { field: 'level', max: 'can_view' });
    }
    if (level === Level.none) throw new AppError('validation_failed', "Use DELETE on the grant to remove access; 'none' is not a grant level.", { field: 'level' });
    const preview = policies.preview.grant(p.id, subject, level);
    const drops = presentImpact(preview.drops);
    const affected = preview.downgraded.map((d) => ({ userId: d.userId, granted: levelName(d.granted), effective: levelName(d.effective), missingAssets: d.missingAssets }));
    return previewThenConfirm(opts, {
      preview: { downgraded: affected, drops },
      needsConfirm: affected.length > 0,
      refuse: () => {
        const assets = [...new Set(affected.flatMap((a) => a.missingAssets))];
        return new AppError(
          'asset_access_required',
          `${affected.length} user(s) would get ${levelIn} but lack access to ${assets.length} asset(s) this project uses, so they could only view it. Give them access to the assets, or repeat with "confirm": true to grant anyway.`,
          { affectedUsers: affected, assets },
        );
      },
      apply: async () => {
        await deps.authz.commit(
          async (tx) => {
            await repo.upsertGrant(tx, p.id, subject, levelIn, opts.actorId);
            await deps.audit.record(tx, ctx, { workspaceId: p.workspaceId, action: 'project.grant_set', targetType: 'project', targetId: p.id, details: { subject, level: levelIn, confirmedDowngrades: affected.map((a) => a.userId) } });
          },
          (facts) => facts.setGrant(p.id, subject, level),
        );
        return { applied: true, downgraded: affected, drops };
      },
    });
  }

  /** Stops sharing with a subject. */
  async function removeGrant(p: ProjectRow, subject: GrantSubject, ctx: RequestContext): Promise<void> {
    await deps.authz.commit(
      async (tx) => {
        if (!(await repo.deleteGrant(tx, p.id, subject))) throw notFound('Grant');
        await deps.audit.record(tx, ctx, { workspaceId: p.workspaceId, action: 'project.grant_remove', targetType: 'project', targetId: p.id, details: { subject } });
      },
      (facts) => facts.removeGrant(p.id, subject),
    );
  }

  const userOf = (caller: Caller) => caller.principal?.userId ?? null;

  const api = {
    async list(caller: Caller, wsRef: string, minLevel?: 'can_view' | 'can_edit' | 'full_access') {
      const ws = await deps.workspaces.resolve(caller, wsRef);
      const userId = caller.principal!.userId;
      const ids = policies.visibleProjects(userId, ws.id, levelFromName(minLevel ?? 'can_view'));
      const rows = ids.length ? await repo.byIds(ids) : [];
      rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      const def = await deps.workspaces.defaultConnectionId(ws.id);
      return { projects: await Promise.all(rows.map((p) => present(p, userId, def))) };
    },
    async create(caller: Caller, wsRef: string, input: { name: string; description?: string }) {
      const ws = await deps.workspaces.resolve(caller, wsRef);
      const principal = policies.assertWorkspace(caller, ws.id, WorkspaceAction.create_project);
      return present(await create(ws.id, principal.userId, input, caller.ctx), principal.userId);
    },
    get: async (caller: Caller, projectId: string) => present(await load(caller, projectId, ProjectAction.view), userOf(caller)),
    async update(caller: Caller, projectId: string, patch: { name?: string; description?: string }) {
      const p = await load(caller, projectId, ProjectAction.edit);
      return present(await update(p, patch, caller.ctx), userOf(caller));
    },
    remove: async (caller: Caller, projectId: string) => remove(await load(caller, projectId, ProjectAction.delete), caller.ctx),
    async grants(caller: Caller, projectId: string) {
      const p = await load(caller, projectId, ProjectAction.view);
      return { grants: await listGrants(p), allowedActions: policies.projectActions(userOf(caller), p.id, null) };
    },
    async setGrant(caller: Caller, projectId: string, subjectKey: string, body: { level: LevelName } & Partial<ConfirmOptions>) {
      const p = await load(caller, projectId, ProjectAction.share);
      return setGrant(p, parseSubjectKey(subjectKey), body.level, { confirm: !!body.confirm, dryRun: !!body.dryRun, actorId: caller.principal!.userId }, caller.ctx);
    },
    /** null when the grant was removed (the route answers 204). */
    async removeGrant(caller: Caller, projectId: string, subjectKey: string, opts: { dryRun: boolean }) {
      const p = await load(caller, projectId, ProjectAction.share);
      const subject = parseSubjectKey(subjectKey);
      // Removing a grant never needs confirm (the person asked for it); a dry run shows whose level would drop.
      return previewThenConfirm(
        { confirm: false, dryRun: opts.dryRun },
        {
          preview: { drops: presentImpact(policies.preview.grant(p.id, subject, Level.none).drops) },
          needsConfirm: false,
          refuse: () => new AppError('internal', 'A grant removal never asks for confirmation.'),
          apply: async () => (await removeGrant(p, subject, caller.ctx), null),
        },
      );
    },
    async access(caller: Caller, projectId: string) {
      const p = await load(caller, projectId, ProjectAction.view);
      const eff = policies.effectiveLevel(userOf(caller), p.id);
      return {
        projectId: p.id,
        level: levelName(eff.level),
        granted: levelName(eff.granted),
        ...(eff.cappedBy ? { cappedBy: eff.cappedBy } : {}),
        downgradedBy: eff.downgradedBy,
        allowedActions: policies.projectActions(userOf(caller), p.id, null),
      };
    },
    async explain(caller: Caller, projectId: string, userId: string) {
      const p = await load(caller, projectId, ProjectAction.explain);
      const ex = policies.explain(userId, p.id);
      return {
        userId: ex.userId,
        projectId: ex.projectId,
        role: ex.role ?? null,
        level: levelName(ex.level),
        granted: levelName(ex.granted),
        capped: levelName(ex.capped),
        cappedBy: ex.cappedBy ?? null,
        grant: ex.grant ?? null,
        matchingGrants: ex.matchingGrants,
        downgradedBy: ex.downgradedBy,
        text: ex.text,
      };
    },
  };

  return { get, load, present, create, update, remove, listGrants, setGrant, removeGrant, api };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;
export type ProjectsApi = ProjectsService['api'];
