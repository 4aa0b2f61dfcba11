/**
 * The git connector: resolve a branch, tag or commit of a remote to a commit id, fetch exactly that
 * commit (shallow, one pack), check it out, and serve its tree as a tar or zip. System git only
 * (see git-process.ts for how it is run); no HTTP, no app database: the caller authorizes, decrypts
 * the credentials and passes them in. Contract in README.md.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, chmodSync, mkdtempSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { DEFAULT_SSRF_POLICY, type SsrfPolicy } from '../sql/sql-connector.js';
import { classifyGitFailure, GitConnectorError, scrubSecrets } from './git-errors.js';
import { GitBudget, baseConfig, defaultSpawn, formatBytes, gitEnv, parseProgress, runGit, type GitEnvOptions, type RunResult, type SpawnFn } from './git-process.js';
import { checkRemote, resolveSubmoduleUrl, type CheckedRemote, type RemotePolicy } from './git-remote.js';

export * from './git-errors.js';
export { resolveSubmoduleUrl } from './git-remote.js';

export type GitCredentials =
  | { kind: 'none' }
  /** HTTP basic; for tokens the token is the password (GitHub: `x-access-token`, GitLab: `oauth2`). */
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

export type GitRefKind = 'branch' | 'tag' | 'commit';
export interface GitRef {
  kind: GitRefKind;
  /** A branch or tag name (`main`, `release/1.x`, `v1.0.0`) or a full commit id. */
  name: string;
}

export interface GitProgress {
  phase: 'receiving' | 'resolving' | 'submodule' | 'checkout' | 'done';
  /** Bytes received so far by the whole operation (packs of the repository and its submodules). */
  receivedBytes: number;
  percent?: number;
  objects?: number;
  totalObjects?: number;
  /** For `submodule`: its path in the tree. */
  path?: string;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Bytes received over the network (all packs, submodules included). */
  maxBytes?: number;
  /** Bytes of the checked-out tree (blob sizes): guards against a small pack that inflates. */
  maxTreeBytes?: number;
  timeoutMs?: number;
  onProgress?: (p: GitProgress) => void;
  /** Check out a working tree (default true); without it only the git directory is kept. */
  checkout?: boolean;
}

export interface FetchedSubmodule {
  path: string;
  url: string;
  commit: string;
}

export interface FetchResult {
  commit: string;
  /** The tree with submodules' trees in place of their gitlinks (= the commit's tree without submodules). */
  tree: string;
  /** `<destDir>/git`: a bare repository holding the fetched objects. */
  gitDir: string;
  /** `<destDir>/tree`: the checked-out files, or null with `checkout: false`. */
  workTree: string | null;
  receivedBytes: number;
  treeBytes: number;
  files: number;
  submodules: FetchedSubmodule[];
}

export interface ResolveOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface GitConnectorOptions {
  ssrf?: SsrfPolicy;
  /** Allow http:// to loopback addresses (the tests' local git server). Never in production. */
  allowHttpLoopback?: boolean;
  /** 'fetch' (default): submodules on the same server are fetched with the same credentials. */
  submodules?: 'fetch' | 'refuse';
  maxSubmodules?: number;
  maxSubmoduleDepth?: number;
  defaults?: { timeoutMs?: number; resolveTimeoutMs?: number; maxBytes?: number; maxTreeBytes?: number };
  gitBinary?: string;
  /** For tests: observe what is spawned. */
  spawn?: SpawnFn;
}

