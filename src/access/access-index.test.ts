/**
 * Table tests of the access rules, one row per case, in the words of DESIGN.md "Access rules" and
 * of the reference page's permission table and scenarios.
 */
import { describe, expect, it } from 'vitest';
import { AccessIndex } from './access-index.js';
import {
  AccessFactsError,
  AssetAction,
  Level,
  levelFromName,
  levelName,
  ProjectAction,
  Role,
  WorkspaceAction,
} from './access-types.js';
import type { AccessFacts, GrantSubject } from './access-types.js';

const { none, can_view, can_edit, full_access } = Level;
const user = (userId: string): GrantSubject => ({ type: 'user', userId });
const group = (groupId: string): GrantSubject => ({ type: 'group', groupId });
const PUBLIC: GrantSubject = { type: 'public' };

/**
 * Workspace "acme": ada admin, eve editor, dan editor in Data Team, otto editor outside it,
 * vic viewer in Data Team, gus guest (interview candidate). Workspace "globex": eve is admin
 * there, xavier is only a member there.
 */
function acme(): AccessFacts {
  return {
    members: [
      { workspaceId: 'acme', userId: 'ada', role: Role.admin },
      { workspaceId: 'acme', userId: 'eve', role: Role.editor },
      { workspaceId: 'acme', userId: 'dan', role: Role.editor },
      { workspaceId: 'acme', userId: 'otto', role: Role.editor },
      { workspaceId: 'acme', userId: 'vic', role: Role.viewer },
      { workspaceId: 'acme', userId: 'gus', role: Role.guest },
      { workspaceId: 'globex', userId: 'eve', role: Role.admin },
      { workspaceId: 'globex', userId: 'xavier', role: Role.editor },
    ],
    groups: [
      { id: 'data-team', workspaceId: 'acme' },
      { id: 'globex-team', workspaceId: 'globex' },
    ],
    groupMembers: [
      { groupId: 'data-team', userId: 'dan' },
      { groupId: 'data-team', userId: 'vic' },
      { groupId: 'globex-team', userId: 'otto' }, // otto is not a globex member: inert
      { groupId: 'globex-team', userId: 'xavier' },
    ],
    projects: [
      { id: 'p-analytics', workspaceId: 'acme' },
      { id: 'p-sensitive', workspaceId: 'acme' },
      { id: 'p-interview', workspaceId: 'acme' },
      { id: 'p-web', workspaceId: 'acme' },
      { id: 'p-empty', workspaceId: 'acme' },
      { id: 'p-globex', workspaceId: 'globex' },
    ],
    grants: [
      { projectId: 'p-analytics', subject: group('workspace'), level: can_edit },
      { projectId: 'p-sensitive', subject: user('dan'), level: full_access },
      { projectId: 'p-sensitive', subject: user('eve'), level: can_edit },
      { projectId: 'p-sensitive', subject: group('data-team'), level: can_edit },
      { projectId: 'p-interview', subject: user('gus'), level: can_edit },
      { projectId: 'p-interview', subject: user('eve'), level: can_edit },
      { projectId: 'p-web', subject: PUBLIC, level: can_view },
      { projectId: 'p-web', subject: user('eve'), level: full_access },
      { projectId: 'p-web', subject: user('xavier'), level: full_access }, // not an acme member
      { projectId: 'p-globex', subject: group('globex-team'), level: full_access },
    ],
    assets: [
      { id: 'analytics', workspaceId: 'acme', kind: 'data_connection', access: ['workspace'] },
      { id: 'warehouse', workspaceId: 'acme', kind: 'data_connection', access: ['data-team'] },
      { id: 'interview-db', workspaceId: 'acme', kind: 'data_connection', access: ['workspace-guests'] },
      { id: 'api-key', workspaceId: 'acme', kind: 'secret', access: ['workspace'] },
      { id: 'docs-bucket', workspaceId: 'acme', kind: 'file_integration', access: ['public'] },
      { id: 'globex-db', workspaceId: 'globex', kind: 'data_connection', access: ['workspace'] },
    ],
    imports: [
      { projectId: 'p-analytics', assetId: 'analytics' },
      { projectId: 'p-sensitive', assetId: 'warehouse' },
      { projectId: 'p-interview', assetId: 'interview-db' },
      { projectId: 'p-web', assetId: 'api-key' },
      { projectId: 'p-web', assetId: 'docs-bucket' },
    ],
  };
}

