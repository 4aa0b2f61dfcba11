/**
 * Steps on one bare repository that every operation shares: the credentials as git config, a run
 * that must succeed, `init --bare` with neutral attributes, fetching one commit (and checking it
 * is one), and reading trees and blobs. Each takes the git environment
 * (git-process.ts) explicitly; nothing here holds state.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GitConnectorError, scrubSecrets } from './git-errors.js';
import { runGit, type GitBudget, type GitEnvOptions, type RunResult } from './git-process.js';
import type { CheckedRemote, RemotePolicy } from './git-remote.js';
import type { TransferMeter } from './git-transfer.js';
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

/** One operation's fetches: where they go, with which credentials, under which budget. */
export interface FetchSession {
  env: GitEnvOptions;
  auth: AuthConfig;
  /** The bare repository the commits end up in. */
  gitDir: string;
  budget: GitBudget;
  meter: TransferMeter;
}

/**
 * One `git fetch <flags…> <url> <refspecs…>` into `gitDir` (default the session's), its bytes
 * counted by the session's meter. Refspecs are commit ids or ref names (`refs/…`, never `-…`).
 * Does not throw on a failed fetch: the caller classifies.
 */
export function fetchRun(
  s: FetchSession,
  checked: CheckedRemote,
  flags: string[],
  refspecs: string[],
  opts: { gitDir?: string; signal?: AbortSignal; onLine?: (l: string) => void } = {},
): Promise<RunResult> {
  const gitDir = opts.gitDir ?? s.gitDir;
  return s.meter.run(path.join(gitDir, 'objects', 'pack'), () =>
    runGit(
      s.env,
      [`--git-dir=${gitDir}`, 'fetch', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--progress', ...flags, checked.url, ...refspecs],
      {
        cwd: gitDir,
        budget: s.budget,
        secretConfig: s.auth.secretConfig,
        config: pinConfig(checked),
        signal: opts.signal,
        onStderrLine: (l) => {
          s.meter.onLine(l);
          opts.onLine?.(l);
        },
      },
    ),
  );
}

/** Whether `sha` is a commit in `gitDir` (a shallow or complete repository: nothing is fetched lazily). */
export async function hasCommit(s: FetchSession, sha: string, gitDir = s.gitDir): Promise<boolean> {
  const r = await runGit(s.env, [`--git-dir=${gitDir}`, 'cat-file', '-e', `${sha}^{commit}`], { cwd: gitDir, budget: s.budget });
  return r.code === 0;
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
