/**
 * The declared policies, as a table: one row per (caller, rule) with the answer DESIGN.md gives.
 * Built on the pure engine from hand-written facts — no database — so a row reads like the rule.
 */
import { describe, expect, it } from 'vitest';
import { AccessIndex } from '../../access/access-index.js';
import { type AccessFacts, Level, ProjectAction, Role, WorkspaceAction } from '../../access/access-types.js';
import type { Caller, Principal } from '../../context.js';
import { AppError } from '../../errors.js';
import { type AssetRef, createAuthzPolicies } from './authz-policies.js';

const facts: AccessFacts = {
  members: [
    { workspaceId: 'ws1', userId: 'ada', role: Role.admin },
    { workspaceId: 'ws1', userId: 'eddie', role: Role.editor },
    { workspaceId: 'ws1', userId: 'vera', role: Role.viewer },
    { workspaceId: 'ws1', userId: 'gus', role: Role.guest },
    { workspaceId: 'ws2', userId: 'xena', role: Role.admin },
  ],
  groups: [{ id: 'team', workspaceId: 'ws1' }],
  groupMembers: [{ groupId: 'team', userId: 'ada' }],
  projects: [
    { id: 'p1', workspaceId: 'ws1' },
    { id: 'p2', workspaceId: 'ws1' },
  ],
  grants: [
    { projectId: 'p1', subject: { type: 'user', userId: 'eddie' }, level: Level.can_edit },
    { projectId: 'p1', subject: { type: 'user', userId: 'gus' }, level: Level.can_edit },
    { projectId: 'p1', subject: { type: 'group', groupId: 'workspace' }, level: Level.can_view },
    { projectId: 'p1', subject: { type: 'public' }, level: Level.can_view },
    { projectId: 'p2', subject: { type: 'user', userId: 'ada' }, level: Level.full_access },
  ],
  assets: [
    { id: 'sec', workspaceId: 'ws1', kind: 'secret', access: ['workspace'] },
    { id: 'fin', workspaceId: 'ws1', kind: 'data_connection', access: ['team'] },
    { id: 'wh', workspaceId: 'ws1', kind: 'data_connection', access: ['workspace'] },
    { id: 'own', workspaceId: 'ws1', kind: 'secret', access: ['public'] },
  ],
  imports: [
    { projectId: 'p1', assetId: 'sec' },
    { projectId: 'p1', assetId: 'own' },
  ],
};

const policies = createAuthzPolicies({ index: AccessIndex.build(facts) });
const ctx = { actorType: 'user' as const, actorId: null, ip: null, userAgent: null, requestId: null };
const session = (userId: string): Caller => ({ principal: { userId, via: 'session', scopes: ['read', 'write'] }, ctx });
const token = (userId: string, scopes: Principal['scopes']): Caller => ({ principal: { userId, via: 'token', scopes }, ctx });
const anonymous: Caller = { principal: null, ctx };
const p1 = { id: 'p1', workspaceId: 'ws1' };
const p2 = { id: 'p2', workspaceId: 'ws1' };
const sec = { id: 'sec', workspaceId: 'ws1', projectId: null, kind: 'secret' as const, name: 'SEC' };
const fin: AssetRef = { id: 'fin', workspaceId: 'ws1', projectId: null, kind: 'data_connection' };
const own: AssetRef = { id: 'own', workspaceId: 'ws1', projectId: 'p1', kind: 'secret' };

/** The code (and, for forbidden, the details) a call throws; 'ok' when it does not. */
function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e.code;
  }
}

describe('workspace rules', () => {
  it.each([
    ['an admin manages assets', session('ada'), WorkspaceAction.manage_assets, 'ok'],
    ['a viewer may not manage assets', session('vera'), WorkspaceAction.manage_assets, 'forbidden'],
    ['an editor creates projects', session('eddie'), WorkspaceAction.create_project, 'ok'],
    ['a guest does not see members', session('gus'), WorkspaceAction.view_members, 'forbidden'],
    ['an admin of another workspace finds nothing', session('xena'), WorkspaceAction.view_members, 'not_found'],
    ['anonymous must sign in', anonymous, WorkspaceAction.view_members, 'unauthenticated'],
  ])('%s', (_name, caller, action, expected) => {
    expect(outcome(() => policies.assertWorkspace(caller, 'ws1', action))).toBe(expected);
  });

  it('a forbidden answer names the action and the role', () => {
    expect(() => policies.assertWorkspace(session('vera'), 'ws1', WorkspaceAction.manage_assets)).toThrow(
      expect.objectContaining({ code: 'forbidden', details: { action: 'manage_assets', role: 'viewer' } }),
    );
  });
});