describe('levels', () => {
  it.each(['none', 'can_view', 'can_edit', 'full_access'] as const)('%s round-trips and orders', (name) => {
    expect(levelName(levelFromName(name))).toBe(name);
  });
  it('orders none < can_view < can_edit < full_access', () => {
    expect(none < can_view && can_view < can_edit && can_edit < full_access).toBe(true);
  });
  it('rejects unknown names', () => expect(() => levelFromName('owner')).toThrow(RangeError));
});

describe('reference page: permission table', () => {
  // role | project permission | has access to the data connection | effective
  const rows: [Role, Level, boolean, Level][] = [
    [Role.editor, can_edit, true, can_edit],
    [Role.editor, full_access, true, full_access],
    [Role.editor, can_edit, false, can_view],
    [Role.editor, full_access, false, can_view],
    [Role.admin, can_edit, false, can_edit],
    [Role.admin, full_access, false, full_access],
    [Role.admin, full_access, true, full_access],
  ];
  it.each(rows)('%s granted %s, access %s -> %s', (role, granted, access, expected) => {
    const ix = AccessIndex.build({
      members: [{ workspaceId: 'w', userId: 'u', role }],
      groups: [{ id: 'team', workspaceId: 'w' }],
      groupMembers: access ? [{ groupId: 'team', userId: 'u' }] : [],
      projects: [{ id: 'p', workspaceId: 'w' }],
      grants: [{ projectId: 'p', subject: user('u'), level: granted }],
      assets: [{ id: 'conn', workspaceId: 'w', kind: 'data_connection', access: ['team'] }],
      imports: [{ projectId: 'p', assetId: 'conn' }],
    });
    expect(ix.level('u', 'p')).toBe(expected);
    expect(ix.effectiveLevel('u', 'p').downgradedBy).toEqual(expected === can_view ? ['conn'] : []);
  });
});

describe('rules 2–4: effective level', () => {
  const ix = AccessIndex.build(acme());
  // user | project | level | granted | cappedBy | downgradedBy | why
  const rows: [string | null, string, Level, Level, 'viewer_role' | undefined, string[], string][] = [
    ['eve', 'p-analytics', can_edit, can_edit, undefined, [], 'workspace grant matches an editor'],
    ['ada', 'p-analytics', can_edit, can_edit, undefined, [], 'workspace grant matches an admin'],
    ['vic', 'p-analytics', can_view, can_edit, 'viewer_role', [], 'a viewer is capped at can_view'],
    ['gus', 'p-analytics', none, none, undefined, [], 'the workspace grant never matches guests'],
    ['dan', 'p-sensitive', full_access, full_access, undefined, [], 'user grant, member of Data Team'],
    ['eve', 'p-sensitive', can_view, can_edit, undefined, ['warehouse'], 'editor outside Data Team is downgraded'],
    ['vic', 'p-sensitive', can_view, can_edit, 'viewer_role', [], 'group grant, capped (not downgraded)'],
    ['otto', 'p-sensitive', none, none, undefined, [], 'no grant matches'],
    ['gus', 'p-interview', can_edit, can_edit, undefined, [], 'guest with workspace-guests on the asset'],
    ['eve', 'p-interview', can_view, can_edit, undefined, ['interview-db'], 'workspace-guests excludes editors'],
    ['ada', 'p-empty', none, none, undefined, [], 'admins get no implicit project level'],
    [null, 'p-web', can_view, can_view, undefined, [], 'a web grant gives can_view to anonymous'],
    ['xavier', 'p-web', can_view, can_view, undefined, [], 'user grant to a non-member never matches'],
    ['eve', 'p-web', full_access, full_access, undefined, [], 'user grant beats the public grant'],
    ['otto', 'p-globex', none, none, undefined, [], 'group membership without workspace membership is inert'],
    ['xavier', 'p-globex', full_access, full_access, undefined, [], 'custom group grant'],
    ['eve', 'p-globex', none, none, undefined, [], 'admin in globex, but no grant'],
    ['nobody', 'p-analytics', none, none, undefined, [], 'unknown user'],
    ['eve', 'p-missing', none, none, undefined, [], 'unknown project'],
  ];
  it.each(rows)('%s on %s -> %s (%s)', (u, p, level, granted, cappedBy, downgradedBy) => {
    const e = ix.effectiveLevel(u, p);
    expect(e.level).toBe(level);
    expect(ix.level(u, p)).toBe(level);
    expect(e.granted).toBe(granted);
    expect(e.cappedBy).toBe(cappedBy);
    expect(e.downgradedBy).toEqual(downgradedBy);
  });

  it('names the best grant: user grants win ties over groups', () => {
    expect(ix.effectiveLevel('dan', 'p-sensitive').grant).toEqual(user('dan'));
    expect(ix.effectiveLevel('vic', 'p-sensitive').grant).toEqual(group('data-team'));
    expect(ix.effectiveLevel(null, 'p-web').grant).toEqual(PUBLIC);
    expect(ix.effectiveLevel('gus', 'p-analytics').grant).toBeUndefined();
  });
});

