/**
 * Who and what a grant can reach: the candidate sets that list queries and previews evaluate,
 * taken from the reverse indexes so neither scans every user or project. They only narrow the
 * search; every candidate is still judged by access-level.ts. Each visits an entity once, using
 * the core's mark arrays, so `fn` must not start another round (AccessCore.nextEpoch).
 */
import { C_PUBLIC, C_WORKSPACE, GUEST, NON_MEMBER, T_USER } from './access-codes.js';
import type { AccessCore } from './access-core.js';
import { Level } from './access-types.js';

/**
 * Every member of p's workspace who could match a grant of p with level ≥ minLevel
 * (Level.none: every member).
 */
export function forEachCandidate(c: AccessCore, p: number, minLevel: number, fn: (u: number) => void): void {
  const members = c.wsMembers[c.projWs[p]!]!;
  const grants = c.projGrants[p]!;
  let everyone = minLevel <= Level.none;
  let nonGuests = false;
  for (let i = 0; i < grants.length; i += 2) {
    if (grants[i + 1]! < minLevel) continue;
    if (grants[i] === C_PUBLIC) everyone = true;
    else if (grants[i] === C_WORKSPACE) nonGuests = true;
  }
  if (everyone || nonGuests) {
    for (const [u, role] of members) if (everyone || role !== GUEST) fn(u);
    if (everyone) return;
  }
  const mark = c.nextEpoch();
  const um = c.userMark;
  const visit = (u: number): void => {
    if (um[u] === mark || !members.has(u)) return;
    if (nonGuests && members.get(u) !== GUEST) return; // already visited above
    um[u] = mark;
    fn(u);
  };
  for (let i = 0; i < grants.length; i += 2) {
    if (grants[i + 1]! < minLevel) continue;
    const code = grants[i]!;
    if (code === C_PUBLIC || code === C_WORKSPACE) continue;
    if ((code & 3) === T_USER) visit(code >> 2);
    else for (const u of c.groupMembers[code >> 2]!) visit(u);
  }
}

/** Members of ws a grant subject code applies to. */
export function forEachSubjectMember(c: AccessCore, code: number, ws: number, fn: (u: number) => void): void {
  const members = c.wsMembers[ws]!;
  if (code === C_PUBLIC) for (const u of members.keys()) fn(u);
  else if (code === C_WORKSPACE) {
    for (const [u, role] of members) if (role !== GUEST) fn(u);
  } else if ((code & 3) === T_USER) {
    if (members.has(code >> 2)) fn(code >> 2);
  } else for (const u of c.groupMembers[code >> 2]!) if (members.has(u)) fn(u);
}

/**
 * Projects of ws with a grant that can match u, whose role in ws is `role`: user grants, grants
 * to u's groups, the workspace grant unless u is a guest, and with `withPublic` the public grants.
 */
export function forEachGrantedProject(
  c: AccessCore,
  u: number,
  ws: number,
  role: number,
  withPublic: boolean,
  fn: (p: number) => void,
): void {
  const visit = projectVisitor(c, fn);
  if (withPublic) for (const p of c.publicGrantProjects[ws]!) visit(p);
  if (role === NON_MEMBER) return;
  const direct = c.userGrantProjects[u];
  if (direct) for (const p of direct) if (c.projWs[p] === ws) visit(p);
  for (const g of c.userGroups[u]!) if (c.groupWs[g] === ws) for (const p of c.groupGrantProjects[g]!) visit(p);
  if (role !== GUEST) for (const p of c.wsGrantProjects[ws]!) visit(p);
}

/** Projects whose levels can depend on membership of group g: granted to g, or importing an
 *  asset whose access lists g. */
export function forEachGroupProject(c: AccessCore, g: number, fn: (p: number) => void): void {
  const visit = projectVisitor(c, fn);
  for (const p of c.groupGrantProjects[g]!) visit(p);
  for (const a of c.groupAssets[g]!) for (const p of c.assetUsage[a]!) visit(p);
}

/** fn, called at most once per project in a new mark round. */
function projectVisitor(c: AccessCore, fn: (p: number) => void): (p: number) => void {
  const mark = c.nextEpoch();
  const pm = c.projMark;
  return (p) => {
    if (pm[p] === mark) return;
    pm[p] = mark;
    fn(p);
  };
}
