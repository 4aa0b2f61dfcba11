/**
 * "One SQL query per check, as a typical app would do": the facts in SQLite (better-sqlite3, a
 * file in a temp dir, WAL, the pragmas of src/store/store.ts) in tables shaped like
 * src/store/store-migrations.ts (memberships, groups, group_members, projects, project_grants,
 * assets with `access` as a JSON array, project_imports, with the same keys and indexes; columns
 * the rules don't read are left out), and one prepared statement that computes the effective
 * level of (user, project) with the role cap and the downgrade rule.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { levelName } from '../../../src/access/access-types.js';
import { agreement, emptyReport, listAgreement, mb, memSnapshot, timeSync } from '../measure.js';
import type { BenchContext, PeerReport } from '../measure.js';

const DDL = `
CREATE TABLE memberships (workspace_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id));
CREATE INDEX memberships_user ON memberships (user_id);
CREATE TABLE groups (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL);
CREATE TABLE group_members (group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE, user_id TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id));
CREATE INDEX group_members_user ON group_members (user_id);
CREATE TABLE projects (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL);
CREATE INDEX projects_ws ON projects (workspace_id);
CREATE TABLE project_grants (project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, level TEXT NOT NULL,
  PRIMARY KEY (project_id, subject_type, subject_id));
CREATE INDEX project_grants_subject ON project_grants (subject_type, subject_id);
CREATE TABLE assets (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL, access TEXT NOT NULL);
CREATE INDEX assets_ws_kind ON assets (workspace_id, kind);
CREATE TABLE project_imports (project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE, PRIMARY KEY (project_id, asset_id));
CREATE INDEX project_imports_asset ON project_imports (asset_id);
`;

const LEVEL_NUM = `CASE pg.level WHEN 'full_access' THEN 3 WHEN 'can_edit' THEN 2 WHEN 'can_view' THEN 1 ELSE 0 END`;

/** Does the user (role in m, groups in ug) lack access to asset a? (rule "hasAccess", negated) */
const NO_ACCESS = `NOT EXISTS (
      SELECT 1 FROM json_each(a.access) j
      WHERE j.value = 'public'
         OR (j.value = 'workspace' AND m.role IN ('admin', 'editor', 'viewer'))
         OR (j.value = 'workspace-guests' AND m.role = 'guest')
         OR j.value IN (SELECT group_id FROM group_members WHERE user_id = :u))`;

/** Effective level of (:u, :p): max matching grant, viewer cap, downgrade. */
export const LEVEL_SQL = `
WITH
  p AS (SELECT id, workspace_id FROM projects WHERE id = :p),
  m AS (SELECT COALESCE((SELECT role FROM memberships WHERE workspace_id = (SELECT workspace_id FROM p) AND user_id = :u), '') AS role),
  g AS (
    SELECT COALESCE(MAX(${LEVEL_NUM}), 0) AS lvl
    FROM project_grants pg, m
    WHERE pg.project_id = :p AND (
      pg.subject_type = 'public'
      OR (m.role <> '' AND (
           (pg.subject_type = 'user' AND pg.subject_id = :u)
        OR (pg.subject_type = 'group' AND pg.subject_id = 'workspace' AND m.role <> 'guest')
        OR (pg.subject_type = 'group' AND pg.subject_id IN (SELECT group_id FROM group_members WHERE user_id = :u)))))
  ),
  c AS (SELECT CASE WHEN m.role = 'viewer' AND g.lvl > 1 THEN 1 ELSE g.lvl END AS lvl, m.role AS role FROM g, m)
SELECT CASE
  WHEN c.lvl >= 2 AND c.role <> 'admin' AND EXISTS (
    SELECT 1 FROM project_imports pi JOIN assets a ON a.id = pi.asset_id, m
    WHERE pi.project_id = :p AND ${NO_ACCESS})
  THEN 1 ELSE c.lvl END AS level
FROM c`;

/** Projects of :ws that :u can edit (effective level ≥ can_edit), sorted. */
export const LIST_SQL = `
WITH
  m AS (SELECT COALESCE((SELECT role FROM memberships WHERE workspace_id = :ws AND user_id = :u), '') AS role),
  ug AS (SELECT group_id FROM group_members WHERE user_id = :u),
  cand AS (
    SELECT pg.project_id AS id, MAX(${LEVEL_NUM}) AS lvl
    FROM project_grants pg JOIN projects pr ON pr.id = pg.project_id AND pr.workspace_id = :ws, m
    WHERE m.role NOT IN ('', 'viewer') AND pg.level IN ('can_edit', 'full_access') AND (
         (pg.subject_type = 'user' AND pg.subject_id = :u)
      OR (pg.subject_type = 'group' AND pg.subject_id = 'workspace' AND m.role <> 'guest')
      OR (pg.subject_type = 'group' AND pg.subject_id IN (SELECT group_id FROM ug)))
    GROUP BY pg.project_id
  )
SELECT cand.id FROM cand, m
WHERE m.role = 'admin' OR NOT EXISTS (
  SELECT 1 FROM project_imports pi JOIN assets a ON a.id = pi.asset_id
  WHERE pi.project_id = cand.id AND ${NO_ACCESS})
ORDER BY cand.id`;

