/**
 * The git packages module's tables: `git_packages` (a package asset's kind row) and
 * `project_packages` (a project's pin of a package: commit, install status, artifact, log).
 * Both cascade from `assets` and `projects`, so the assets module's delete removes every pin.
 */
import { nowIso } from '../../ids.js';
import type { DbOrTx, Store } from '../../store/store.js';
import type { GitPackagesTable, ProjectPackagesTable } from '../../store/store-schema.js';

export type RefKind = 'branch' | 'tag' | 'commit';
export type InstallStatus = 'pending' | 'installing' | 'installed' | 'failed';

export interface GitPackageRow {
  assetId: string;
  providerId: string;
  repository: string;
  refKind: RefKind;
  refName: string;
  commands: string[];
  network: boolean;
  description: string;
  resolvedCommit: string | null;
  resolvedAt: string | null;
}

export interface ProjectPackageRow {
  projectId: string;
  assetId: string;
  commit: string;
  status: InstallStatus;
  artifactKey: string | null;
  log: string;
  error: { code: string; message: string } | null;
  pinnedBy: string | null;
  pinnedAt: string;
  installedAt: string | null;
}

const toPackage = (r: GitPackagesTable): GitPackageRow => ({
  assetId: r.asset_id,
  providerId: r.provider_id,
  repository: r.repository,
  refKind: r.ref_kind as RefKind,
  refName: r.ref_name,
  commands: JSON.parse(r.commands) as string[],
  network: Number(r.network) === 1,
  description: r.description,
  resolvedCommit: r.resolved_commit,
  resolvedAt: r.resolved_at,
});

const toPin = (r: ProjectPackagesTable): ProjectPackageRow => ({
  projectId: r.project_id,
  assetId: r.asset_id,
  commit: r.commit,
  status: r.status as InstallStatus,
  artifactKey: r.artifact_key,
  log: r.log,
  error: r.error ? (JSON.parse(r.error) as { code: string; message: string }) : null,
  pinnedBy: r.pinned_by,
  pinnedAt: r.pinned_at,
  installedAt: r.installed_at,
});

export function createGitPackagesRepository(store: Pick<Store, 'db'>) {
  const { db } = store;
  return {
    async get(assetId: string, tx: DbOrTx = db): Promise<GitPackageRow | undefined> {
      const r = await tx.selectFrom('git_packages').selectAll().where('asset_id', '=', assetId).executeTakeFirst();
      return r && toPackage(r);
    },
    async insert(tx: DbOrTx, p: GitPackageRow): Promise<void> {
      await tx
        .insertInto('git_packages')
        .values({ asset_id: p.assetId, provider_id: p.providerId, repository: p.repository, ref_kind: p.refKind, ref_name: p.refName, commands: JSON.stringify(p.commands), network: p.network ? 1 : 0, description: p.description, resolved_commit: p.resolvedCommit, resolved_at: p.resolvedAt })
        .execute();
    },
    async update(tx: DbOrTx, assetId: string, set: Partial<Omit<GitPackageRow, 'assetId'>>): Promise<void> {
      const v: Partial<GitPackagesTable> = {};
      if (set.providerId !== undefined) v.provider_id = set.providerId;
      if (set.repository !== undefined) v.repository = set.repository;
      if (set.refKind !== undefined) v.ref_kind = set.refKind;
      if (set.refName !== undefined) v.ref_name = set.refName;
      if (set.commands !== undefined) v.commands = JSON.stringify(set.commands);
      if (set.network !== undefined) v.network = set.network ? 1 : 0;
      if (set.description !== undefined) v.description = set.description;
      if (set.resolvedCommit !== undefined) v.resolved_commit = set.resolvedCommit;
      if (set.resolvedAt !== undefined) v.resolved_at = set.resolvedAt;
      if (Object.keys(v).length) await tx.updateTable('git_packages').set(v).where('asset_id', '=', assetId).execute();
    },
    // ---- pins
    async pin(projectId: string, assetId: string, tx: DbOrTx = db): Promise<ProjectPackageRow | undefined> {
      const r = await tx.selectFrom('project_packages').selectAll().where('project_id', '=', projectId).where('asset_id', '=', assetId).executeTakeFirst();
      return r && toPin(r);
    },
    async pinsOfProject(projectId: string): Promise<ProjectPackageRow[]> {
      return (await db.selectFrom('project_packages').selectAll().where('project_id', '=', projectId).execute()).map(toPin);
    },
    async pinsOfPackage(assetId: string, tx: DbOrTx = db): Promise<ProjectPackageRow[]> {
      return (await tx.selectFrom('project_packages').selectAll().where('asset_id', '=', assetId).execute()).map(toPin);
    },
    /** Pins (or re-pins) a project to a commit: the install starts over. */
    async setPin(tx: DbOrTx, projectId: string, assetId: string, commit: string, by: string | null): Promise<void> {
      const now = nowIso();
      await tx
        .insertInto('project_packages')
        .values({ project_id: projectId, asset_id: assetId, commit, status: 'pending', artifact_key: null, log: '', error: null, pinned_by: by, pinned_at: now, installed_at: null, updated_at: now })
        .onConflict((oc) => oc.columns(['project_id', 'asset_id']).doUpdateSet({ commit, status: 'pending', artifact_key: null, log: '', error: null, pinned_by: by, pinned_at: now, installed_at: null, updated_at: now }))
        .execute();
    },
    async setStatus(projectId: string, assetId: string, s: { status: InstallStatus; artifactKey?: string | null; log?: string; error?: { code: string; message: string } | null; commit?: string }): Promise<void> {
      const now = nowIso();
      let q = db
        .updateTable('project_packages')
        .set({
          status: s.status,
          updated_at: now,
          ...(s.artifactKey !== undefined ? { artifact_key: s.artifactKey } : {}),
          ...(s.log !== undefined ? { log: s.log } : {}),
          ...(s.error !== undefined ? { error: s.error ? JSON.stringify(s.error) : null } : {}),
          ...(s.status === 'installed' ? { installed_at: now } : {}),
        })
        .where('project_id', '=', projectId)
        .where('asset_id', '=', assetId);
      // A re-pin while installing wins: this install's result is for the old commit.
      if (s.commit !== undefined) q = q.where('commit', '=', s.commit);
      await q.execute();
    },
    async deletePin(tx: DbOrTx, projectId: string, assetId: string): Promise<void> {
      await tx.deleteFrom('project_packages').where('project_id', '=', projectId).where('asset_id', '=', assetId).execute();
    },
  };
}

export type GitPackagesRepository = ReturnType<typeof createGitPackagesRepository>;
