/**
 * The git connector's public shapes: credentials, refs, options, progress and results. The
 * connector itself is assembled in git-connector.ts, which re-exports these.
 */
import type { Readable } from 'node:stream';
import type { SsrfPolicy } from '../sql/sql-connector.js';
import type { SpawnFn } from './git-process.js';

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