describe('project rules', () => {
  it.each([
    ['an editor with a grant edits', session('eddie'), p1, ProjectAction.edit, 'ok'],
    ['a downgraded guest may only view (rule 4)', session('gus'), p1, ProjectAction.edit, 'forbidden'],
    ['a web viewer reads results (rule 6)', anonymous, p1, ProjectAction.view_results, 'ok'],
    ['a web viewer may not edit, and is asked to sign in', anonymous, p1, ProjectAction.edit, 'unauthenticated'],
    ['a project not shared with the web is asked to sign in for', anonymous, p2, ProjectAction.view, 'unauthenticated'],
    ['a member without a grant does not see it', session('eddie'), p2, ProjectAction.view, 'not_found'],
    ['an admin may share a project with no grant of theirs', session('ada'), p1, ProjectAction.share, 'ok'],
    ['an admin of another workspace sees a web-shared project as the web does', session('xena'), p1, ProjectAction.view, 'ok'],
    ['an admin of another workspace does not see an unshared one', session('xena'), p2, ProjectAction.view, 'not_found'],
  ])('%s', (_name, caller, project, action, expected) => {
    expect(outcome(() => policies.assertProject(caller, project, action))).toBe(expected);
  });

  it('rule 9: the default connection adds run_query for an editor who may use it, not for one who may not', () => {
    expect(policies.projectActions('eddie', 'p1', null)).not.toContain(ProjectAction.run_query);
    expect(policies.projectActions('eddie', 'p1', 'wh')).toContain(ProjectAction.run_query);
    expect(policies.projectActions('eddie', 'p1', 'fin')).not.toContain(ProjectAction.run_query);
    expect(policies.projectActions('gus', 'p1', 'wh')).not.toContain(ProjectAction.run_query);
  });
});

describe('asset rules', () => {
  it.each([
    ['a member of the workspace group sees a workspace asset', 'eddie', sec, true],
    ['a guest does not see it', 'gus', sec, false],
    ['anonymous does not see it', null, sec, false],
    ['only the team sees the finance connection', 'eddie', fin, false],
    ['an admin sees everything', 'ada', fin, true],
    ["a member who can view the project sees the project's own asset", 'vera', own, true],
    ["a web visitor does not see a project's own asset", null, own, false],
    ["nor does a signed-in visitor of another workspace", 'xena', own, false],
  ])('rule 2: %s', (_name, userId, asset, expected) => {
    expect(policies.canSeeAsset(userId, asset)).toBe(expected);
  });

  it.each([
    ['a user who may see it', 'eddie', 'p1', true],
    ['a guest granted can_edit on a project importing it (the exception)', 'gus', 'p1', true],
    ['a viewer capped at can_view who may see it', 'vera', 'p1', true],
    ['a web viewer', null, 'p1', false],
    ['a guest, asked about a project that does not import it', 'gus', 'p2', false],
  ])('rule 2, naming a secret: %s', (_name, userId, projectId, expected) => {
    expect(policies.mayNameAsset(userId, sec, projectId)).toBe(expected);
  });
});

describe('revealing a secret (rule 5) is decided in one place', () => {
  it.each([
    ['an editor with access, signed in', session('eddie'), 'ok'],
    ['an editor with access, with a write token', token('eddie', ['read', 'write']), 'ok'],
    ['an editor with access, with a read-only token', token('eddie', ['read']), 'forbidden'],
    ['a viewer', session('vera'), 'forbidden'],
    ['a web viewer, who may not even see it', anonymous, 'not_found'],
    ['a guest granted can_edit, who may not see it', session('gus'), 'not_found'],
  ])('%s', (_name, caller, expected) => {
    expect(outcome(() => policies.assertReveal(caller, p1, sec))).toBe(expected);
  });

  it("a project's own secret: a web viewer is asked to sign in, a viewer is refused", () => {
    const ownSecret = { ...own, name: 'OWN' };
    expect(outcome(() => policies.assertReveal(session('vera'), p1, ownSecret))).toBe('forbidden');
    expect(outcome(() => policies.assertReveal(anonymous, p1, ownSecret))).toBe('not_found');
    expect(outcome(() => policies.assertReveal(session('eddie'), p1, ownSecret))).toBe('ok');
  });

  it('the runtime environment asks the same of every secret', () => {
    expect(outcome(() => policies.assertRevealAll(session('eddie'), p1, [sec]))).toBe('ok');
    expect(outcome(() => policies.assertRevealAll(session('gus'), p1, [sec]))).toBe('forbidden');
    expect(outcome(() => policies.assertRevealAll(token('eddie', ['read']), p1, [sec]))).toBe('forbidden');
  });

  it('a read-only token is told which scope it needs, even for a project without secrets', () => {
    expect(() => policies.assertRevealAll(token('eddie', ['read']), p1, [])).toThrow(expect.objectContaining({ code: 'forbidden', details: { requiredScope: 'write' } }));
  });
});
