/**
 * What a fetched commit's tree may hold, checked before anything is checked out: Git LFS pointers
 * are refused (only the pointers would arrive), and submodules are fetched only from the
 * repository's own server, with the same credentials, within a count and a depth, and their trees
 * are put in place of their gitlinks so the result is one tree.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { GitConnectorError } from './git-errors.js';
import { runGit, type GitBudget } from './git-process.js';
import { checkRemote, resolveSubmoduleUrl, type CheckedRemote } from './git-remote.js';
import { mustRun, parseLsTree, readBlobs, type GitContext, type TreeEntry } from './git-repo.js';
import type { FetchedSubmodule } from './git-types.js';

const LFS_PREFIXES = ['version https://git-lfs.github.com/spec/v1', 'version https://hawser.github.com/spec/v1'];

/** One fetchCommit as the tree checks see it. */
export interface TreeSession {
  ctx: GitContext;
  gitDir: string;
  budget: GitBudget;
  /** The repository fetched: submodules are only fetched from its origin. */
  top: CheckedRemote;
  /** Filled in as submodules are fetched. */
  submodules: FetchedSubmodule[];
  /** Fetches one more commit into `gitDir`, counting its bytes; returns its tree. */
  fetchTracked(target: CheckedRemote, commit: string): Promise<string>;
  /** Called as a submodule's fetch starts, with its path in the tree. */
  onSubmodule(path: string): void;
}

/** Checks a fetched commit's tree (LFS, submodules) and returns it with submodules' trees in place. */
export async function expandTree(
  s: TreeSession,
  tree: string,
  remoteOf: CheckedRemote,
  prefix: string,
  depth: number,
): Promise<{ tree: string; bytes: number; files: number }> {
  const { env, policy } = s.ctx;
  const { mode: submoduleMode, max: maxSubmodules, maxDepth } = s.ctx.submodules;
  const { gitDir, budget, submodules } = s;
  const entries = parseLsTree((await mustRun(env, [`--git-dir=${gitDir}`, 'ls-tree', '-r', '-l', '-z', '--full-tree', tree], { cwd: gitDir, budget })).stdout);
  await refuseLfs(s, entries, prefix);
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (e.type === 'blob') {
      bytes += e.size;
      files++;
    }
  }
  const links = entries.filter((e) => e.mode === '160000');
  if (links.length === 0) return { tree, bytes, files };
  const first = `${prefix}${links[0]!.path}`;
  if (submoduleMode === 'refuse') {
    throw new GitConnectorError('submodule_refused', `The repository has submodules (e.g. ${first}), which this server does not fetch.`, { path: first });
  }
  if (depth >= maxDepth) {
    throw new GitConnectorError('submodule_refused', `The submodule ${first} is nested more than ${maxDepth} levels deep.`, { path: first });
  }
  const urls = await readGitmodules(s, entries.find((e) => e.path === '.gitmodules' && e.type === 'blob')?.oid ?? null);
  const index = path.join(gitDir, `atrium-index-${depth}-${Date.now()}`);
  try {
    await mustRun(env, [`--git-dir=${gitDir}`, 'read-tree', tree], { cwd: gitDir, budget, env: { GIT_INDEX_FILE: index } });
    for (const link of links) {
      const shown = `${prefix}${link.path}`;
      const raw = urls.get(link.path);
      if (!raw) {
        throw new GitConnectorError('submodule_refused', `The submodule ${shown} has no URL in .gitmodules.`, { path: shown });
      }
      if (submodules.length >= maxSubmodules) {
        throw new GitConnectorError('submodule_refused', `The repository has more than ${maxSubmodules} submodules.`, { path: shown });
      }
      // Same server first (before any DNS look-up): the credentials are only ever sent there.
      const resolved = resolveSubmoduleUrl(remoteOf.url, raw);
      let origin: string | null = null;
      try {
        const u = new URL(resolved);
        if (u.protocol === 'https:' || u.protocol === 'http:') origin = `${u.protocol}//${u.host.toLowerCase()}`;
      } catch {
        origin = null;
      }
      if (origin === null) {
        throw new GitConnectorError(
          'submodule_refused',
          `The submodule ${shown} does not use an HTTPS URL: only HTTPS submodules on the repository's own server are fetched.`,
          { path: shown },
        );
      }
      if (origin !== s.top.origin) {
        throw new GitConnectorError(
          'submodule_refused',
          `The submodule ${shown} lives on another server (${origin}): only submodules on the repository's own server are fetched, with the same credentials.`,
          { path: shown },
        );
      }
      let subRemote: CheckedRemote;
      try {
        subRemote = await checkRemote(resolved, policy);
      } catch (e) {
        if (e instanceof GitConnectorError && e.code === 'invalid_remote') {
          throw new GitConnectorError('submodule_refused', `The submodule ${shown} has a URL that is not fetched: ${e.message}`, { path: shown });
        }
        throw e;
      }
      s.onSubmodule(shown);
      submodules.push({ path: shown, url: subRemote.url, commit: link.oid });
      const subTree = await s.fetchTracked(subRemote, link.oid);
      const sub = await expandTree(s, subTree, subRemote, `${shown}/`, depth + 1);
      bytes += sub.bytes;
      files += sub.files;
      // Mode 0 removes the gitlink (--force-remove would want a work tree).
      await mustRun(env, [`--git-dir=${gitDir}`, 'update-index', '--index-info'], {
        cwd: gitDir,
        budget,
        env: { GIT_INDEX_FILE: index },
        input: `0 ${'0'.repeat(link.oid.length)}\t${link.path}\n`,
      });
      // --prefix insists on a work tree; without -u it writes nothing there (the empty HOME).
      await mustRun(env, [`--git-dir=${gitDir}`, `--work-tree=${env.home}`, 'read-tree', `--prefix=${link.path}/`, sub.tree], {
        cwd: gitDir,
        budget,
        env: { GIT_INDEX_FILE: index },
      });
    }
    const flat = (await mustRun(env, [`--git-dir=${gitDir}`, 'write-tree'], { cwd: gitDir, budget, env: { GIT_INDEX_FILE: index } })).stdout.toString().trim();
    return { tree: flat, bytes, files };
  } finally {
    rmSync(index, { force: true });
  }
}

