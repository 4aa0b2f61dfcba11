/** Atrium's own engine: AccessIndex built from the facts, checked in process. */
import { AccessIndex } from '../../../src/access/access-index.js';
import { Level } from '../../../src/access/access-types.js';
import type { GrantSubject } from '../../../src/access/access-types.js';
import { Rng } from '../fixtures.js';
import { emptyReport, mb, memSnapshot, summarize, timeSync } from '../measure.js';
import type { BenchContext, PeerReport } from '../measure.js';

/** Rough V8 size of the id strings the index keeps (shared with the facts, so not in the delta). */
function idStringBytes(ctx: BenchContext): number {
  const f = ctx.fx.facts;
  const str = (s: string): number => 16 + Math.ceil(s.length / 4) * 4;
  let n = 0;
  for (const w of ctx.fx.workspaces) n += str(w.id);
  for (const u of new Set(f.members.map((m) => m.userId))) n += str(u);
  for (const g of f.groups) n += str(g.id);
  for (const p of f.projects) n += str(p.id);
  for (const a of f.assets) n += str(a.id);
  return n;
}

export async function runAtrium(ctx: BenchContext): Promise<PeerReport> {
  const r = emptyReport('atrium');
  const { fx, pairs } = ctx;

  const before = memSnapshot();
  const t0 = process.hrtime.bigint();
  const ix = AccessIndex.build(fx.facts);
  r.buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = memSnapshot();
  r.heapDeltaMB = mb(after.heapUsed - before.heapUsed);
  r.rssDeltaMB = mb(after.rss - before.rss);
  const ids = idStringBytes(ctx);
  r.notes.push(
    `heap delta excludes the id strings, which the index shares with the facts; they add about ${mb(ids)} MB ` +
      `(so the index alone is ≈ ${mb(after.heapUsed - before.heapUsed + ids)} MB)`,
  );
  r.ran = true;
  ctx.log(`atrium: built in ${r.buildMs.toFixed(0)} ms, heap +${r.heapDeltaMB} MB`);

  const users = pairs.users;
  const projects = pairs.projects;
  const n = Math.min(ctx.n.atriumChecks, users.length);

  // warm-up (JIT), then an untimed throughput loop, then the per-check timed loop
  let sink = 0;
  for (let i = 0; i < n; i++) sink += ix.level(users[i]!, projects[i]!);
  const rounds = 10;
  const tput0 = process.hrtime.bigint();
  for (let k = 0; k < rounds; k++) for (let i = 0; i < n; i++) sink += ix.level(users[i]!, projects[i]!);
  const tputNs = Number(process.hrtime.bigint() - tput0);
  const levelTimed = timeSync('level() (per-check timed)', n, (i) => (sink += ix.level(users[i]!, projects[i]!)));
  r.checks.push({
    name: 'level() (untimed loop)',
    n: n * rounds,
    perSec: (n * rounds) / (tputNs / 1e9),
    p50Us: levelTimed.p50Us,
    p99Us: levelTimed.p99Us,
    maxUs: levelTimed.maxUs,
    extra: { note: 'percentiles from the per-check timed loop' },
  });
  r.checks.push(levelTimed);
  for (let i = 0; i < Math.min(n, 20_000); i++) ix.effectiveLevel(users[i]!, projects[i]!);
  r.checks.push(timeSync('effectiveLevel()', n, (i) => ix.effectiveLevel(users[i]!, projects[i]!)));
  // sample composition, for the report
  const dist = [0, 0, 0, 0];
  let downgraded = 0;
  for (let i = 0; i < n; i++) {
    const e = ix.effectiveLevel(users[i]!, projects[i]!);
    dist[e.level]!++;
    if (e.downgradedBy.length > 0) downgraded++;
  }
  r.notes.push(
    `check sample (${n} pairs): none ${pct(dist[0]!, n)}, can_view ${pct(dist[1]!, n)}, can_edit ${pct(dist[2]!, n)}, ` +
      `full_access ${pct(dist[3]!, n)}; downgraded ${pct(downgraded, n)}`,
  );

  // list: projects a user can edit
  const lu = ctx.list.users;
  const lw = ctx.list.workspaces;
  const nl = Math.min(ctx.n.atriumLists, lu.length);
  for (let i = 0; i < Math.min(nl, 50); i++) ix.projectsUserCan(lu[i]!, lw[i]!, Level.can_edit);
  let total = 0;
  const list = timeSync('projectsUserCan(can_edit)', nl, (i) => {
    total += ix.projectsUserCan(lu[i]!, lw[i]!, Level.can_edit).length;
  });
  list.extra = { meanResults: Math.round(total / nl) };
  r.lists.push(list);

  // incremental updates
  const rng = new Rng(4242);
  const nu = ctx.n.updates;
  const allProjects = fx.facts.projects;
  const gr = new Float64Array(nu);
  const wall0 = process.hrtime.bigint();
  for (let i = 0; i < nu; i++) {
    const p = allProjects[Math.floor(rng.next() * allProjects.length)]!;
    const ws = fx.workspaces.find((w) => w.id === p.workspaceId)!;
    const subject: GrantSubject = { type: 'user', userId: rng.pick(ws.members) };
    const t = process.hrtime.bigint();
    ix.setGrant(p.id, subject, Level.can_edit);
    gr[i] = Number(process.hrtime.bigint() - t);
    sink += ix.level(subject.userId, p.id);
  }
  r.updates.push(summarize('setGrant (user, can_edit)', gr, Number(process.hrtime.bigint() - wall0)));
  const gm = new Float64Array(nu);
  const gmWall0 = process.hrtime.bigint();
  for (let i = 0; i < nu; i++) {
    const ws = rng.pick(fx.workspaces);
    const g = rng.pick(ws.groups);
    const u = rng.pick(ws.members);
    const members = fx.groupUsers.get(g)!;
    const remove = members.length > 0 && rng.next() < 0.5;
    const who = remove ? rng.pick(members) : u;
    const t = process.hrtime.bigint();
    if (remove) ix.removeGroupMember(g, who);
    else ix.addGroupMember(g, who);
    gm[i] = Number(process.hrtime.bigint() - t);
  }
  r.updates.push(summarize('add/removeGroupMember', gm, Number(process.hrtime.bigint() - gmWall0)));
  if (sink === -1) console.log(sink);
  return r;
}

/** Atrium's answers the peers are compared with: the effective level of every verification pair
 *  and "projects user can edit" for the first `nLists` list users (from a separate index). */
export function expectedAnswers(
  ctx: Pick<BenchContext, 'fx' | 'verify' | 'list'>,
  nLists: number,
): { levels: Int8Array; lists: string[][] } {
  const ix = AccessIndex.build(ctx.fx.facts);
  const levels = new Int8Array(ctx.verify.users.length);
  for (let i = 0; i < levels.length; i++) levels[i] = ix.level(ctx.verify.users[i]!, ctx.verify.projects[i]!);
  const lists: string[][] = [];
  for (let i = 0; i < Math.min(nLists, ctx.list.users.length); i++)
    lists.push(ix.projectsUserCan(ctx.list.users[i]!, ctx.list.workspaces[i]!, Level.can_edit));
  return { levels, lists };
}

function pct(x: number, n: number): string {
  return `${((100 * x) / n).toFixed(1)}%`;
}
