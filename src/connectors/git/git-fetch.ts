/**
 * Fetching exactly one commit into `<destDir>/git` (shallow, one pack per fetch), with its
 * submodules (git-tree.ts), under one budget of time and bytes (git-transfer.ts counts what
 * arrives). A server that refuses a commit by id gets the fallback of git-want.ts. On any failure
 * the destination is removed.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { GitConnectorError } from './git-errors.js';
import { formatBytes, GitBudget } from './git-process.js';
import { checkRemote, type CheckedRemote } from './git-remote.js';
import { ARCHIVE_REF, authConfig, initBare, mustRun, SHA, type FetchSession, type GitContext } from './git-repo.js';
import { TransferMeter } from './git-transfer.js';
import { expandTree, type TreeSession } from './git-tree.js';
import { fetchOne } from './git-want.js';
import type { FetchedSubmodule, FetchOptions, FetchResult, GitCredentials } from './git-types.js';

export async function fetchCommit(
  ctx: GitContext,
  remote: string,
  creds: GitCredentials,
  shaIn: string,
  destDir: string,
  opts: FetchOptions = {},
): Promise<FetchResult> {
  const { env, policy, defaults } = ctx;
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
  // Every fetch of this commit and its submodules (fallbacks included) counts against maxBytes.
  const meter = new TransferMeter(budget, maxBytes, progress);
  const fetches: FetchSession = { env, auth, gitDir, budget, meter };
  const submodules: FetchedSubmodule[] = [];
  const fetchTracked = async (target: CheckedRemote, commit: string): Promise<string> => (await fetchOne(fetches, target, commit, []))!;
  const session: TreeSession = {
    ctx,
    gitDir,
    budget,
    top: checked,
    submodules,
    fetchTracked,
    onSubmodule: (p) => progress({ phase: 'submodule', receivedBytes: meter.received, path: p }),
  };

  try {
    await initBare(env, gitDir, budget);
    const topTree = await fetchTracked(checked, sha);
    const top = await expandTree(session, topTree, checked, '', 0);
    if (top.bytes > maxTreeBytes) {
      throw new GitConnectorError('too_large', `The files of the commit take ${formatBytes(top.bytes)}, more than the limit of ${formatBytes(maxTreeBytes)}.`, {
        treeBytes: top.bytes,
      });
    }
    // What archive() serves: the commit itself, or (with submodules) a commit of the expanded
    // tree with the same dates, so archives of one pin are byte-identical.
    let archiveCommit = sha;
    if (top.tree !== topTree) {
      const dates = (await mustRun(env, [`--git-dir=${gitDir}`, 'show', '-s', '--format=%ad%n%cd', '--date=raw', sha], { cwd: gitDir, budget })).stdout.toString().trim().split('\n');
      archiveCommit = (
        await mustRun(env, [`--git-dir=${gitDir}`, 'commit-tree', top.tree, '-m', `${sha} with submodules`], {
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
    await mustRun(env, [`--git-dir=${gitDir}`, 'update-ref', ARCHIVE_REF, archiveCommit], { cwd: gitDir, budget });
    if (workTree) {
      progress({ phase: 'checkout', receivedBytes: meter.received });
      mkdirSync(workTree);
      await mustRun(env, [`--git-dir=${gitDir}`, `--work-tree=${workTree}`, 'read-tree', '-u', '--reset', top.tree], { cwd: workTree, budget });
    }
    budget.check();
    progress({ phase: 'done', receivedBytes: meter.received });
    return { commit: sha, tree: top.tree, gitDir, workTree, receivedBytes: meter.received, treeBytes: top.bytes, files: top.files, submodules };
  } catch (e) {
    rmSync(destDir, { recursive: true, force: true });
    // A stop (time, size, cancel) may surface as whatever git did when it was killed.
    if (budget.reason) throw new GitConnectorError(budget.reason.code, budget.reason.message, { receivedBytes: meter.received });
    throw e;
  } finally {
    meter.dispose();
    budget.dispose();
  }
}