async function readGitmodules(session: TreeSession, blob: string | null): Promise<Map<string, string>> {
  const { ctx, gitDir, budget } = session;
  const byPath = new Map<string, string>();
  if (!blob) return byPath;
  const r = await runGit(ctx.env, [`--git-dir=${gitDir}`, 'config', '--no-includes', '-z', '--blob', blob, '--list'], { cwd: gitDir, budget });
  if (r.code !== 0) throw new GitConnectorError('submodule_refused', 'The .gitmodules file cannot be read.');
  const names = new Map<string, { path?: string; url?: string }>();
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    const nl = rec.indexOf('\n');
    if (nl < 0) continue;
    const key = rec.slice(0, nl);
    const value = rec.slice(nl + 1);
    const m = /^submodule\.(.+)\.(path|url)$/.exec(key);
    if (!m) continue;
    const s = names.get(m[1]!) ?? {};
    s[m[2] as 'path' | 'url'] = value;
    names.set(m[1]!, s);
  }
  for (const s of names.values()) if (s.path && s.url) byPath.set(s.path.replace(/\/+$/, ''), s.url);
  return byPath;
}

async function refuseLfs(s: TreeSession, entries: TreeEntry[], prefix: string): Promise<void> {
  // LFS works through .gitattributes (`filter=lfs`, written by `git lfs track`): without it a
  // pointer-shaped file is just a file, for git as for us. Reading the attributes first spares
  // reading every small blob of the many repositories that do not use LFS.
  const attrs = entries.filter((e) => e.type === 'blob' && (e.path === '.gitattributes' || e.path.endsWith('/.gitattributes')));
  const attrText = [...(await readBlobs(s.ctx.env, s.gitDir, s.budget, [...new Set(attrs.map((e) => e.oid))])).values()].map((b) => b.toString('utf8'));
  if (!attrText.some((t) => /\bfilter\s*=\s*lfs\b/.test(t))) return;
  // A pointer is a small text blob (the spec caps it under 1024 bytes).
  const candidates = entries.filter((e) => e.type === 'blob' && e.size >= 40 && e.size < 1024 && e.mode !== '120000');
  const blobs = await readBlobs(s.ctx.env, s.gitDir, s.budget, [...new Set(candidates.map((e) => e.oid))]);
  const pointers = new Set<string>();
  for (const [oid, b] of blobs) {
    const content = b.toString('latin1');
    if (LFS_PREFIXES.some((p) => content.startsWith(p)) && content.includes('\noid ')) pointers.add(oid);
  }
  if (pointers.size === 0) return;
  const paths = candidates.filter((e) => pointers.has(e.oid)).map((e) => `${prefix}${e.path}`);
  throw new GitConnectorError(
    'lfs_not_supported',
    `The repository stores files in Git LFS (${paths.slice(0, 3).join(', ')}${paths.length > 3 ? `, and ${paths.length - 3} more` : ''}), which is not supported: only the pointer files would be fetched.`,
    { paths: paths.slice(0, 20) },
  );
}
