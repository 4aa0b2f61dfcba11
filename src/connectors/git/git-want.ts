/**
 * Fetching one commit by its id, and what to do when the server will not send a commit by id.
 *
 * `git fetch --depth=1 <url> <sha>` needs the server to accept a `want` of an object no ref
 * advertises. Over protocol v2 git's upload-pack accepts any object it has; over v0/v1 (servers
 * that speak only v0, e.g. older Bitbucket Server, or proxies that drop the Git-Protocol header)
 * it takes `uploadpack.allowReachableSHA1InWant`/`allowAnySHA1InWant`, which default to off, and
 * without them the client refuses up front ("Server does not allow request for unadvertised
 * object"). Advertised tips (branch heads, lightweight tags) still work. Only on that refusal,
 * in order of cost, all under the operation's budget and byte meter:
 *
 * 1. `ls-remote`: an advertised ref whose tip (or peeled tag) is the commit is fetched by name,
 *    depth 1 — an annotated tag's commit, a ref that is not a branch (refs/pull/…).
 * 2. Filters allowed: the commit graph alone (`--filter=tree:0`, commits and tags, no trees or
 *    blobs) of every branch and tag, in a scratch repository beside `gitDir`; the branch or tag
 *    nearest above the commit is then fetched by name with just the depth that reaches it.
 * 3. Filters not allowed: every branch and tag, full objects, deepened 2, 8, 32… commits at a
 *    time until the commit arrives or the history stops growing.
 *
 * A commit in no branch or tag history is `ref_not_found`, saying so. Checks read only refs and
 * the commits just fetched, never look an absent object up by id (a repository fetched with a
 * filter would try to fetch it lazily).
 */
import { rmSync } from 'node:fs';
import { classifyGitFailure, GitConnectorError, isIdRefusal } from './git-errors.js';
import { runGit } from './git-process.js';
import { pinConfig, fetchRun, initBare, mustRun, type FetchSession } from './git-repo.js';
import type { CheckedRemote } from './git-remote.js';

const WORK_REFS = 'refs/atrium/fallback';

/**
 * Fetches exactly `sha` (depth 1) into the session's repository and checks it is a commit;
 * returns its tree, or null when `extra` filters trees out.
 */
export async function fetchOne(s: FetchSession, checked: CheckedRemote, sha: string, extra: string[]): Promise<string | null> {
  const { env, auth, gitDir, budget } = s;
  const r = await fetchRun(s, checked, ['--depth=1', ...extra], [sha]);
  if (r.code !== 0) {
    if (!isIdRefusal(r.stderr)) {
      const e = classifyGitFailure(r.stderr, { remote: checked.url, hadCredentials: auth.present }, auth.secrets);
      if (e.code === 'ref_not_found') throw new GitConnectorError('ref_not_found', `The commit ${sha} does not exist in ${checked.url}.`, { commit: sha }, e.gitOutput);
      throw e;
    }
    await fetchWithoutId(s, checked, sha, extra);
  }
  // Its type, and (unless trees were filtered out: they are not here to look at) its tree, in one run.
  const filtered = extra.some((a) => a.startsWith('--filter'));
  const check = await runGit(env, [`--git-dir=${gitDir}`, 'cat-file', '--batch-check'], {
    cwd: gitDir,
    budget,
    input: filtered ? `${sha}\n` : `${sha}\n${sha}^{tree}\n`,
  });
  const [commitLine, treeLine] = check.stdout.toString().split('\n');
  if (check.code !== 0 || commitLine?.split(' ')[1] !== 'commit') {
    throw new GitConnectorError('ref_not_found', `${sha} is not a commit in ${checked.url}.`, { commit: sha });
  }
  if (filtered) return null;
  const [tree, type] = (treeLine ?? '').split(' ');
  if (type !== 'tree' || !tree) throw new GitConnectorError('git_failed', `The tree of ${sha} did not arrive from ${checked.url}.`);
  return tree;
}