export async function runSql(ctx: BenchContext): Promise<PeerReport> {
  const r = emptyReport('sql');
  const f = ctx.fx.facts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-sql-'));
  const file = path.join(dir, 'bench.db');
  try {
    const before = memSnapshot();
    const t0 = process.hrtime.bigint();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(DDL);
    const ins = {
      m: db.prepare('INSERT INTO memberships VALUES (?, ?, ?)'),
      g: db.prepare('INSERT INTO groups VALUES (?, ?)'),
      gm: db.prepare('INSERT INTO group_members VALUES (?, ?)'),
      p: db.prepare('INSERT INTO projects VALUES (?, ?)'),
      pg: db.prepare('INSERT INTO project_grants VALUES (?, ?, ?, ?)'),
      a: db.prepare('INSERT INTO assets VALUES (?, ?, ?, ?)'),
      pi: db.prepare('INSERT INTO project_imports VALUES (?, ?)'),
    };
    const rows = <T>(items: T[], fn: (x: T) => void): void => {
      const CH = 50_000;
      for (let i = 0; i < items.length; i += CH) db.transaction(() => { for (let k = i; k < Math.min(items.length, i + CH); k++) fn(items[k]!); })();
    };
    rows(f.members, (x) => ins.m.run(x.workspaceId, x.userId, x.role));
    rows(f.groups, (x) => ins.g.run(x.id, x.workspaceId));
    rows(f.groupMembers, (x) => ins.gm.run(x.groupId, x.userId));
    rows(f.projects, (x) => ins.p.run(x.id, x.workspaceId));
    rows(f.grants, (x) => {
      const s = x.subject;
      const [type, id] = s.type === 'user' ? ['user', s.userId] : s.type === 'group' ? ['group', s.groupId] : ['public', ''];
      ins.pg.run(x.projectId, type, id, levelName(x.level));
    });
    rows(f.assets, (x) => ins.a.run(x.id, x.workspaceId, x.kind, JSON.stringify(x.access)));
    rows(f.imports, (x) => ins.pi.run(x.projectId, x.assetId));
    db.exec('ANALYZE');
    db.pragma('wal_checkpoint(TRUNCATE)');
    r.buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const after = memSnapshot();
    r.heapDeltaMB = mb(after.heapUsed - before.heapUsed);
    r.rssDeltaMB = mb(after.rss - before.rss);
    r.loadedItems = Object.values(f).reduce((s, a: unknown[]) => s + a.length, 0);
    r.ran = true;
    r.notes.push(`database file ${mb(fs.statSync(file).size)} MB; SQLite's default page cache (2 MB), the file is in the OS page cache`);
    ctx.log(`sql: loaded in ${(r.buildMs / 1000).toFixed(1)} s`);

    const level = db.prepare(LEVEL_SQL).pluck();
    const q = (u: string, p: string): number => level.get({ u, p }) as number;

    const nv = ctx.verify.users.length;
    const ans = new Int8Array(nv);
    for (let i = 0; i < nv; i++) ans[i] = q(ctx.verify.users[i]!, ctx.verify.projects[i]!);
    r.agreement = agreement('effective level (exact)', ctx, ans, (l) => l);

    const { users, projects } = ctx.pairs;
    const n = Math.min(ctx.n.sqlChecks, users.length);
    for (let i = 0; i < Math.min(n, 2000); i++) q(users[users.length - 1 - i]!, projects[projects.length - 1 - i]!);
    r.checks.push(timeSync('one prepared SELECT (effective level)', n, (i) => q(users[i]!, projects[i]!)));

    const list = db.prepare(LIST_SQL).pluck();
    const lu = ctx.list.users;
    const lw = ctx.list.workspaces;
    const nl = Math.min(ctx.n.peerLists, lu.length);
    let total = 0;
    const got: string[][] = [];
    const lm = timeSync('one prepared SELECT (projects user can edit)', nl, (i) => {
      const ids = list.all({ u: lu[i]!, ws: lw[i]! }) as string[];
      total += ids.length;
      got[i] = ids;
    });
    r.listAgreement = listAgreement(ctx, got);
    lm.extra = { meanResults: Math.round(total / Math.max(1, nl)) };
    r.lists.push(lm);
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return r;
}
