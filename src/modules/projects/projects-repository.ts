/** The projects module's tables: `projects` and `project_grants` (sharing). */
import { type AccessFacts, type GrantSubject, type LevelName, levelFromName } from '../../access/access-types.js';
import { nowIso } from '../../ids.js';
import type { Db, DbOrTx, Store } from '../../store/store.js';
import type { ProjectsTable } from '../../store/store-schema.js';
import { subjectFromRow, subjectToRow } from '../authz/authz-repository.js';

export interface ProjectRow {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const toRow = (p: ProjectsTable): ProjectRow => ({
  id: p.id,
  workspaceId: p.workspace_id,
  name: p.name,
  description: p.description,
  createdBy: p.created_by,
  createdAt: p.created_at,
  updatedAt: p.updated_at,
});

export function createProjectsRepository(store: Pick<Store, 'db' | 'read'>) {
  const { db } = store;
  return {
    /** Hot path (every project route): the read-only connection. */
    async get(projectId: string): Promise<ProjectRow | undefined> {
      const p = await store.read.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
      return p && toRow(p);
    },
    async byIds(ids: string[]): Promise<ProjectRow[]> {
      const rows: ProjectRow[] = [];
      // Chunk to stay under bound-parameter limits.
      for (let i = 0; i < ids.length; i += 500) rows.push(...(await db.selectFrom('projects').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute()).map(toRow));
      return rows;
    },
    async insert(tx: DbOrTx, p: ProjectRow): Promise<void> {
      await tx.insertInto('projects').values({ id: p.id, workspace_id: p.workspaceId, name: p.name, description: p.description, created_by: p.createdBy, created_at: p.createdAt, updated_at: p.updatedAt }).execute();
    },
    async update(tx: DbOrTx, id: string, patch: { name?: string; description?: string }): Promise<void> {
      await tx.updateTable('projects').set({ ...(patch.name ? { name: patch.name } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}), updated_at: nowIso() }).where('id', '=', id).execute();
    },
    async delete(tx: DbOrTx, id: string): Promise<void> {
      await tx.deleteFrom('projects').where('id', '=', id).execute();
    },
    async grants(projectId: string) {
      const rows = await db.selectFrom('project_grants').selectAll().where('project_id', '=', projectId).orderBy('created_at').execute();
      return rows.map((r) => ({ subject: subjectFromRow(r.subject_type, r.subject_id), level: r.level as LevelName, createdAt: r.created_at }));
    },
    async upsertGrant(tx: DbOrTx, projectId: string, subject: GrantSubject, level: LevelName, by: string): Promise<void> {
      await tx
        .insertInto('project_grants')
        .values({ project_id: projectId, ...subjectToRow(subject), level, created_by: by, created_at: nowIso() })
        .onConflict((oc) => oc.columns(['project_id', 'subject_type', 'subject_id']).doUpdateSet({ level, created_by: by }))
        .execute();
    },
    /** Whether a grant was there to delete. */
    async deleteGrant(tx: DbOrTx, projectId: string, subject: GrantSubject): Promise<boolean> {
      const row = subjectToRow(subject);
      const res = await tx.deleteFrom('project_grants').where('project_id', '=', projectId).where('subject_type', '=', row.subject_type).where('subject_id', '=', row.subject_id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async deleteGroupGrants(tx: DbOrTx, groupId: string): Promise<void> {
      await tx.deleteFrom('project_grants').where('subject_type', '=', 'group').where('subject_id', '=', groupId).execute();
    },
    /** Projects of the workspace with a grant to the user. */
    async userGrantProjects(tx: DbOrTx, wsId: string, userId: string): Promise<string[]> {
      const rows = await tx.selectFrom('project_grants').innerJoin('projects', 'projects.id', 'project_grants.project_id').select('projects.id').where('projects.workspace_id', '=', wsId).where('project_grants.subject_type', '=', 'user').where('project_grants.subject_id', '=', userId).execute();
      return rows.map((r) => r.id);
    },
    async deleteUserGrants(tx: DbOrTx, userId: string, projectIds: string[]): Promise<void> {
      if (projectIds.length) await tx.deleteFrom('project_grants').where('subject_type', '=', 'user').where('subject_id', '=', userId).where('project_id', 'in', projectIds).execute();
    },
    async accessFacts(from: Db): Promise<Pick<AccessFacts, 'projects' | 'grants'>> {
      const [projects, grants] = await Promise.all([
        from.selectFrom('projects').select(['id', 'workspace_id']).execute(),
        from.selectFrom('project_grants').select(['project_id', 'subject_type', 'subject_id', 'level']).execute(),
      ]);
      return {
        projects: projects.map((p) => ({ id: p.id, workspaceId: p.workspace_id })),
        grants: grants.map((g) => ({ projectId: g.project_id, subject: subjectFromRow(g.subject_type, g.subject_id), level: levelFromName(g.level) })),
      };
    },
  };
}

export type ProjectsRepository = ReturnType<typeof createProjectsRepository>;
