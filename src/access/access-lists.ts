/**
 * Question: which projects, users or assets? List queries, ids sorted by code unit. Candidates
 * come from access-reach.ts; each is judged by the same check as a single question.
 */
import type { AccessCore } from './access-core.js';
import { evalLevel, hasAccessIx, memberRole } from './access-level.js';
import { forEachCandidate, forEachGrantedProject } from './access-reach.js';
import { Level } from './access-types.js';

/** Projects of the workspace where the user's effective level is ≥ minLevel. */
export function projectsUserCan(c: AccessCore, userId: string | null, workspaceId: string, minLevel: Level): string[] {
  const ws = c.wss.get(workspaceId);
  if (ws < 0) return [];
  if (minLevel <= Level.none) return c.projects.sortedIds(c.wsProjects[ws]!);
  const u = c.userIx(userId);
  const out: string[] = [];
  forEachGrantedProject(c, u, ws, memberRole(c, u, ws, null), minLevel <= Level.can_view, (p) => {
    if (evalLevel(c, u, p, null, null) >= minLevel) out.push(c.projects.id(p));
  });
  return out.sort();
}

/** Members of the project's workspace whose effective level is ≥ minLevel. A public grant
 *  also admits non-members and anonymous visitors at can_view; they are not listed. */
export function usersWhoCan(c: AccessCore, projectId: string, minLevel: Level): string[] {
  const p = c.projects.get(projectId);
  if (p < 0) return [];
  const out: string[] = [];
  forEachCandidate(c, p, minLevel, (u) => {
    if (evalLevel(c, u, p, null, null) >= minLevel) out.push(c.users.id(u));
  });
  return out.sort();
}

export function assetsUserCanSee(c: AccessCore, userId: string | null, workspaceId: string): string[] {
  const ws = c.wss.get(workspaceId);
  return ws < 0 ? [] : accessibleAssets(c, c.userIx(userId), ws);
}

/** Assets of the project's workspace the user may use there (rule 5). */
export function assetsUserCanUse(c: AccessCore, userId: string | null, projectId: string): string[] {
  const p = c.projects.get(projectId);
  if (p < 0) return [];
  const u = c.userIx(userId);
  if (evalLevel(c, u, p, null, null) < Level.can_edit) return [];
  return accessibleAssets(c, u, c.projWs[p]!);
}

/** Projects importing the asset. */
export function usage(c: AccessCore, assetId: string): string[] {
  const a = c.assets.get(assetId);
  return a < 0 ? [] : c.projects.sortedIds(c.assetUsage[a]!);
}

/** Imported asset ids of a project. */
export function imports(c: AccessCore, projectId: string): string[] {
  const p = c.projects.get(projectId);
  return p < 0 ? [] : c.assets.sortedIds(c.projImports[p]!);
}

function accessibleAssets(c: AccessCore, u: number, ws: number): string[] {
  const out: string[] = [];
  for (const a of c.wsAssets[ws]!) if (hasAccessIx(c, u, a, null)) out.push(c.assets.id(a));
  return out.sort();
}
