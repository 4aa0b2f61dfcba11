/**
 * Question: what may a user do here? The allowed-action lists returned with API responses, one
 * short rule per action (README.md, "Allowed actions"). Levels and access come from
 * access-level.ts; nothing here re-derives them.
 */
import { ADMIN, EDITOR, GUEST, KIND_CODES, NON_MEMBER, VIEWER } from './access-codes.js';
import type { AccessCore } from './access-core.js';
import { evalLevel, hasAccessIx, memberRole } from './access-level.js';
import { AssetAction, Level, ProjectAction, WorkspaceAction } from './access-types.js';

export function projectActions(c: AccessCore, userId: string | null, projectId: string): ProjectAction[] {
  const p = c.projects.get(projectId);
  if (p < 0) return [];
  const u = c.userIx(userId);
  const level = evalLevel(c, u, p, null, null);
  const owner = level === Level.full_access || (u >= 0 && memberRole(c, u, c.projWs[p]!, null) === ADMIN);
  const edit = level >= Level.can_edit;
  // kinds of asset the project imports, as bits; only an editor's actions depend on them
  let kinds = 0;
  if (edit) for (const a of c.projImports[p]!) kinds |= 1 << c.assetKind[a]!;
  const out: ProjectAction[] = [];
  if (level >= Level.can_view) out.push(ProjectAction.view, ProjectAction.view_results); // rule 6
  if (edit) out.push(ProjectAction.edit);
  if (owner) out.push(ProjectAction.share, ProjectAction.delete);
  if (edit) out.push(ProjectAction.import_asset);
  if (kinds & (1 << KIND_CODES.data_connection)) out.push(ProjectAction.run_query);
  if (kinds & (1 << KIND_CODES.secret)) out.push(ProjectAction.reveal_secret);
  if (kinds & (1 << KIND_CODES.git_package)) out.push(ProjectAction.install_package);
  if (kinds & (1 << KIND_CODES.file_integration)) out.push(ProjectAction.use_files);
  if (owner) out.push(ProjectAction.explain);
  return out;
}

export function assetActions(c: AccessCore, userId: string | null, assetId: string): AssetAction[] {
  const a = c.assets.get(assetId);
  if (a < 0) return [];
  const u = c.userIx(userId);
  const role = memberRole(c, u, c.assetWs[a]!, null);
  const access = hasAccessIx(c, u, a, null);
  const out: AssetAction[] = [];
  if (access) out.push(AssetAction.see);
  // could use it in a project they can edit: viewers are capped, non-members only get public
  if (access && (role === ADMIN || role === EDITOR || role === GUEST)) out.push(AssetAction.use);
  if (role === ADMIN) out.push(AssetAction.manage);
  return out;
}

export function workspaceActions(c: AccessCore, userId: string | null, workspaceId: string): WorkspaceAction[] {
  const ws = c.wss.get(workspaceId);
  const role = ws < 0 ? NON_MEMBER : memberRole(c, c.userIx(userId), ws, null);
  const out: WorkspaceAction[] = [];
  if (role === ADMIN || role === EDITOR || role === VIEWER) out.push(WorkspaceAction.view_members);
  if (role === ADMIN || role === EDITOR) out.push(WorkspaceAction.create_project);
  if (role === ADMIN)
    out.push(
      WorkspaceAction.manage_members,
      WorkspaceAction.manage_groups,
      WorkspaceAction.manage_assets,
      WorkspaceAction.read_audit,
    );
  return out;
}
