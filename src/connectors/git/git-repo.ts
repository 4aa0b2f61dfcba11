/**
 * Steps on one bare repository that every operation shares: the credentials as git config, a run
 * that must succeed, `init --bare` with neutral attributes, fetching one commit (and checking it
 * is one), and reading trees, blobs and the size of what arrived. Each takes the git environment
 * (git-process.ts) explicitly; nothing here holds state.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { classifyGitFailure, GitConnectorError, scrubSecrets } from './git-errors.js';
import { runGit, type GitBudget, type GitEnvOptions, type RunResult } from './git-process.js';
import type { CheckedRemote, RemotePolicy } from './git-remote.js';
import type { GitCredentials } from './git-types.js';

/** What a connector fixes at creation and each of its operations reads. */
export interface GitContext {
  env: GitEnvOptions;
  policy: RemotePolicy;
  submodules: { mode: 'fetch' | 'refuse'; max: number; maxDepth: number };
  defaults: { timeoutMs: number; resolveTimeoutMs: number; maxBytes: number; maxTreeBytes: number | undefined };
}

/** A full commit id (SHA-1 or SHA-256). */
export const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Where fetchCommit leaves the commit archive() serves. */
export const ARCHIVE_REF = 'refs/atrium/archive';

export interface AuthConfig {
  secretConfig: [string, string][];
  secrets: string[];
  present: boolean;
}

export function authConfig(creds: GitCredentials): AuthConfig {
  const bad = (s: string): boolean => /[\0\r\n]/.test(s);
  if (creds.kind === 'none') return { secretConfig: [], secrets: [], present: false };
  if (creds.kind === 'basic') {
    if (bad(creds.username) || bad(creds.password) || creds.username.includes(':')) {
      throw new GitConnectorError('auth_failed', 'The credentials contain a line break or the user name a colon: check how they were entered.');
    }
    const b64 = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
    const header = `Authorization: Basic ${b64}`;
    return { secretConfig: [['http.extraHeader', header]], secrets: [creds.password, b64, header], present: true };
  }
  if (bad(creds.token)) throw new GitConnectorError('auth_failed', 'The token contains a line break: check how it was entered.');
  const header = `Authorization: Bearer ${creds.token}`;
  return { secretConfig: [['http.extraHeader', header]], secrets: [creds.token, header], present: true };
}

export async function mustRun(env: GitEnvOptions, args: string[], o: Parameters<typeof runGit>[2]): Promise<RunResult> {
  const r = await runGit(env, args, o);
  if (r.code !== 0) {
    throw new GitConnectorError('git_failed', `git ${args.find((a) => !a.startsWith('-')) ?? ''} failed.`, {}, scrubSecrets(r.stderr, []));
  }
  return r;
}

export async function initBare(env: GitEnvOptions, gitDir: string, budget: GitBudget): Promise<void> {
  // --template= : no sample hooks, no description; attributes written below.
  await mustRun(env, ['init', '--bare', '--quiet', '--template=', gitDir], { cwd: env.home, budget });
  mkdirSync(path.join(gitDir, 'info'), { recursive: true });
  // The tree exactly as committed: no end-of-line conversion, no filters, no export-subst or
  // export-ignore in archives, whatever the repository's own .gitattributes say.
  writeFileSync(path.join(gitDir, 'info', 'attributes'), '* -text -eol -ident -filter -working-tree-encoding -export-subst -export-ignore\n');
}

export function pinConfig(checked: CheckedRemote): [string, string][] {
  return checked.pin ? [['http.curloptResolve', checked.pin]] : [];
}

/**
 * Fetches exactly `sha` (depth 1) into `gitDir` and checks it is a commit; returns its tree, or
 * null when `extra` filters trees out.
 */
export async function fetchOne(
  env: GitEnvOptions,
  checked: CheckedRemote,
  auth: AuthConfig,
  gitDir: string,
  sha: string,
  budget: GitBudget,
  extra: string[],
  onLine: (line: string) => void,
): Promise<string | null> {
  const r = await runGit(
    env,
    [`--git-dir=${gitDir}`, 'fetch', '--depth=1', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--progress', ...extra, checked.url, sha],
    { cwd: gitDir, budget, secretConfig: auth.secretConfig, config: pinConfig(checked), onStderrLine: onLine },
  );
  if (r.code !== 0) {
    const e = classifyGitFailure(r.stderr, { remote: checked.url, hadCredentials: auth.present }, auth.secrets);
    if (e.code === 'ref_not_found') throw new GitConnectorError('ref_not_found', `The commit ${sha} does not exist in ${checked.url}.`, { commit: sha }, e.gitOutput);
    throw e;
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

export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  size: number;
  path: string;
}

/** `git ls-tree -r -l -z`: "<mode> <type> <oid> <size padded>\t<path>\0". */
export function parseLsTree(buf: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const rec of buf.toString('utf8').split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, oid, size] = rec.slice(0, tab).split(/\s+/);
    out.push({ mode: mode!, type: type!, oid: oid!, size: size === '-' ? 0 : Number(size), path: rec.slice(tab + 1) });
  }
  return out;
}

/** Contents of blobs by id, via one `cat-file --batch`. */
export async function readBlobs(env: GitEnvOptions, gitDir: string, budget: GitBudget, oids: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (oids.length === 0) return out;
  const r = await mustRun(env, [`--git-dir=${gitDir}`, 'cat-file', '--batch'], { cwd: gitDir, budget, input: oids.join('\n') + '\n' });
  const buf = r.stdout;
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    if (nl < 0) break;
    const [oid, , sizeText] = buf.subarray(at, nl).toString('latin1').split(' ');
    const size = Number(sizeText);
    if (!Number.isFinite(size)) break;
    out.set(oid!, buf.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return out;
}

/** Bytes of the packs in `dir`, including the one being received (tmp_pack_*). */
export async function packBytes(dir: string): Promise<number> {
  let total = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    if (!n.endsWith('.pack') && !n.startsWith('tmp_pack')) continue;
    try {
      total += (await stat(path.join(dir, n))).size;
    } catch {
      /* renamed between readdir and stat */
    }
  }
  return total;
}
