/**
 * Question: why is a user's level on a project what it is? DESIGN.md rule 12. The answer is read
 * off a LevelTrace of the same evaluation the checks run (access-level.ts), so the reason always
 * matches the level.
 */
import { ADMIN, cmp, NON_MEMBER, ROLE_OF_CODE, subjectKey } from './access-codes.js';
import type { AccessCore } from './access-core.js';
import { evalLevel, LevelTrace } from './access-level.js';
import { requireProject, subjectOf } from './access-resolve.js';
import type { Overlay } from './access-level.js';
import { BuiltinGroup, Level, levelName, Role } from './access-types.js';
import type { EffectiveLevel, ExplainedGrant, Explanation, GrantSubject } from './access-types.js';

/** Rule 4 with its reasons, and every matching grant best first (the first is `grant`). */
export function explainedLevel(
  c: AccessCore,
  u: number,
  p: number,
  ov: Overlay | null,
): { result: EffectiveLevel; matching: ExplainedGrant[]; role: number } {
  const trace = new LevelTrace();
  const level = evalLevel(c, u, p, ov, trace);
  const matching: ExplainedGrant[] = trace.codes.map((code, i) => ({ subject: subjectOf(c, code), level: trace.levels[i]! }));
  // best grant: the highest level; on a tie a user, then a custom group, then workspace, then public
  matching.sort((x, y) => y.level - x.level || cmp(subjectKey(x.subject), subjectKey(y.subject)));
  const result: EffectiveLevel = {
    level,
    granted: trace.granted,
    capped: trace.capped,
    downgradedBy: trace.missing.map((a) => c.assets.id(a)).sort(),
  };
  if (trace.capped !== trace.granted) result.cappedBy = 'viewer_role';
  if (matching[0] !== undefined) result.grant = matching[0].subject;
  return { result, matching, role: trace.role };
}

export function effectiveLevel(c: AccessCore, userId: string | null, projectId: string): EffectiveLevel {
  const p = c.projects.get(projectId);
  if (p < 0) return { level: Level.none, granted: Level.none, capped: Level.none, downgradedBy: [] };
  return explainedLevel(c, c.userIx(userId), p, null).result;
}

/** The effective level with its reasons in sentences; throws for an unknown project. */
export function explain(c: AccessCore, userId: string | null, projectId: string): Explanation {
  const p = requireProject(c, projectId);
  const ws = c.wss.id(c.projWs[p]!);
  const { result, matching, role: roleCode } = explainedLevel(c, c.userIx(userId), p, null);
  const role = roleCode === NON_MEMBER ? undefined : ROLE_OF_CODE[roleCode];
  const who = userId === null ? 'anonymous visitor' : `user ${userId}`;
  const text: string[] = [];
  text.push(
    role === undefined
      ? `${who} is not a member of workspace ${ws}; only a public grant can match.`
      : `${who} is ${role === Role.admin ? 'an' : 'a'} ${role} of workspace ${ws}.`,
  );
  if (matching.length === 0) text.push(`No grant of project ${projectId} matches.`);
  for (const m of matching) text.push(`Grant ${describeSubject(m.subject)} gives ${levelName(m.level)}.`);
  if (matching.length > 0) text.push(`Granted level: ${levelName(result.granted)}.`);
  if (result.cappedBy === 'viewer_role') text.push(`The viewer role caps it at can_view.`);
  if (result.downgradedBy.length > 0)
    text.push(
      `Downgraded to can_view: the project imports ${result.downgradedBy.join(', ')}, which the user has no access to.`,
    );
  else if (roleCode === ADMIN && result.capped >= Level.can_edit)
    text.push('Admins have access to every asset, so they are never downgraded.');
  text.push(`Effective level: ${levelName(result.level)}.`);
  return {
    ...result,
    userId,
    projectId,
    workspaceId: ws,
    ...(role !== undefined ? { role } : {}),
    matchingGrants: matching,
    text,
  };
}

function describeSubject(s: GrantSubject): string {
  switch (s.type) {
    case 'user':
      return `to user ${s.userId}`;
    case 'group':
      return s.groupId === BuiltinGroup.workspace ? 'to the workspace' : `to group ${s.groupId}`;
    case 'public':
      return 'to the web (public)';
  }
}
