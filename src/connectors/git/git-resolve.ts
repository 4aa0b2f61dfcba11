/**
 * Resolving a branch, tag or commit of a remote to a commit id: `ls-remote` for names (peeling
 * annotated tags), and for a commit pin a filtered fetch of the commit object alone, which proves
 * the server has it without downloading its tree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitConnectorError } from './git-errors.js';
import { GitBudget } from './git-process.js';
import { checkRemote } from './git-remote.js';
import { authConfig, initBare, SHA, type GitContext } from './git-repo.js';
import { TransferMeter } from './git-transfer.js';
import { fetchOne, lsRemote } from './git-want.js';
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
    // A server that refuses commits by id makes the check fetch refs (git-want.ts): bytes counted too.
    const meter = new TransferMeter(budget, defaults.maxBytes);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-verify-'));
    try {
      const gitDir = path.join(tmp, 'git');
      await initBare(env, gitDir, budget);
      // Only the commit object (tree:0): proves it exists on the server without the download.
      await fetchOne({ env, auth, gitDir, budget, meter }, checked, sha, ['--filter=tree:0']);
      return sha;
    } finally {
      meter.dispose();
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
    const refs = await lsRemote({ env, auth, budget }, checked, [full, `${full}^{}`]);
    const commit = refs.find((r) => r.name === full)?.commit;
    if (!commit) {
      throw new GitConnectorError('ref_not_found', `The ${ref.kind} '${name}' does not exist in ${checked.url}.`, { kind: ref.kind, name });
    }
    return commit;
  } finally {
    budget.dispose();
  }
}
