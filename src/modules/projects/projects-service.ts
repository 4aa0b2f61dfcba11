/**
 * Projects and their sharing. Granting can_edit+ to someone who lacks access to an imported
 * asset is refused with `asset_access_required` unless confirmed (rule 7); a confirmed grant is
 * stored and the person is effectively can_view until they get access.
 */
import { type GrantSubject, Level, levelFromName, levelName, type LevelName } from '../../access/access-types.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { RequestContext } from '../audit/audit-types.js';
import { type AuthzService, subjectFromRow, subjectToRow } from '../authz/authz-service.js';
import { presentImpact } from '../authz/authz-impact.js';

type Deps = { store: Store; audit: AuditService; authz: AuthzService };

export interface ProjectRow {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SubjectInput = { type: 'user'; userId: string } | { type: 'group'; groupId: string } | { type: 'public' };

export function createProjectsService(deps: Deps) {
  const { db } = deps.store;

  const toRow = (p: { id: string; workspace_id: string; name: string; description: string; created_by: string | null; created_at: string; updated_at: string }): ProjectRow => ({
    id: p.id,
    workspaceId: p.workspace_id,
    name: p.name,
    description: p.description,
    createdBy: p.created_by,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  });

  /** Loads a project; does not authorize (routes call authorize with its workspace). */
  async function get(projectId: string): Promise<ProjectRow> {
    const p = await deps.store.read.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
    if (!p) throw notFound('Project', projectId);
    return toRow(p);
  }

  /** Projects of the workspace the user can at least view, from the index (no per-row checks). */
  async function listVisible(wsId: string, userId: string, minLevel: Level = Level.can_view): Promise<ProjectRow[]> {
    const ids = deps.authz.index.projectsUserCan(userId, wsId, minLevel);
    if (!ids.length) return [];
    const rows: ProjectRow[] = [];
    // Chunk to stay under bound-parameter limits.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      rows.push(...(await db.selectFrom('projects').selectAll().where('id', 'in', chunk).execute()).map(toRow));
    }
    return rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async function create(wsId: string, creatorId: string, input: { name: string; description?: string }, ctx: RequestContext): Promise<ProjectRow> {
    const id = newId('prj');
    const now = nowIso();
    const version = await deps.store.transaction(async (tx) => {
      await tx.insertInto('projects').values({ id, workspace_id: wsId, name: input.name.trim(), description: input.description ?? '', created_by: creatorId, created_at: now, updated_at: now }).execute();
      // The creator gets full access.
      await tx.insertInto('project_grants').values({ project_id: id, subject_type: 'user', subject_id: creatorId, level: 'full_access', created_by: creatorId, created_at: now }).execute();
      await deps.audit.record(tx, ctx, { workspaceId: wsId, action: 'project.create', targetType: 'project', targetId: id, details: { name: input.name.trim() } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (idx) => {
      idx.addProject({ id, workspaceId: wsId });
      idx.setGrant(id, { type: 'user', userId: creatorId }, Level.full_access);
    });
    return { id, workspaceId: wsId, name: input.name.trim(), description: input.description ?? '', createdBy: creatorId, createdAt: now, updatedAt: now };
  }

  async function update(p: ProjectRow, patch: { name?: string; description?: string }, ctx: RequestContext): Promise<ProjectRow> {
    await deps.store.transaction(async (tx) => {
      await tx
        .updateTable('projects')
        .set({ ...(patch.name ? { name: patch.name.trim() } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}), updated_at: nowIso() })
        .where('id', '=', p.id)
        .execute();
      await deps.audit.record(tx, ctx, { workspaceId: p.workspaceId, action: 'project.update', targetType: 'project', targetId: p.id, details: { ...patch } });
    });
    return get(p.id);
  }

  async function remove(p: ProjectRow, ctx: RequestContext): Promise<void> {
    const version = await deps.store.transaction(async (tx) => {
      await tx.deleteFrom('projects').where('id', '=', p.id).execute();
      await deps.audit.record(tx, ctx, { workspaceId: p.workspaceId, action: 'project.delete', targetType: 'project', targetId: p.id, details: { name: p.name } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (idx) => idx.removeProject(p.id));
  }

  async function listGrants(p: ProjectRow) {
    const rows = await db.selectFrom('project_grants').selectAll().where('project_id', '=', p.id).orderBy('created_at').execute();
    const userIds = rows.filter((r) => r.subject_type === 'user').map((r) => r.subject_id);
    const groupIds = rows.filter((r) => r.subject_type === 'group' && r.subject_id !== 'workspace').map((r) => r.subject_id);
    const users = userIds.length ? await db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', userIds).execute() : [];
    const groups = groupIds.length ? await db.selectFrom('groups').select(['id', 'name']).where('id', 'in', groupIds).execute() : [];
    const userById = new Map(users.map((u) => [u.id, u]));
    const groupById = new Map(groups.map((g) => [g.id, g]));
    return rows.map((r) => {
      const subject = subjectFromRow(r.subject_type, r.subject_id);
      const label =
        subject.type === 'user' ? (userById.get(subject.userId)?.email ?? subject.userId)
        : subject.type === 'group' ? (subject.groupId === 'workspace' ? 'Workspace' : (groupById.get(subject.groupId)?.name ?? subject.groupId))
        : 'Anyone on the web';
      return { subject, label, level: r.level as LevelName, createdAt: r.created_at };
    });
  }

  async function validateSubject(p: ProjectRow, s: SubjectInput): Promise<GrantSubject> {
    if (s.type === 'user') {
      if (!deps.authz.index.roleIn(s.userId, p.workspaceId)) {
        throw new AppError('validation_failed', 'Projects can only be shared with members of their workspace.', { field: 'subject.userId', userId: s.userId });
      }
      return s;
    }
    if (s.type === 'group') {
      if (s.groupId === 'workspace') return s;
      if (s.groupId === 'workspace-guests' || s.groupId === 'public') {
        throw new AppError('validation_failed', `Projects cannot be shared with the '${s.groupId}' group; share with the web ({"type":"public"}) or with users instead.`, { field: 'subject.groupId' });
      }
      const g = await db.selectFrom('groups').select('id').where('id', '=', s.groupId).where('workspace_id', '=', p.workspaceId).executeTakeFirst();
      if (!g) throw new AppError('validation_failed', `Group '${s.groupId}' does not exist in this workspace.`, { field: 'subject.groupId' });
      return s;
    }
    return s;
  }

  async function setGrant(
    p: ProjectRow,
    subjectIn: SubjectInput,
    levelIn: LevelName,
    opts: { confirm: boolean; dryRun: boolean; actorId: string },
    ctx: RequestContext,
  ) {
    const subject = await validateSubject(p, subjectIn);
    const level = levelFromName(levelIn);
    if (subject.type === 'public' && level > Level.can_view) {
      throw new AppError('validation_failed', 'Sharing with the web gives at most can_view.', { field: 'level', max: 'can_view' });
    }
    if (level === Level.none) throw new AppError('validation_failed', "Use DELETE on the grant to remove access; 'none' is not a grant level.", { field: 'level' });
    const preview = deps.authz.index.previewGrant(p.id, subject, level);
    const drops = presentImpact(preview.drops);
    const affected = preview.downgraded.map((d) => ({ userId: d.userId, granted: levelName(d.granted), effective: levelName(d.effective), missingAssets: d.missingAssets }));
    if (opts.dryRun) return { applied: false, downgraded: affected, drops };
    if (affected.length && !opts.confirm) {
      const assets = [...new Set(affected.flatMap((a) => a.missingAssets))];
      throw new AppError(
        'asset_access_required',
        `${affected.length} user(s) would get ${levelIn} but lack access to ${assets.length} asset(s) this project uses, so they could only view it. Give them access to the assets, or repeat with "confirm": true to grant anyway.`,
        { affectedUsers: affected, assets },
      );
    }
    const row = subjectToRow(subject);
    const version = await deps.store.transaction(async (tx) => {
      const now = nowIso();
      await tx
        .insertInto('project_grants')
        .values({ project_id: p.id, ...row, level: levelIn, created_by: opts.actorId, created_at: now })
        .onConflict((oc) => oc.columns(['project_id', 'subject_type', 'subject_id']).doUpdateSet({ level: levelIn, created_by: opts.actorId }))
        .execute();
      await deps.audit.record(tx, ctx, {
        workspaceId: p.workspaceId,
        action: 'project.grant_set',
        targetType: 'project',
        targetId: p.id,
        details: { subject, level: levelIn, confirmedDowngrades: affected.map((a) => a.userId) },
      });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (idx) => idx.setGrant(p.id, subject, level));
    return { applied: true, downgraded: affected, drops };
  }

  async function removeGrant(p: ProjectRow, subjectIn: SubjectInput, ctx: RequestContext) {
    const subject: GrantSubject = subjectIn;
    const row = subjectToRow(subject);
    const version = await deps.store.transaction(async (tx) => {
      const res = await tx.deleteFrom('project_grants').where('project_id', '=', p.id).where('subject_type', '=', row.subject_type).where('subject_id', '=', row.subject_id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound('Grant');
      await deps.audit.record(tx, ctx, { workspaceId: p.workspaceId, action: 'project.grant_remove', targetType: 'project', targetId: p.id, details: { subject } });
      return deps.authz.bump(tx);
    });
    deps.authz.applyCommitted(version, (idx) => idx.removeGrant(p.id, subject));
  }

  return { get, listVisible, create, update, remove, listGrants, setGrant, removeGrant };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;