describe('rules 1, 2, 5: manage, see and use an asset', () => {
  const ix = AccessIndex.build(acme());
  // user | asset | see | manage
  const see: [string | null, string, boolean, boolean][] = [
    ['ada', 'warehouse', true, true],
    ['eve', 'analytics', true, false],
    ['vic', 'analytics', true, false],
    ['gus', 'analytics', false, false],
    ['gus', 'interview-db', true, false],
    ['dan', 'warehouse', true, false],
    ['eve', 'warehouse', false, false],
    ['otto', 'warehouse', false, false],
    [null, 'docs-bucket', true, false],
    ['xavier', 'docs-bucket', true, false],
    [null, 'analytics', false, false],
    ['eve', 'globex-db', true, true],
    ['ada', 'globex-db', false, false],
  ];
  it.each(see)('%s / %s: see %s, manage %s', (u, a, canSee, manage) => {
    expect(ix.canSee(u, a)).toBe(canSee);
    expect(ix.hasAccess(u, a)).toBe(canSee);
    expect(ix.canManageAsset(u, a)).toBe(manage);
  });

  // user | project | asset | can use
  const use: [string | null, string, string, boolean][] = [
    ['eve', 'p-analytics', 'analytics', true],
    ['eve', 'p-analytics', 'warehouse', false],
    ['vic', 'p-analytics', 'analytics', false],
    ['ada', 'p-analytics', 'warehouse', true],
    ['ada', 'p-empty', 'analytics', false],
    ['dan', 'p-sensitive', 'warehouse', true],
    ['eve', 'p-sensitive', 'warehouse', false],
    ['eve', 'p-sensitive', 'analytics', false],
    ['gus', 'p-interview', 'interview-db', true],
    ['gus', 'p-interview', 'analytics', false],
    [null, 'p-web', 'docs-bucket', false],
    ['eve', 'p-web', 'docs-bucket', true],
    ['eve', 'p-web', 'globex-db', false],
  ];
  it.each(use)('%s in %s uses %s: %s', (u, p, a, expected) => {
    expect(ix.canUse(u, p, a)).toBe(expected);
  });

  it('lists', () => {
    expect(ix.assetsUserCanSee('gus', 'acme')).toEqual(['docs-bucket', 'interview-db']);
    expect(ix.assetsUserCanSee('dan', 'acme')).toEqual(['analytics', 'api-key', 'docs-bucket', 'warehouse']);
    expect(ix.assetsUserCanUse('eve', 'p-web')).toEqual(['analytics', 'api-key', 'docs-bucket']);
    expect(ix.assetsUserCanUse('eve', 'p-sensitive')).toEqual([]);
    expect(ix.usage('analytics')).toEqual(['p-analytics']);
    expect(ix.projectsUserCan('eve', 'acme', can_view)).toEqual(['p-analytics', 'p-interview', 'p-sensitive', 'p-web']);
    expect(ix.projectsUserCan('eve', 'acme', can_edit)).toEqual(['p-analytics', 'p-web']);
    expect(ix.projectsUserCan(null, 'acme', can_view)).toEqual(['p-web']);
    expect(ix.usersWhoCan('p-sensitive', can_edit)).toEqual(['dan']);
    expect(ix.usersWhoCan('p-sensitive', can_view)).toEqual(['dan', 'eve', 'vic']);
    expect(ix.usersWhoCan('p-web', can_view)).toEqual(['ada', 'dan', 'eve', 'gus', 'otto', 'vic']);
  });
});