export interface GitConnector {
  resolveRef(remote: string, creds: GitCredentials, ref: GitRef, opts?: ResolveOptions): Promise<string>;
  fetchCommit(remote: string, creds: GitCredentials, sha: string, destDir: string, opts?: FetchOptions): Promise<FetchResult>;
  /** The fetched tree (`destDir` of a fetchCommit) as a tar or zip stream, with deterministic timestamps. */
  archive(destDir: string, format: 'tar' | 'zip', opts?: { prefix?: string }): Readable;
  /** Removes the connector's empty HOME. */
  close(): void;
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const LFS_PREFIXES = ['version https://git-lfs.github.com/spec/v1', 'version https://hawser.github.com/spec/v1'];
const ARCHIVE_REF = 'refs/atrium/archive';

interface AuthConfig {
  secretConfig: [string, string][];
  secrets: string[];
  present: boolean;
}

function authConfig(creds: GitCredentials): AuthConfig {
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

/** A ref name git would accept (git check-ref-format rules, as a short name). */
function checkRefName(kind: 'branch' | 'tag', name: string): string {
  const short = name.replace(kind === 'branch' ? /^refs\/heads\// : /^refs\/tags\//, '');
  const invalid =
    short === '' ||
    short === '@' ||
    short.startsWith('-') ||
    short.startsWith('/') ||
    short.endsWith('/') ||
    short.endsWith('.') ||
    short.includes('..') ||
    short.includes('//') ||
    short.includes('@{') ||
    /[\0-\x20\x7f~^:?*[\\]/.test(short) ||
    short.split('/').some((c) => c.startsWith('.') || c.endsWith('.lock'));
  if (invalid) throw new GitConnectorError('invalid_ref', `'${short.slice(0, 200)}' is not a valid ${kind} name.`);
  return short;
}

export function createGitConnector(options: GitConnectorOptions = {}): GitConnector {
  const policy: RemotePolicy = { ssrf: options.ssrf ?? DEFAULT_SSRF_POLICY, allowHttpLoopback: options.allowHttpLoopback ?? false };
  const submoduleMode = options.submodules ?? 'fetch';
  const maxSubmodules = options.maxSubmodules ?? 25;
  const maxDepth = options.maxSubmoduleDepth ?? 3;
  const defaults = {
    timeoutMs: options.defaults?.timeoutMs ?? 10 * 60_000,
    resolveTimeoutMs: options.defaults?.resolveTimeoutMs ?? 60_000,
    maxBytes: options.defaults?.maxBytes ?? 2 * 1024 ** 3,
    maxTreeBytes: options.defaults?.maxTreeBytes,
  };
  // An empty, read-only HOME: git finds no user config, credential store or known hosts in it.
  const home = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-home-'));
  chmodSync(home, 0o500);
  const env: GitEnvOptions = {
    gitBinary: options.gitBinary ?? 'git',
    home,
    allowHttp: policy.allowHttpLoopback,
    path: '/usr/local/bin:/usr/bin:/bin',
    spawn: options.spawn ?? defaultSpawn,
  };

  async function mustRun(args: string[], o: Parameters<typeof runGit>[2]): Promise<RunResult> {
    const r = await runGit(env, args, o);
    if (r.code !== 0) {
      throw new GitConnectorError('git_failed', `git ${args.find((a) => !a.startsWith('-')) ?? ''} failed.`, {}, scrubSecrets(r.stderr, []));
    }
    return r;
  }

  async function resolveRef(remote: string, creds: GitCredentials, ref: GitRef, opts: ResolveOptions = {}): Promise<string> {
    const auth = authConfig(creds);
    if (ref.kind === 'commit') {
      const sha = ref.name.trim().toLowerCase();
      if (!SHA.test(sha)) throw new GitConnectorError('invalid_ref', 'A commit pin must be a full commit id (40 hexadecimal characters).');
      const checked = await checkRemote(remote, policy);
      const budget = new GitBudget({ signal: opts.signal, timeoutMs: opts.timeoutMs ?? defaults.resolveTimeoutMs });
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-verify-'));
      try {
        const gitDir = path.join(tmp, 'git');
        await initBare(gitDir, budget);
        // Only the commit object (tree:0): proves it exists on the server without the download.
        await fetchOne(checked, auth, gitDir, sha, budget, ['--filter=tree:0'], () => {});
        return sha;
      } finally {
        budget.dispose();
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    if (ref.kind !== 'branch' && ref.kind !== 'tag') throw new GitConnectorError('invalid_ref', 'A ref is a branch, a tag or a commit.');
    const name = checkRefName(ref.kind, ref.name);
    const full = `refs/${ref.kind === 'branch' ? 'heads' : 'tags'}/${name}`;
    const checked = await checkRemote(remote, policy);
    const budget = new GitBudget({ signal: opts.signal, timeoutMs: opts.timeoutMs ?? defaults.resolveTimeoutMs });
    try {
      // The peeled line (`refs/tags/x^{}`, the commit of an annotated tag) is matched by its own pattern.
      const r = await runGit(env, ['ls-remote', checked.url, full, `${full}^{}`], {
        cwd: home,
        budget,
        secretConfig: auth.secretConfig,
        config: pinConfig(checked),
      });
      if (r.code !== 0) throw classifyGitFailure(r.stderr, { remote: checked.url, hadCredentials: auth.present }, auth.secrets);
      let direct: string | null = null;
      let peeled: string | null = null;
      for (const line of r.stdout.toString('utf8').split('\n')) {
        const [id, refName] = line.split('\t');
        if (refName === full && id) direct = id;
        if (refName === `${full}^{}` && id) peeled = id;
      }
      const commit = peeled ?? direct;
      if (!commit) {
        throw new GitConnectorError('ref_not_found', `The ${ref.kind} '${name}' does not exist in ${checked.url}.`, { kind: ref.kind, name });
      }
      return commit;
    } finally {
      budget.dispose();
    }
  }

  async function initBare(gitDir: string, budget: GitBudget): Promise<void> {
    // --template= : no sample hooks, no description; attributes written below.
    await mustRun(['init', '--bare', '--quiet', '--template=', gitDir], { cwd: home, budget });
    mkdirSync(path.join(gitDir, 'info'), { recursive: true });
    // The tree exactly as committed: no end-of-line conversion, no filters, no export-subst or
    // export-ignore in archives, whatever the repository's own .gitattributes say.
    writeFileSync(path.join(gitDir, 'info', 'attributes'), '* -text -eol -ident -filter -working-tree-encoding -export-subst -export-ignore\n');
  }

  function pinConfig(checked: CheckedRemote): [string, string][] {
    return checked.pin ? [['http.curloptResolve', checked.pin]] : [];
  }

  async function fetchOne(
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

  async function fetchCommit(remote: string, creds: GitCredentials, shaIn: string, destDir: string, opts: FetchOptions = {}): Promise<FetchResult> {
    const sha = shaIn.trim().toLowerCase();
    if (!SHA.test(sha)) throw new GitConnectorError('invalid_ref', 'A commit to fetch must be a full commit id (40 hexadecimal characters).');
    const auth = authConfig(creds);
    const checked = await checkRemote(remote, policy);
    const maxBytes = opts.maxBytes ?? defaults.maxBytes;
    const maxTreeBytes = opts.maxTreeBytes ?? defaults.maxTreeBytes ?? maxBytes * 10;
    mkdirSync(destDir, { recursive: true });
    if (readdirSync(destDir).length > 0) throw new Error(`fetchCommit: ${destDir} is not empty`);
    const gitDir = path.join(destDir, 'git');
    const workTree = opts.checkout === false ? null : path.join(destDir, 'tree');
    const budget = new GitBudget({ signal: opts.signal, timeoutMs: opts.timeoutMs ?? defaults.timeoutMs });
    const progress = opts.onProgress ?? (() => {});
    const packDir = path.join(gitDir, 'objects', 'pack');
    let received = 0;
    let runStart = 0;
    const tooLarge = (): void =>
      budget.stop({ code: 'too_large', message: `The repository is larger than the limit of ${formatBytes(maxBytes)}: the transfer was stopped after ${formatBytes(received)}.` });
    const account = (bytes: number): void => {
      if (bytes > received) received = bytes;
      if (received > maxBytes) tooLarge();
    };
    // What arrives is written to objects/pack as it comes (tmp_pack_*): the file sizes are the
    // truth even when git prints no progress; progress lines only make the check quicker.
    const poll = setInterval(() => {
      void packBytes(packDir).then(account, () => {});
    }, 100);
    const onLine = (line: string): void => {
      const p = parseProgress(line);
      if (!p) return;
      if (p.phase === 'Receiving objects') {
        if (p.bytes !== undefined) account(runStart + p.bytes);
        progress({ phase: 'receiving', receivedBytes: received, percent: p.percent, objects: p.done, totalObjects: p.total });
      } else if (p.phase === 'Resolving deltas') {
        progress({ phase: 'resolving', receivedBytes: received, percent: p.percent, objects: p.done, totalObjects: p.total });
      }
    };
    const submodules: FetchedSubmodule[] = [];
    const fetchTracked = async (target: CheckedRemote, commit: string): Promise<string> => {
      runStart = received;
      const tree = await fetchOne(target, auth, gitDir, commit, budget, [], onLine);
      account(await packBytes(packDir));
      return tree!;
    };

    /** Checks a fetched commit's tree (LFS, submodules) and returns it with submodules' trees in place. */
    const expand = async (tree: string, remoteOf: CheckedRemote, prefix: string, depth: number): Promise<{ tree: string; bytes: number; files: number }> => {
      const entries = parseLsTree((await mustRun([`--git-dir=${gitDir}`, 'ls-tree', '-r', '-l', '-z', '--full-tree', tree], { cwd: gitDir, budget })).stdout);
      await refuseLfs(entries, prefix);
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
      const urls = await readGitmodules(entries.find((e) => e.path === '.gitmodules' && e.type === 'blob')?.oid ?? null);
      const index = path.join(gitDir, `atrium-index-${depth}-${Date.now()}`);
      try {
        await mustRun([`--git-dir=${gitDir}`, 'read-tree', tree], { cwd: gitDir, budget, env: { GIT_INDEX_FILE: index } });
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
          if (origin !== checked.origin) {
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
          progress({ phase: 'submodule', receivedBytes: received, path: shown });
          submodules.push({ path: shown, url: subRemote.url, commit: link.oid });
          const subTree = await fetchTracked(subRemote, link.oid);
          const sub = await expand(subTree, subRemote, `${shown}/`, depth + 1);
          bytes += sub.bytes;
          files += sub.files;
          // Mode 0 removes the gitlink (--force-remove would want a work tree).
          await mustRun([`--git-dir=${gitDir}`, 'update-index', '--index-info'], {
            cwd: gitDir,
            budget,
            env: { GIT_INDEX_FILE: index },
            input: `0 ${'0'.repeat(link.oid.length)}\t${link.path}\n`,
          });
          // --prefix insists on a work tree; without -u it writes nothing there (the empty HOME).
          await mustRun([`--git-dir=${gitDir}`, `--work-tree=${home}`, 'read-tree', `--prefix=${link.path}/`, sub.tree], {
            cwd: gitDir,
            budget,
            env: { GIT_INDEX_FILE: index },
          });
        }
        const flat = (await mustRun([`--git-dir=${gitDir}`, 'write-tree'], { cwd: gitDir, budget, env: { GIT_INDEX_FILE: index } })).stdout.toString().trim();
        return { tree: flat, bytes, files };
      } finally {
        rmSync(index, { force: true });
      }
    };

    const readGitmodules = async (blob: string | null): Promise<Map<string, string>> => {
      const byPath = new Map<string, string>();
      if (!blob) return byPath;
      const r = await runGit(env, [`--git-dir=${gitDir}`, 'config', '--no-includes', '-z', '--blob', blob, '--list'], { cwd: gitDir, budget });
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
    };

    /** Contents of blobs by id, via one `cat-file --batch`. */
    const readBlobs = async (oids: string[]): Promise<Map<string, Buffer>> => {
      const out = new Map<string, Buffer>();
      if (oids.length === 0) return out;
      const r = await mustRun([`--git-dir=${gitDir}`, 'cat-file', '--batch'], { cwd: gitDir, budget, input: oids.join('\n') + '\n' });
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
    };

    const refuseLfs = async (entries: TreeEntry[], prefix: string): Promise<void> => {
      // LFS works through .gitattributes (`filter=lfs`, written by `git lfs track`): without it a
      // pointer-shaped file is just a file, for git as for us. Reading the attributes first spares
      // reading every small blob of the many repositories that do not use LFS.
      const attrs = entries.filter((e) => e.type === 'blob' && (e.path === '.gitattributes' || e.path.endsWith('/.gitattributes')));
      const attrText = [...(await readBlobs([...new Set(attrs.map((e) => e.oid))])).values()].map((b) => b.toString('utf8'));
      if (!attrText.some((t) => /\bfilter\s*=\s*lfs\b/.test(t))) return;
      // A pointer is a small text blob (the spec caps it under 1024 bytes).
      const candidates = entries.filter((e) => e.type === 'blob' && e.size >= 40 && e.size < 1024 && e.mode !== '120000');
      const blobs = await readBlobs([...new Set(candidates.map((e) => e.oid))]);
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
    };

    try {
      await initBare(gitDir, budget);
      const topTree = await fetchTracked(checked, sha);
      const top = await expand(topTree, checked, '', 0);
      if (top.bytes > maxTreeBytes) {
        throw new GitConnectorError('too_large', `The files of the commit take ${formatBytes(top.bytes)}, more than the limit of ${formatBytes(maxTreeBytes)}.`, {
          treeBytes: top.bytes,
        });
      }
      // What archive() serves: the commit itself, or (with submodules) a commit of the expanded
      // tree with the same dates, so archives of one pin are byte-identical.
      let archiveCommit = sha;
      if (top.tree !== topTree) {
        const dates = (await mustRun([`--git-dir=${gitDir}`, 'show', '-s', '--format=%ad%n%cd', '--date=raw', sha], { cwd: gitDir, budget })).stdout.toString().trim().split('\n');
        archiveCommit = (
          await mustRun([`--git-dir=${gitDir}`, 'commit-tree', top.tree, '-m', `${sha} with submodules`], {
            cwd: gitDir,
            budget,
            env: {
              GIT_AUTHOR_NAME: 'atrium',
              GIT_AUTHOR_EMAIL: 'atrium@localhost',
              GIT_COMMITTER_NAME: 'atrium',
              GIT_COMMITTER_EMAIL: 'atrium@localhost',
              GIT_AUTHOR_DATE: dates[0] ?? '0 +0000',
              GIT_COMMITTER_DATE: dates[1] ?? '0 +0000',
            },
          })
        ).stdout.toString().trim();
      }
      await mustRun([`--git-dir=${gitDir}`, 'update-ref', ARCHIVE_REF, archiveCommit], { cwd: gitDir, budget });
      if (workTree) {
        progress({ phase: 'checkout', receivedBytes: received });
        mkdirSync(workTree);
        await mustRun([`--git-dir=${gitDir}`, `--work-tree=${workTree}`, 'read-tree', '-u', '--reset', top.tree], { cwd: workTree, budget });
      }
      budget.check();
      progress({ phase: 'done', receivedBytes: received });
      return { commit: sha, tree: top.tree, gitDir, workTree, receivedBytes: received, treeBytes: top.bytes, files: top.files, submodules };
    } catch (e) {
      rmSync(destDir, { recursive: true, force: true });
      // A stop (time, size, cancel) may surface as whatever git did when it was killed.
      if (budget.reason) throw new GitConnectorError(budget.reason.code, budget.reason.message, { receivedBytes: received });
      throw e;
    } finally {
      clearInterval(poll);
      budget.dispose();
    }
  }

  function archive(destDir: string, format: 'tar' | 'zip', opts: { prefix?: string } = {}): Readable {
    const gitDir = path.join(destDir, 'git');
    if (!existsSync(path.join(gitDir, ARCHIVE_REF))) {
      throw new GitConnectorError('git_failed', 'There is no fetched commit in that directory to archive.');
    }
    if (format !== 'tar' && format !== 'zip') throw new TypeError(`Unknown archive format ${String(format)}`);
    const prefix = opts.prefix ? `${opts.prefix.replace(/\/+$/, '')}/` : '';
    const argv: string[] = [];
    for (const [k, v] of baseConfig(env.allowHttp)) argv.push('-c', `${k}=${v}`);
    argv.push(`--git-dir=${gitDir}`, 'archive', `--format=${format}`, ...(prefix ? [`--prefix=${prefix}`] : []), ARCHIVE_REF);
    const child = env.spawn(env.gitBinary, argv, { cwd: gitDir, env: gitEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = new PassThrough();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout!.pipe(out, { end: false });
    child.on('error', () => out.destroy(new GitConnectorError('git_failed', 'git could not be started to build the archive.')));
    child.on('close', (code) => {
      if (code === 0) out.end();
      else out.destroy(new GitConnectorError('git_failed', 'The archive could not be built.', {}, stderr));
    });
    out.on('close', () => {
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    });
    return out;
  }

  return {
    resolveRef,
    fetchCommit,
    archive,
    close: () => {
      chmodSync(home, 0o700);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  size: number;
  path: string;
}

/** `git ls-tree -r -l -z`: "<mode> <type> <oid> <size padded>\t<path>\0". */
function parseLsTree(buf: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const rec of buf.toString('utf8').split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, oid, size] = rec.slice(0, tab).split(/\s+/);
    out.push({ mode: mode!, type: type!, oid: oid!, size: size === '-' ? 0 : Number(size), path: rec.slice(tab + 1) });
  }
  return out;
}

async function packBytes(dir: string): Promise<number> {
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
