/**
 * Question: whose level would drop if this change were made? Rule 7's impact previews. Each
 * describes the change as an Overlay and runs the checks' own evaluation (access-level.ts) with
 * and without it, so a preview cannot disagree with what the mutation will do. Nothing is cloned
 * or changed, and only the users and projects the change can reach (access-reach.ts) are
 * evaluated. Every list is sorted by project, then user, and names members only: non-members and
 * anonymous visitors only ever hold the public grant.
 */
import { C_WORKSPACE, cmp, NON_MEMBER, ROLE_CODES, sortChanges } from './access-codes.js';
import type { AccessCore } from './access-core.js';
import { explainedLevel } from './access-explain.js';
import { evalLevel, hasAccessIx, memberRole, Overlay } from './access-level.js';
import { usage } from './access-lists.js';
import { clampLevel, parseAccess, requireAsset, requireImportable, requireProject, subjectCode } from './access-resolve.js';
import { forEachCandidate, forEachGrantedProject, forEachGroupProject, forEachSubjectMember } from './access-reach.js';
import { AccessFactsError, Level } from './access-types.js';
import type { DowngradedGrantee, GrantPreview, GrantSubject, LevelChange, RemoveAssetPreview, Role } from './access-types.js';

export function previewSetAssetAccess(c: AccessCore, assetId: string, access: readonly string[]): LevelChange[] {
  const a = requireAsset(c, assetId);
  const ws = c.assetWs[a]!;
  const parsed = parseAccess(c, access, ws);
  const ov = new Overlay();
  ov.asset = a;
  ov.assetFlags = parsed.flags;
  ov.assetGroups = parsed.groups;
  // only users who would lose access can drop
  const lost = new Set<number>();
  for (const u of c.wsMembers[ws]!.keys()) if (hasAccessIx(c, u, a, null) && !hasAccessIx(c, u, a, ov)) lost.add(u);
  if (lost.size === 0) return [];
  const out: LevelChange[] = [];
  for (const p of c.assetUsage[a]!) {
    if (hasGrantAtLeast(c, p, C_WORKSPACE, Level.can_edit)) {
      for (const u of lost) compare(c, u, p, ov, out);
    } else {
      const candidates: number[] = [];
      forEachCandidate(c, p, Level.can_edit, (u) => {
        if (lost.has(u)) candidates.push(u);
      });
      for (const u of candidates) compare(c, u, p, ov, out);
    }
  }
  return sortChanges(out);
}

export function previewImport(c: AccessCore, projectId: string, assetId: string): LevelChange[] {
  const [p, a] = requireImportable(c, projectId, assetId);
  if (c.assetUsage[a]!.has(p)) return [];
  const ov = new Overlay();
  ov.importProject = p;
  ov.importAsset = a;
  const out: LevelChange[] = [];
  forEachCandidate(c, p, Level.can_edit, (u) => compare(c, u, p, ov, out));
  return sortChanges(out);
}

/** The drops, and rule 7's list of grantees the grant would leave downgraded. */
export function previewGrant(c: AccessCore, projectId: string, subject: GrantSubject, level: Level): GrantPreview {
  const p = requireProject(c, projectId);
  const ws = c.projWs[p]!;
  const code = subjectCode(c, subject, ws, true);
  const lvl = clampLevel(subject, level);
  const ov = new Overlay();
  ov.grantProject = p;
  ov.grantCode = code;
  ov.grantLevel = lvl;
  const drops: LevelChange[] = [];
  const downgraded: DowngradedGrantee[] = [];
  forEachSubjectMember(c, code, ws, (u) => {
    compare(c, u, p, ov, drops);
    if (lvl < Level.can_edit) return;
    const { result } = explainedLevel(c, u, p, ov);
    if (result.downgradedBy.length > 0)
      downgraded.push({
        userId: c.users.id(u),
        projectId,
        granted: result.capped,
        effective: result.level,
        missingAssets: result.downgradedBy,
      });
  });
  downgraded.sort((x, y) => cmp(x.userId, y.userId));
  return { drops: sortChanges(drops), downgraded };
}

export function previewRemoveGroupMembers(c: AccessCore, groupId: string, userIds: readonly string[]): LevelChange[] {
  const g = c.groups.get(groupId);
  if (g < 0) return [];
  const removed = new Set<number>();
  for (const id of userIds) {
    const u = c.users.get(id);
    if (u >= 0 && c.groupMembers[g]!.has(u)) removed.add(u);
  }
  if (removed.size === 0) return [];
  const ov = new Overlay();
  ov.group = g;
  ov.removedUsers = removed;
  const members = c.wsMembers[c.groupWs[g]!]!;
  const out: LevelChange[] = [];
  forEachGroupProject(c, g, (p) => {
    for (const u of removed) if (members.has(u)) compare(c, u, p, ov, out);
  });
  return sortChanges(out);
}

export function previewSetRole(c: AccessCore, workspaceId: string, userId: string, role: Role): LevelChange[] {
  const code = ROLE_CODES[role];
  if (code === undefined) throw new AccessFactsError(`unknown role: ${String(role)}`);
  return previewMembership(c, workspaceId, userId, code);
}

export function previewRemoveMember(c: AccessCore, workspaceId: string, userId: string): LevelChange[] {
  return previewMembership(c, workspaceId, userId, NON_MEMBER);
}

/** Deleting an asset never lowers a level (it removes the import); the preview is its usage. */
export function previewRemoveAsset(c: AccessCore, assetId: string): RemoveAssetPreview {
  return { usage: usage(c, assetId), drops: [] };
}

function previewMembership(c: AccessCore, workspaceId: string, userId: string, newRole: number): LevelChange[] {
  const ws = c.wss.get(workspaceId);
  const u = c.users.get(userId);
  if (ws < 0 || u < 0) return [];
  const oldRole = memberRole(c, u, ws, null);
  if (oldRole === NON_MEMBER || oldRole === newRole) return [];
  const ov = new Overlay();
  ov.roleUser = u;
  ov.roleWs = ws;
  ov.role = newRole;
  const out: LevelChange[] = [];
  // a level can only drop where the user holds a non-public grant now; public stays can_view
  forEachGrantedProject(c, u, ws, oldRole, false, (p) => compare(c, u, p, ov, out));
  return sortChanges(out);
}

/** Appends (u, p) to out when its level under the overlay is below today's. */
function compare(c: AccessCore, u: number, p: number, ov: Overlay, out: LevelChange[]): void {
  const from = evalLevel(c, u, p, null, null);
  if (from === Level.none) return;
  const to = evalLevel(c, u, p, ov, null);
  if (to < from) out.push({ userId: c.users.id(u), projectId: c.projects.id(p), from, to });
}

function hasGrantAtLeast(c: AccessCore, p: number, code: number, level: number): boolean {
  const grants = c.projGrants[p]!;
  for (let i = 0; i < grants.length; i += 2) if (grants[i] === code) return grants[i + 1]! >= level;
  return false;
}