describe('allowed actions', () => {
  const ix = AccessIndex.build(acme());
  const P = ProjectAction;
  const rows: [string | null, string, ProjectAction[]][] = [
    ['eve', 'p-analytics', [P.view, P.view_results, P.edit, P.import_asset, P.run_query]],
    ['eve', 'p-sensitive', [P.view, P.view_results]],
    ['eve', 'p-web', [P.view, P.view_results, P.edit, P.share, P.delete, P.import_asset, P.reveal_secret, P.use_files, P.explain]],
    ['ada', 'p-empty', [P.share, P.delete, P.explain]],
    [null, 'p-web', [P.view, P.view_results]], // rule 6: results are not assets
    ['gus', 'p-analytics', []],
  ];
  it.each(rows)('%s on %s', (u, p, actions) => expect(ix.projectActions(u, p)).toEqual(actions));

  it('asset actions', () => {
    expect(ix.assetActions('ada', 'warehouse')).toEqual([AssetAction.see, AssetAction.use, AssetAction.manage]);
    expect(ix.assetActions('vic', 'analytics')).toEqual([AssetAction.see]);
    expect(ix.assetActions('gus', 'interview-db')).toEqual([AssetAction.see, AssetAction.use]);
    expect(ix.assetActions('eve', 'warehouse')).toEqual([]);
    expect(ix.assetActions(null, 'docs-bucket')).toEqual([AssetAction.see]);
  });

  const W = WorkspaceAction;
  const wsRows: [string | null, string, WorkspaceAction[]][] = [
    ['ada', 'acme', [W.view_members, W.create_project, W.manage_members, W.manage_groups, W.manage_assets, W.read_audit]],
    ['eve', 'acme', [W.view_members, W.create_project]],
    ['vic', 'acme', [W.view_members]],
    ['gus', 'acme', []],
    ['xavier', 'acme', []],
    [null, 'acme', []],
  ];
  it.each(wsRows)('%s in %s', (u, ws, actions) => expect(ix.workspaceActions(u, ws)).toEqual(actions));
});

