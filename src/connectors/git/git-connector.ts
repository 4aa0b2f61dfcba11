/**
 * The git connector: resolve a branch, tag or commit of a remote to a commit id, fetch exactly that
 * commit (shallow, one pack), check it out, and serve its tree as a tar or zip. System git only
 * (see git-process.ts for how it is run); no HTTP, no app database: the caller authorizes, decrypts
 * the credentials and passes them in. Contract in README.md.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SSRF_POLICY } from '../sql/sql-connector.js';
import { archive } from './git-archive.js';
import { fetchCommit } from './git-fetch.js';
import { defaultSpawn, type GitEnvOptions } from './git-process.js';
import type { RemotePolicy } from './git-remote.js';
import type { GitContext } from './git-repo.js';
import { resolveRef } from './git-resolve.js';
import type { GitConnector, GitConnectorOptions } from './git-types.js';

export * from './git-errors.js';
export * from './git-types.js';
export { resolveSubmoduleUrl } from './git-remote.js';

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
  const ctx: GitContext = {
    env,
    policy,
    submodules: { mode: submoduleMode, max: maxSubmodules, maxDepth },
    defaults,
  };

  return {
    resolveRef: (remote, creds, ref, opts) => resolveRef(ctx, remote, creds, ref, opts),
    fetchCommit: (remote, creds, sha, destDir, opts) => fetchCommit(ctx, remote, creds, sha, destDir, opts),
    archive: (destDir, format, opts) => archive(env, destDir, format, opts),
    close: () => {
      chmodSync(home, 0o700);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
