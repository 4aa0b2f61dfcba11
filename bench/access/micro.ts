/**
 * Micro-measure of the access index on a synthetic large workspace. Prints, asserts nothing.
 *   node --expose-gc --import tsx bench/access/micro.ts [scale]
 * scale 1 = 100k users, 1M projects, 50k assets, 5k groups, ~5 grants and ~10 imports per project.
 */
import { AccessIndex } from '../../src/access/access-index.js';
import { Level, Role } from '../../src/access/access-types.js';
import type { AssetKind, GrantSubject } from '../../src/access/access-types.js';

const scale = Number(process.argv[2] ?? '1');
const N_USERS = Math.round(100_000 * scale);
const N_PROJECTS = Math.round(1_000_000 * scale);
const N_ASSETS = Math.round(50_000 * scale);
const N_GROUPS = Math.round(5_000 * scale);
const WS = 'ws-big';

// deterministic PRNG (mulberry32)
let seed = 42;
function rnd(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n: number): number => Math.floor(rnd() * n);

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = (): number => {
  gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
};

const users = Array.from({ length: N_USERS }, (_, i) => `usr_${i}`);
const projects = Array.from({ length: N_PROJECTS }, (_, i) => `prj_${i}`);
const assets = Array.from({ length: N_ASSETS }, (_, i) => `ast_${i}`);
const groups = Array.from({ length: N_GROUPS }, (_, i) => `grp_${i}`);
const kinds: AssetKind[] = ['data_connection', 'secret', 'git_package', 'file_integration'];

const heap0 = heapMb();
const t0 = performance.now();
const ix = new AccessIndex();
for (let i = 0; i < N_USERS; i++) {
  const r = rnd();
  ix.setMember(WS, users[i]!, r < 0.05 ? Role.admin : r < 0.65 ? Role.editor : r < 0.9 ? Role.viewer : Role.guest);
}
for (const g of groups) ix.addGroup({ id: g, workspaceId: WS });
for (let i = 0; i < N_USERS * 2; i++) ix.addGroupMember(groups[pick(N_GROUPS)]!, users[pick(N_USERS)]!);
for (const a of assets) {
  const r = rnd();
  const access =
    r < 0.6 ? ['workspace'] : r < 0.8 ? [groups[pick(N_GROUPS)]!] : r < 0.9 ? ['workspace', 'workspace-guests'] : ['public'];
  ix.upsertAsset({ id: a, workspaceId: WS, kind: kinds[pick(4)]!, access });
}
const WORKSPACE: GrantSubject = { type: 'group', groupId: 'workspace' };
const PUBLIC: GrantSubject = { type: 'public' };
for (let i = 0; i < N_PROJECTS; i++) {
  const p = projects[i]!;
  ix.addProject({ id: p, workspaceId: WS });
  ix.setGrant(p, { type: 'user', userId: users[pick(N_USERS)]! }, Level.full_access);
  ix.setGrant(p, { type: 'user', userId: users[pick(N_USERS)]! }, Level.can_edit);
  ix.setGrant(p, { type: 'user', userId: users[pick(N_USERS)]! }, Level.can_view);
  ix.setGrant(p, { type: 'group', groupId: groups[pick(N_GROUPS)]! }, Level.can_edit);
  if (rnd() < 0.5) ix.setGrant(p, WORKSPACE, rnd() < 0.5 ? Level.can_view : Level.can_edit);
  if (rnd() < 0.05) ix.setGrant(p, PUBLIC, Level.can_view);
  for (let k = 0; k < 10; k++) ix.addImport(p, assets[pick(N_ASSETS)]!);
}
const buildMs = performance.now() - t0;
const heap1 = heapMb();
console.log(`built ${JSON.stringify(ix.stats())} in ${(buildMs / 1000).toFixed(1)} s; heap ${heap1 - heap0} MB (index + ids)`);

const M = 2_000_000;
const qu: string[] = new Array<string>(M);
const qp: string[] = new Array<string>(M);
for (let i = 0; i < M; i++) {
  qu[i] = users[pick(N_USERS)]!;
  qp[i] = projects[pick(N_PROJECTS)]!;
}
function measure(name: string, n: number, fn: (i: number) => number): void {
  let sink = 0;
  for (let i = 0; i < Math.min(n, 100_000); i++) sink += fn(i); // warm-up
  const t = performance.now();
  for (let i = 0; i < n; i++) sink += fn(i);
  const s = (performance.now() - t) / 1000;
  console.log(`${name}: ${Math.round(n / s).toLocaleString('en-US')} /s (checksum ${sink})`);
}
measure('level(user, project)', M, (i) => ix.level(qu[i]!, qp[i]!));
const hu = Int32Array.from(qu, (id) => ix.userHandle(id));
const hp = Int32Array.from(qp, (id) => ix.projectHandle(id));
measure('levelByHandle(user, project)', M, (i) => ix.levelByHandle(hu[i]!, hp[i]!));
measure('effectiveLevel(user, project)', M / 4, (i) => ix.effectiveLevel(qu[i]!, qp[i]!).level);
measure('canUse(user, project, asset)', M, (i) => (ix.canUse(qu[i]!, qp[i]!, assets[i % N_ASSETS]!) ? 1 : 0));
measure('projectActions(user, project)', M / 4, (i) => ix.projectActions(qu[i]!, qp[i]!).length);

const t2 = performance.now();
const some = ix.projectsUserCan(users[1]!, WS, Level.can_view).length;
console.log(`projectsUserCan(can_view): ${some} projects in ${Math.round(performance.now() - t2)} ms`);
const t3 = performance.now();
const drops = ix.previewSetAssetAccess(assets[0]!, []).length;
console.log(`previewSetAssetAccess(asset used by ${ix.usage(assets[0]!).length} projects -> []): ${drops} drops in ${Math.round(performance.now() - t3)} ms`);
const t4 = performance.now();
const roleDrops = ix.previewSetRole(WS, users[2]!, Role.viewer).length;
console.log(`previewSetRole(editor -> viewer): ${roleDrops} drops in ${Math.round(performance.now() - t4)} ms`);