describe('reference page scenarios', () => {
  it('analytics connection shared with workspace: a guest with can_edit cannot use it', () => {
    const ix = AccessIndex.build(acme());
    ix.setGrant('p-analytics', user('gus'), can_edit);
    expect(ix.canSee('gus', 'analytics')).toBe(false);
    expect(ix.effectiveLevel('gus', 'p-analytics')).toMatchObject({ level: can_view, downgradedBy: ['analytics'] });
    expect(ix.canUse('gus', 'p-analytics', 'analytics')).toBe(false);
    expect(ix.canUse('eve', 'p-analytics', 'analytics')).toBe(true);
  });

  it('sensitive connection shared only with Data Team', () => {
    const ix = AccessIndex.build(acme());
    // a member creates a project and can add the connection
    ix.addProject({ id: 'p-new', workspaceId: 'acme' });
    ix.setGrant('p-new', user('dan'), full_access);
    expect(ix.canUse('dan', 'p-new', 'warehouse')).toBe(true);
    expect(ix.previewImport('p-new', 'warehouse')).toEqual([]);
    ix.addImport('p-new', 'warehouse');
    // outsiders neither see it nor could add it
    expect(ix.canSee('otto', 'warehouse')).toBe(false);
    expect(ix.assetsUserCanSee('otto', 'acme')).not.toContain('warehouse');
    // making an outsider an editor needs confirmation: the preview names them and the asset
    expect(ix.previewGrant('p-new', user('otto'), can_edit)).toEqual({
      drops: [],
      downgraded: [{ userId: 'otto', projectId: 'p-new', granted: can_edit, effective: can_view, missingAssets: ['warehouse'] }],
    });
    // the same for a group grant: every outsider the grant would reach is listed
    expect(ix.previewGrant('p-new', group('workspace'), can_edit).downgraded.map((d) => d.userId)).toEqual(['eve', 'otto']);
    // admins can always be made editors
    expect(ix.previewGrant('p-new', user('ada'), can_edit).downgraded).toEqual([]);
    // a confirmed grant is stored and the user is effectively can_view
    ix.setGrant('p-new', user('otto'), can_edit);
    expect(ix.effectiveLevel('otto', 'p-new')).toMatchObject({ granted: can_edit, level: can_view, downgradedBy: ['warehouse'] });
  });

  it('interview candidate as guest needs workspace-guests on the asset', () => {
    const ix = AccessIndex.build(acme());
    ix.addProject({ id: 'p-test', workspaceId: 'acme' });
    ix.setGrant('p-test', user('gus'), can_edit);
    ix.addImport('p-test', 'analytics');
    expect(ix.level('gus', 'p-test')).toBe(can_view);
    ix.setAssetAccess('analytics', ['workspace', 'workspace-guests']);
    expect(ix.level('gus', 'p-test')).toBe(can_edit);
    expect(ix.canUse('gus', 'p-test', 'analytics')).toBe(true);
  });
});

describe('rule 7: impact previews list every (user, project) whose level would drop', () => {
  const ix = AccessIndex.build(acme());
  const before = JSON.stringify(ix.toFacts());

  it.each([
    [
      'restrict analytics to Data Team',
      () => ix.previewSetAssetAccess('analytics', ['data-team']),
      [
        { userId: 'eve', projectId: 'p-analytics', from: can_edit, to: can_view },
        { userId: 'otto', projectId: 'p-analytics', from: can_edit, to: can_view },
      ],
    ],
    [
      'import warehouse into p-analytics',
      () => ix.previewImport('p-analytics', 'warehouse'),
      [
        { userId: 'eve', projectId: 'p-analytics', from: can_edit, to: can_view },
        { userId: 'otto', projectId: 'p-analytics', from: can_edit, to: can_view },
      ],
    ],
    [
      'remove dan from Data Team',
      () => ix.previewRemoveGroupMembers('data-team', ['dan', 'eve']),
      [{ userId: 'dan', projectId: 'p-sensitive', from: full_access, to: can_view }],
    ],
    [
      'make eve a viewer',
      () => ix.previewSetRole('acme', 'eve', Role.viewer),
      [
        { userId: 'eve', projectId: 'p-analytics', from: can_edit, to: can_view },
        { userId: 'eve', projectId: 'p-web', from: full_access, to: can_view },
      ],
    ],
    [
      'make gus a viewer (capped on p-interview; gains p-analytics)',
      () => ix.previewSetRole('acme', 'gus', Role.viewer),
      [{ userId: 'gus', projectId: 'p-interview', from: can_edit, to: can_view }],
    ],
    [
      'remove dan from acme',
      () => ix.previewRemoveMember('acme', 'dan'),
      [
        { userId: 'dan', projectId: 'p-analytics', from: can_edit, to: none },
        { userId: 'dan', projectId: 'p-sensitive', from: full_access, to: none },
        // p-web: the public grant still gives can_view, so no drop
      ],
    ],
    [
      'lower the workspace grant on p-analytics',
      () => ix.previewGrant('p-analytics', group('workspace'), can_view).drops,
      [
        { userId: 'ada', projectId: 'p-analytics', from: can_edit, to: can_view },
        { userId: 'dan', projectId: 'p-analytics', from: can_edit, to: can_view },
        { userId: 'eve', projectId: 'p-analytics', from: can_edit, to: can_view },
        { userId: 'otto', projectId: 'p-analytics', from: can_edit, to: can_view },
      ],
    ],
  ] as const)('%s', (_name, preview, expected) => {
    expect(preview()).toEqual(expected);
    expect(JSON.stringify(ix.toFacts())).toBe(before);
  });

  it('rule 8: removing an asset lists its usage and drops no level', () => {
    expect(ix.previewRemoveAsset('warehouse')).toEqual({ usage: ['p-sensitive'], drops: [] });
  });
});