/** The server refused `sha` by id: gets it through the refs it advertises, or says it cannot. */
async function fetchWithoutId(s: FetchSession, checked: CheckedRemote, sha: string, extra: string[]): Promise<void> {
  try {
    const refs = await lsRemote(s, checked, []);
    // Branches first, then tags, then anything else advertised (HEAD, refs/pull/…).
    const rank = (n: string): number => (n.startsWith('refs/heads/') ? 0 : n.startsWith('refs/tags/') ? 1 : 2);
    const tip = refs.filter((r) => r.commit === sha || r.id === sha).sort((a, b) => rank(a.name) - rank(b.name))[0];
    if (tip && (await fetchRef(s, checked, tip.name, 1, extra, sha))) return;

    const branchesAndTags = refs.filter((r) => /^refs\/(heads|tags)\//.test(r.name));
    const viaGraph = await nearestRef(s, checked, sha);
    if (viaGraph === 'unreachable') throw notReachable(sha, checked);
    if (viaGraph !== 'no-filter') {
      if (await fetchRef(s, checked, viaGraph.ref, viaGraph.distance + 1, extra, sha)) return;
      // git's shallow boundary did not match the graph's shortest path: the ref's whole history.
      if (await fetchRef(s, checked, viaGraph.ref, 2147483647, extra, sha)) return;
      throw notReachable(sha, checked);
    }
    if (branchesAndTags.length === 0 || !(await deepen(s, checked, sha))) throw notReachable(sha, checked);
  } finally {
    await dropWorkRefs(s);
  }
}

function notReachable(sha: string, checked: CheckedRemote): GitConnectorError {
  return new GitConnectorError(
    'ref_not_found',
    `${checked.url} refused to send the commit ${sha} by its id, and it is not reachable from any branch or tag there: pin a branch or a tag, or a commit of their history.`,
    { commit: sha, reason: 'not_reachable' },
  );
}

interface RemoteRef {
  name: string;
  id: string;
  /** The commit an annotated tag points to (its `^{}` line), else the id. */
  commit: string;
}

/** The refs a server advertises (`git ls-remote <url> [patterns…]`), peeled tags folded in. */
export async function lsRemote(s: Pick<FetchSession, 'env' | 'auth' | 'budget'>, checked: CheckedRemote, patterns: string[]): Promise<RemoteRef[]> {
  const { env, auth, budget } = s;
  const r = await runGit(env, ['ls-remote', checked.url, ...patterns], { cwd: env.home, budget, secretConfig: auth.secretConfig, config: pinConfig(checked) });
  if (r.code !== 0) throw classifyGitFailure(r.stderr, { remote: checked.url, hadCredentials: auth.present }, auth.secrets);
  const byName = new Map<string, RemoteRef>();
  const peeled = new Map<string, string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [id, name] = line.split('\t');
    if (!id || !name) continue;
    if (name.endsWith('^{}')) peeled.set(name.slice(0, -3), id);
    else byName.set(name, { name, id, commit: id });
  }
  for (const [name, commit] of peeled) {
    const ref = byName.get(name);
    if (ref) ref.commit = commit;
  }
  // Only names git would fetch as a refspec; none can start with '-'.
  return [...byName.values()].filter((ref) => ref.name === 'HEAD' || /^refs\/[^\0-\x20\x7f~^:?*[\\]+$/.test(ref.name));
}

/** Fetches `ref` to `depth` into a work ref; true when `sha` is among the commits that arrived. */
async function fetchRef(s: FetchSession, checked: CheckedRemote, ref: string, depth: number, extra: string[], sha: string): Promise<boolean> {
  const r = await fetchRun(s, checked, [`--depth=${depth}`, ...extra], [`+${ref}:${WORK_REFS}/tip`]);
  if (r.code !== 0) throw classifyGitFailure(r.stderr, { remote: checked.url, hadCredentials: s.auth.present }, s.auth.secrets);
  return (await commitsOf(s, s.gitDir, [`${WORK_REFS}/tip`])).has(sha);
}

/** The commits reachable from `revs` in `gitDir`, as far as they were fetched. */
async function commitsOf(s: FetchSession, gitDir: string, revs: string[]): Promise<Set<string>> {
  const r = await mustRun(s.env, [`--git-dir=${gitDir}`, 'rev-list', ...revs, '--'], { cwd: gitDir, budget: s.budget });
  return new Set(r.stdout.toString('latin1').split('\n').filter(Boolean));
}

/**
 * The commit graph of every branch and tag, without trees or blobs, in a scratch repository: the
 * ref nearest above `sha` and how many commits down it is; 'unreachable' when no branch or tag
 * leads to it; 'no-filter' when the server does not take filters (it would send everything).
 */
async function nearestRef(s: FetchSession, checked: CheckedRemote, sha: string): Promise<{ ref: string; distance: number } | 'unreachable' | 'no-filter'> {
  const probe = `${s.gitDir}.probe`;
  const stop = new AbortController();
  let noFilter = false;
  try {
    await initBare(s.env, probe, s.budget);
    const r = await fetchRun(s, checked, ['--filter=tree:0'], ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'], {
      gitDir: probe,
      signal: stop.signal,
      onLine: (l) => {
        // Printed before any object is sent: stop instead of downloading everything.
        if (/filtering not recognized by server/.test(l)) {
          noFilter = true;
          stop.abort();
        }
      },
    });
    if (noFilter) return 'no-filter';
    if (r.code !== 0) throw classifyGitFailure(r.stderr, { remote: checked.url, hadCredentials: s.auth.present }, s.auth.secrets);
    const graph = await mustRun(s.env, [`--git-dir=${probe}`, 'rev-list', '--parents', '--branches', '--tags', '--'], { cwd: probe, budget: s.budget });
    const children = new Map<string, string[]>();
    let known = false;
    for (const line of graph.stdout.toString('latin1').split('\n')) {
      const [c, ...parents] = line.split(' ');
      if (!c) continue;
      if (c === sha) known = true;
      for (const p of parents) (children.get(p) ?? children.set(p, []).get(p)!).push(c);
    }
    if (!known) return 'unreachable';
    const tips = new Map<string, string>();
    const refs = await mustRun(s.env, [`--git-dir=${probe}`, 'for-each-ref', '--format=%(objectname) %(*objectname) %(refname)', 'refs/heads', 'refs/tags'], {
      cwd: probe,
      budget: s.budget,
    });
    for (const line of refs.stdout.toString('utf8').split('\n')) {
      const [id, peeled, name] = line.split(' ');
      const commit = name ? peeled || id : undefined;
      // Branches win over tags at the same commit (sorted refs/heads before refs/tags).
      if (commit && name && !tips.has(commit)) tips.set(commit, name);
    }
    // Breadth-first from the commit towards its descendants: the first tip met is the nearest.
    let frontier = [sha];
    const seen = new Set(frontier);
    for (let distance = 0; frontier.length > 0; distance++) {
      for (const c of frontier) {
        const ref = tips.get(c);
        if (ref) return { ref, distance };
      }
      const next: string[] = [];
      for (const c of frontier) {
        for (const child of children.get(c) ?? []) {
          if (seen.has(child)) continue;
          seen.add(child);
          next.push(child);
        }
      }
      frontier = next;
    }
    return 'unreachable';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Every branch and tag with full objects, deeper each round, until `sha` arrives or history ends. */
async function deepen(s: FetchSession, checked: CheckedRemote, sha: string): Promise<boolean> {
  let before = -1;
  for (let depth = 2; ; depth = Math.min(depth * 4, 2147483647)) {
    const r = await fetchRun(s, checked, [`--depth=${depth}`], [`+refs/heads/*:${WORK_REFS}/heads/*`, `+refs/tags/*:${WORK_REFS}/tags/*`]);
    if (r.code !== 0) throw classifyGitFailure(r.stderr, { remote: checked.url, hadCredentials: s.auth.present }, s.auth.secrets);
    const commits = await commitsOf(s, s.gitDir, [`--glob=${WORK_REFS}`]);
    if (commits.has(sha)) return true;
    // No more commits at a greater depth: the whole history is here.
    if (commits.size === before || depth === 2147483647) return false;
    before = commits.size;
  }
}

async function dropWorkRefs(s: FetchSession): Promise<void> {
  const { env, gitDir, budget } = s;
  if (budget.reason) return;
  const refs = await runGit(env, [`--git-dir=${gitDir}`, 'for-each-ref', '--format=delete %(refname)', WORK_REFS], { cwd: gitDir, budget });
  const lines = refs.stdout.toString('utf8');
  if (refs.code === 0 && lines.trim()) await runGit(env, [`--git-dir=${gitDir}`, 'update-ref', '--stdin'], { cwd: gitDir, budget, input: lines });
}
