/**
 * Resolving a branch, tag or commit of a remote to a commit id: `ls-remote` for names (peeling
 * annotated tags), and for a commit pin a filtered fetch of the commit object alone, which proves
 * the server has it without downloading its tree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifyGitFailure, GitConnectorError } from './git-errors.js';
import { GitBudget, runGit } from './git-process.js';
import { checkRemote } from './git-remote.js';
import { authConfig, fetchOne, initBare, pinConfig, SHA, type GitContext } from './git-repo.js';
import type { GitCredentials, GitRef, ResolveOptions } from './git-types.js';

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

export async function resolveRef(ctx: GitContext, remote: string, creds: GitCredentials, ref: GitRef, opts: ResolveOptions = {}): Promise<string> {
  const { env, policy, defaults } = ctx;
  const auth = authConfig(creds);
  if (ref.kind === 'commit') {
    const sha = ref.name.trim().toLowerCase();
    if (!SHA.test(sha)) throw new GitConnectorError('invalid_ref', 'A commit pin must be a full commit id (40 hexadecimal characters).');
    const checked = await checkRemote(remote, policy);
    const budget = new GitBudget({ signal: opts.signal, timeoutMs: opts.timeoutMs ?? defaults.resolveTimeoutMs });
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-verify-'));
    try {
      const gitDir = path.join(tmp, 'git');
      await initBare(env, gitDir, budget);
      // Only the commit object (tree:0): proves it exists on the server without the download.
      await fetchOne(env, checked, auth, gitDir, sha, budget, ['--filter=tree:0'], () => {});
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
      cwd: env.home,
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