describe('rule 12: explain', () => {
  const ix = AccessIndex.build(acme());
  it('names the grants, the cap and the downgrading assets', () => {
    const e = ix.explain('eve', 'p-sensitive');
    expect(e).toMatchObject({ role: Role.editor, granted: can_edit, level: can_view, downgradedBy: ['warehouse'] });
    expect(e.matchingGrants).toEqual([{ subject: user('eve'), level: can_edit }]);
    expect(e.text.join('\n')).toMatch(/warehouse/);
    const v = ix.explain('vic', 'p-analytics');
    expect(v.cappedBy).toBe('viewer_role');
    expect(v.text.join('\n')).toMatch(/viewer role caps/);
    const w = ix.explain('eve', 'p-web');
    expect(w.matchingGrants).toEqual([
      { subject: user('eve'), level: full_access },
      { subject: PUBLIC, level: can_view },
    ]);
    expect(ix.explain(null, 'p-web').text[0]).toMatch(/not a member/);
  });
});

describe('mutations', () => {
  it('one grant per (project, subject); Level.none removes; public is clamped to can_view', () => {
    const ix = AccessIndex.build(acme());
    ix.setGrant('p-empty', user('eve'), can_view);
    ix.setGrant('p-empty', user('eve'), full_access);
    expect(ix.toFacts().grants.filter((g) => g.projectId === 'p-empty')).toEqual([
      { projectId: 'p-empty', subject: user('eve'), level: full_access },
    ]);
    ix.setGrant('p-empty', user('eve'), none);
    expect(ix.level('eve', 'p-empty')).toBe(none);
    ix.setGrant('p-empty', PUBLIC, full_access);
    expect(ix.toFacts().grants.find((g) => g.projectId === 'p-empty')?.level).toBe(can_view);
    expect(ix.level('eve', 'p-empty')).toBe(can_view);
  });

  it('removeGroup drops its members, its grants and its place in asset access', () => {
    const ix = AccessIndex.build(acme());
    ix.removeGroup('data-team');
    const f = ix.toFacts();
    expect(f.groupMembers.some((m) => m.groupId === 'data-team')).toBe(false);
    expect(f.grants.some((g) => g.subject.type === 'group' && g.subject.groupId === 'data-team')).toBe(false);
    expect(f.assets.find((a) => a.id === 'warehouse')?.access).toEqual([]);
    expect(ix.level('dan', 'p-sensitive')).toBe(can_view);
    expect(ix.level('ada', 'p-sensitive')).toBe(none);
  });

  it('removeProject and removeAsset drop grants and imports', () => {
    const ix = AccessIndex.build(acme());
    ix.removeAsset('warehouse');
    expect(ix.level('eve', 'p-sensitive')).toBe(can_edit);
    ix.removeProject('p-sensitive');
    expect(ix.level('dan', 'p-sensitive')).toBe(none);
    expect(ix.projectsUserCan('dan', 'acme', can_view)).toEqual(['p-analytics', 'p-web']);
    ix.addProject({ id: 'p-sensitive', workspaceId: 'acme' });
    expect(ix.level('dan', 'p-sensitive')).toBe(none);
  });

  it('removeMember leaves grants inert; setting the member again revives them', () => {
    const ix = AccessIndex.build(acme());
    ix.removeMember('acme', 'dan');
    expect(ix.level('dan', 'p-sensitive')).toBe(none);
    ix.setMember('acme', 'dan', Role.editor);
    expect(ix.level('dan', 'p-sensitive')).toBe(full_access);
  });

  it('a new asset is shared with the workspace by default', () => {
    const ix = AccessIndex.build(acme());
    ix.upsertAsset({ id: 'new-conn', workspaceId: 'acme', kind: 'data_connection' });
    expect(ix.toFacts().assets.find((a) => a.id === 'new-conn')?.access).toEqual(['workspace']);
  });

  const invalid: [string, (ix: AccessIndex) => void][] = [
    ['grant on unknown project', (ix) => ix.setGrant('nope', user('eve'), can_view)],
    ['grant to a group of another workspace', (ix) => ix.setGrant('p-empty', group('globex-team'), can_view)],
    ['grant to workspace-guests', (ix) => ix.setGrant('p-empty', group('workspace-guests'), can_view)],
    ['grant of a non-level', (ix) => ix.setGrant('p-empty', user('eve'), 7 as Level)],
    ['import across workspaces', (ix) => ix.addImport('p-empty', 'globex-db')],
    ['asset access to a group of another workspace', (ix) => ix.setAssetAccess('analytics', ['globex-team'])],
    ['asset access to an unknown group', (ix) => ix.setAssetAccess('analytics', ['ghosts'])],
    ['moving an asset to another workspace', (ix) => ix.upsertAsset({ id: 'analytics', workspaceId: 'globex', kind: 'secret' })],
    ['a group named like a builtin', (ix) => ix.addGroup({ id: 'public', workspaceId: 'acme' })],
    ['a duplicate group', (ix) => ix.addGroup({ id: 'data-team', workspaceId: 'acme' })],
    ['a duplicate project', (ix) => ix.addProject({ id: 'p-web', workspaceId: 'acme' })],
    ['a member of an unknown group', (ix) => ix.addGroupMember('ghosts', 'eve')],
  ];
  it.each(invalid)('refuses %s and changes nothing', (_name, mutate) => {
    const ix = AccessIndex.build(acme());
    const before = JSON.stringify(ix.toFacts());
    expect(() => mutate(ix)).toThrow(AccessFactsError);
    expect(JSON.stringify(ix.toFacts())).toBe(before);
  });

  it('users in many groups and projects with many grants (beyond the inline hot-path slots)', () => {
    const f = acme();
    for (let i = 0; i < 9; i++) {
      f.groups.push({ id: `team-${i}`, workspaceId: 'acme' });
      f.groupMembers.push({ groupId: `team-${i}`, userId: 'otto' });
      f.grants.push({ projectId: 'p-empty', subject: group(`team-${i}`), level: i === 8 ? full_access : can_view });
    }
    const ix = AccessIndex.build(f);
    expect(ix.level('otto', 'p-empty')).toBe(full_access);
    expect(ix.effectiveLevel('otto', 'p-empty').grant).toEqual(group('team-8'));
    ix.removeGroupMember('team-8', 'otto');
    expect(ix.level('otto', 'p-empty')).toBe(can_view);
    ix.removeGroup('team-0');
    ix.removeGroup('team-1');
    ix.removeGroup('team-2');
    ix.addGroupMember('team-8', 'otto');
    expect(ix.level('otto', 'p-empty')).toBe(full_access);
    expect(ix.levelByHandle(ix.userHandle('otto'), ix.projectHandle('p-empty'))).toBe(full_access);
    expect(AccessIndex.build(ix.toFacts()).level('otto', 'p-empty')).toBe(full_access);
  });

  it('toFacts round-trips', () => {
    const ix = AccessIndex.build(acme());
    expect(AccessIndex.build(ix.toFacts()).toFacts()).toEqual(ix.toFacts());
  });
});
