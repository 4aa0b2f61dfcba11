/**
 * Git providers (DESIGN.md "Git packages", rule 11): where a workspace's packages come from — a
 * GitHub App (github.com or GitHub Enterprise Server), GitLab, Bitbucket, or any HTTPS remote.
 * Workspace level, admins only, Team plan or higher (GHES: Enterprise). Credentials are
 * write-only and encrypted with the workspace data key; GitHub installation tokens are minted on
 * demand by the connector's client (kept in its memory until shortly before they expire) and never
 * stored. Rule 11 — one GitHub account ↔ one workspace, both ways — is two unique columns.
 * Top level: what the packages module uses (`gitAccess`); `api`: what a request may ask, authorized.
 */
import { WorkspaceAction } from '../../access/access-types.js';
import { createGitConnector, GitConnectorError, type GitConnector, type GitCredentials } from '../../connectors/git/git-connector.js';
import {
  createGitHubAppClient,
  createTokenGitProvider,
  type GitHubAppClient,
  GitProviderError,
  type GitProviderKind,
  gitProviderConfigSchemas,
  gitProviderCredentialsSchemas,
  GIT_PROVIDER_LABELS,
  testGitRemote,
  type TokenProviderKind,
} from '../../connectors/git-providers/git-providers.js';
import type { SsrfPolicy } from '../../connectors/sql/sql-connector.js';
import type { Caller, RequestContext } from '../../context.js';
import type { CryptoService } from '../../crypto/crypto-service.js';
import { AppError, notFound } from '../../errors.js';
import { newId, nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import { requirePlan } from '../plans.js';
import type { WorkspaceRow, WorkspacesService } from '../workspaces/workspaces-service.js';
import { createGitHubLinking, type GitHubLinkOptions } from './git-providers-github-link.js';
import { type GitProviderRow, type GitProvidersRepository, isGitHubKind } from './git-providers-repository.js';

export interface GitProvidersOptions extends GitHubLinkOptions {
  ssrf: SsrfPolicy;
  /** http:// to loopback for providers and git (the tests' local servers). Never in production. */
  allowHttpLoopback?: boolean;
  /** Where GitHub repositories are fetched from when not the web host (tests: the local git server). */
  githubGitBaseUrl?: string;
}

type Deps = {
  store: Pick<Store, 'transaction'>;
  repo: GitProvidersRepository;
  workspaces: Pick<WorkspacesService, 'resolve'>;
  policies: Pick<AuthzPolicies, 'assertWorkspace' | 'workspaceActions'>;
  audit: Pick<AuditService, 'record'>;
  crypto: Pick<CryptoService, 'encryptForWorkspace' | 'decryptForWorkspace'>;
};

/** What a fetch needs: the remote of a repository and the credentials to send there (and only there). */
export interface GitAccess {
  remote: string;
  credentials: GitCredentials;
  /** Every secret value in play, for scrubbing logs. */
  secrets: string[];
}

const aadFor = (id: string) => `git_provider:${id}`;
const newProviderId = () => newId('gpr');

/** A provider error as an API error (its code and the connector's suggested status). */
export function providerErrorToAppError(e: GitProviderError): AppError {
  const status = { auth_failed: 422, not_installed: 422, not_found: 422, host_unreachable: 502, ssrf_blocked: 422, timeout: 504, config_invalid: 400, state_invalid: 400, provider_error: 502 }[e.code];
  return AppError.withStatus(`provider_${e.code}`, status, e.message, { ...e.details });
}

export function createGitProvidersService(deps: Deps, opts: GitProvidersOptions) {
  const { repo, policies } = deps;
  const git: GitConnector = createGitConnector({ ssrf: opts.ssrf, allowHttpLoopback: opts.allowHttpLoopback });
  /** GitHub clients by provider id + version, so installation tokens are minted once an hour, not per fetch. */
  const clients = new Map<string, { version: number; client: GitHubAppClient }>();

  function parseSettings(kind: GitProviderKind, config: unknown, credentials: unknown): { config: Record<string, unknown>; credentials: Record<string, unknown> } {
    const c = gitProviderConfigSchemas[kind].safeParse(config);
    if (!c.success) throw new AppError('validation_failed', `The ${GIT_PROVIDER_LABELS[kind]} settings are invalid: ${c.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ')}.`, { field: 'config' });
    const s = gitProviderCredentialsSchemas[kind].safeParse(credentials);
    // Field names only: a value may be the token.
    if (!s.success) throw new AppError('validation_failed', `The ${GIT_PROVIDER_LABELS[kind]} credentials are invalid: ${s.error.issues.map((i) => `${i.path.join('.') || 'credentials'}: ${i.message}`).join('; ')}.`, { field: 'credentials' });
    return { config: c.data as Record<string, unknown>, credentials: s.data as Record<string, unknown> };
  }

  /** Builds the connector's client, which checks the rest (base URLs, key format) with its own errors. */
  function tokenProvider(kind: TokenProviderKind, config: unknown, credentials: unknown) {
    try {
      return createTokenGitProvider(kind, config, credentials, { allowHttpLoopback: opts.allowHttpLoopback });
    } catch (e) {
      throw e instanceof GitProviderError ? providerErrorToAppError(e) : e;
    }
  }
  function githubClient(kind: GitProviderKind, config: unknown, credentials: unknown): GitHubAppClient {
    try {
      return createGitHubAppClient(config, credentials, { enterprise: kind === 'github_enterprise', ssrf: opts.ssrf, allowHttpLoopback: opts.allowHttpLoopback, gitBaseUrl: opts.githubGitBaseUrl });
    } catch (e) {
      throw e instanceof GitProviderError ? providerErrorToAppError(e) : e;
    }
  }

  async function decrypt(p: GitProviderRow): Promise<Record<string, unknown>> {
    return JSON.parse(await deps.crypto.decryptForWorkspace(p.workspaceId, p.credentials, aadFor(p.id))) as Record<string, unknown>;
  }

  async function clientFor(p: GitProviderRow): Promise<GitHubAppClient> {
    const cached = clients.get(p.id);
    if (cached && cached.version === p.version) return cached.client;
    cached?.client.close();
    const client = githubClient(p.kind as GitProviderKind, p.config, await decrypt(p));
    clients.set(p.id, { version: p.version, client });
    return client;
  }

  /** Rule 11: the account the App is installed on, as the connector's link key (`<web host>:<id>`). */
  async function githubAccountOf(client: GitHubAppClient, installationId: number): Promise<NonNullable<GitProviderRow['githubAccount']>> {
    try {
      const inst = await client.getInstallation(installationId);
      if (!inst.account) throw new AppError('validation_failed', `Installation ${installationId} has no account.`, { field: 'installationId' });
      return { key: `${new URL(client.webBaseUrl).host}:${inst.account.id}`, login: inst.account.login, id: inst.account.id };
    } catch (e) {
      throw e instanceof GitProviderError ? providerErrorToAppError(e) : e;
    }
  }

  function rule11Error(login: string, otherWorkspace: boolean): AppError {
    return otherWorkspace
      ? new AppError('conflict', `The GitHub account '${login}' is already connected to another workspace. One GitHub account can be connected to one workspace only: disconnect it there first.`, { reason: 'github_account_taken', account: login })
      : new AppError('conflict', `This workspace already has a GitHub provider. A workspace connects at most one GitHub account: edit or delete the existing one.`, { reason: 'workspace_has_github' });
  }

  /** Unique violations from a concurrent writer end as the same clear errors. */
  function mapUnique(e: unknown, login: string): never {
    const msg = e instanceof Error ? e.message : '';
    if (/github_account_key/.test(msg)) throw rule11Error(login, true);
    if (/github_workspace_key/.test(msg)) throw rule11Error(login, false);
    if (/name_key|git_providers_name/.test(msg)) throw new AppError('already_exists', 'A git provider with this name already exists in this workspace.', { field: 'name' });
    throw e;
  }

  async function view(p: GitProviderRow, packageCount: number) {
    return {
      id: p.id,
      name: p.name,
      kind: p.kind as GitProviderKind,
      config: p.config,
      hasCredentials: true as const,
      installationId: p.installationId,
      githubAccount: p.githubAccount ? { login: p.githubAccount.login, id: p.githubAccount.id } : null,
      githubLinkedBy: p.githubLinkedBy ? { login: p.githubLinkedBy.login, id: p.githubLinkedBy.id, linkedAt: p.githubLinkedBy.at } : null,
      packageCount,
      version: p.version,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  function gate(ws: WorkspaceRow, kind: string): void {
    requirePlan(ws.plan as never, 'git_packages');
    if (kind === 'github_enterprise') requirePlan(ws.plan as never, 'github_enterprise_server');
  }

  async function create(ws: WorkspaceRow, actorId: string, body: { name: string; kind: GitProviderKind; config: Record<string, unknown>; credentials: Record<string, string>; installationId?: number }, ctx: RequestContext) {
    gate(ws, body.kind);
    const parsed = parseSettings(body.kind, body.config, body.credentials);
    let account: GitProviderRow['githubAccount'] = null;
    if (isGitHubKind(body.kind)) {
      const client = githubClient(body.kind, parsed.config, parsed.credentials);
      try {
        if (body.installationId !== undefined) account = await githubAccountOf(client, body.installationId);
      } finally {
        client.close();
      }
    } else {
      if (body.installationId !== undefined) throw new AppError('validation_failed', 'Only GitHub providers have an installation.', { field: 'installationId' });
      tokenProvider(body.kind as TokenProviderKind, parsed.config, parsed.credentials);
    }
    const id = newProviderId();
    // Encrypt first: it may create the workspace's data key, which must not wait on our transaction.
    const ct = await deps.crypto.encryptForWorkspace(ws.id, JSON.stringify(parsed.credentials), aadFor(id));
    const now = nowIso();
    const row: GitProviderRow = { id, workspaceId: ws.id, kind: body.kind, name: body.name, config: parsed.config, credentials: ct, installationId: body.installationId ?? null, githubAccount: account, githubLinkedBy: null, version: 1, createdBy: actorId, createdAt: now, updatedAt: now };
    try {
      await deps.store.transaction(async (tx) => {
        if (await repo.nameClash(tx, ws.id, body.name)) throw new AppError('already_exists', `A git provider named '${body.name}' already exists in this workspace.`, { field: 'name' });
        if (isGitHubKind(body.kind) && (await repo.githubOf(tx, ws.id))) throw rule11Error('', false);
        if (account) {
          const linked = await repo.accountLinkedTo(tx, account.key);
          if (linked) throw rule11Error(account.login, linked.workspaceId !== ws.id);
        }
        await repo.insert(tx, row);
        await deps.audit.record(tx, ctx, { workspaceId: ws.id, action: 'git_provider.create', targetType: 'git_provider', targetId: id, details: { name: row.name, kind: row.kind, ...(account ? { githubAccount: account.login } : {}) } });
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      mapUnique(e, account?.login ?? '');
    }
    return row;
  }

  async function update(p: GitProviderRow, patch: { name?: string; config?: Record<string, unknown>; credentials?: Record<string, string>; installationId?: number | null; expectedVersion?: number }, ctx: RequestContext) {
    const kind = p.kind as GitProviderKind;
    const oldCreds = patch.config !== undefined || patch.credentials !== undefined || patch.installationId !== undefined ? await decrypt(p) : undefined;
    const config = patch.config ?? p.config;
    const creds = patch.credentials ?? oldCreds;
    let parsed: ReturnType<typeof parseSettings> | undefined;
    if (patch.config !== undefined || patch.credentials !== undefined) parsed = parseSettings(kind, config, creds);
    let account: GitProviderRow['githubAccount'] | undefined;
    if (isGitHubKind(kind) && patch.installationId !== undefined) {
      if (patch.installationId === null) account = null;
      else {
        const client = githubClient(kind, parsed?.config ?? config, parsed?.credentials ?? creds);
        try {
          account = await githubAccountOf(client, patch.installationId);
        } finally {
          client.close();
        }
      }
    } else if (!isGitHubKind(kind) && parsed) tokenProvider(kind as TokenProviderKind, parsed.config, parsed.credentials);
    const ct = patch.credentials !== undefined ? await deps.crypto.encryptForWorkspace(p.workspaceId, JSON.stringify(parsed!.credentials), aadFor(p.id)) : undefined;
    try {
      await deps.store.transaction(async (tx) => {
        if (patch.name !== undefined && (await repo.nameClash(tx, p.workspaceId, patch.name, p.id))) throw new AppError('already_exists', `A git provider named '${patch.name}' already exists in this workspace.`, { field: 'name' });
        if (account) {
          const linked = await repo.accountLinkedTo(tx, account.key);
          if (linked && linked.id !== p.id) throw rule11Error(account.login, linked.workspaceId !== p.workspaceId);
        }
        const expected = patch.expectedVersion ?? p.version;
        // The same account again keeps who linked it; another (or none) forgets it.
        const githubLinkedBy = account !== undefined && account?.key === p.githubAccount?.key ? p.githubLinkedBy : undefined;
        const ok = await repo.update(tx, p.id, expected, { name: patch.name, config: parsed?.config, credentials: ct, installationId: patch.installationId, githubAccount: account, githubLinkedBy });
        if (!ok) throw new AppError('version_conflict', `Git provider '${p.name}' was changed by someone else. Reload it and apply your change again.`, { expectedVersion: expected });
        await deps.audit.record(tx, ctx, {
          workspaceId: p.workspaceId,
          action: 'git_provider.update',
          targetType: 'git_provider',
          targetId: p.id,
          details: { ...(patch.name !== undefined ? { name: patch.name } : {}), configChanged: patch.config !== undefined, credentialsChanged: patch.credentials !== undefined, ...(account !== undefined ? { githubAccount: account?.login ?? null } : {}) },
        });
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      mapUnique(e, account?.login ?? '');
    }
    return (await repo.get(p.id))!;
  }

  /** What a fetch of `repository` needs, credentials decrypted (or an installation token minted) just now. */
  async function gitAccess(providerId: string, repository: string): Promise<GitAccess> {
    const p = await repo.get(providerId);
    if (!p) throw notFound('Git provider', providerId);
    try {
      if (isGitHubKind(p.kind)) {
        if (p.installationId === null) throw new AppError('validation_failed', `Git provider '${p.name}' has no GitHub App installation yet: set its installationId.`, { providerId: p.id });
        const client = await clientFor(p);
        const remote = client.remoteFor(repository);
        const c = await client.gitCredentials(p.installationId, remote);
        return { remote, credentials: c.git, secrets: [c.password, c.authorization] };
      }
      const creds = await decrypt(p);
      const tp = tokenProvider(p.kind as TokenProviderKind, p.config, creds);
      const remote = tp.remoteFor(repository);
      const c = tp.credentials(remote);
      const secrets = [c.authorization, ...(c.git.kind === 'basic' ? [c.git.password] : c.git.kind === 'bearer' ? [c.git.token] : [])].filter((s): s is string => !!s);
      return { remote, credentials: c.git, secrets };
    } catch (e) {
      throw e instanceof GitProviderError ? providerErrorToAppError(e) : e;
    }
  }

  /** "Test": checks the credentials and says what is wrong, in the result rather than as an error. */
  async function test(p: GitProviderRow, repository?: string) {
    const checks: string[] = [];
    try {
      if (isGitHubKind(p.kind)) {
        const client = await clientFor(p);
        const r = await client.test(p.installationId !== null ? { installationId: p.installationId } : {});
        checks.push(...r.checks);
      } else if (!repository) {
        throw new AppError('validation_failed', 'Name a repository (group/project) to test: GitLab, Bitbucket and HTTPS tokens are checked by listing a repository’s refs.', { field: 'repository' });
      }
      if (repository) {
        const a = await gitAccess(p.id, repository);
        await testGitRemote(git, a.remote, a.credentials, { timeoutMs: 20_000 });
        checks.push(`git can read ${repository}`);
      }
      return { ok: true, checks, error: null };
    } catch (e) {
      const err = e instanceof GitProviderError ? providerErrorToAppError(e) : e instanceof GitConnectorError ? AppError.withStatus(e.code, 422, e.message, e.details) : e;
      if (err instanceof AppError && err.code !== 'internal') return { ok: false, checks, error: { code: String(err.code), message: err.message, details: err.details } };
      throw e;
    }
  }

  const load = async (caller: Caller, wsRef: string, id: string) => {
    const ws = await deps.workspaces.resolve(caller, wsRef);
    policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_assets);
    const p = await repo.get(id);
    if (!p || p.workspaceId !== ws.id) throw notFound('Git provider', id);
    return { ws, p };
  };
  const present = async (p: GitProviderRow) => view(p, (await repo.packageCounts(p.workspaceId)).get(p.id) ?? 0);
  const toAppError = (e: unknown) => (e instanceof GitProviderError ? providerErrorToAppError(e) : e);
  const linking = createGitHubLinking({ ...deps, clientFor, githubAccountOf, rule11Error, mapUnique, gate, toAppError }, opts);

  const api = {
    /** Providers are integration settings: admins see and manage them. */
    async list(caller: Caller, wsRef: string) {
      const ws = await deps.workspaces.resolve(caller, wsRef);
      const pr = policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_assets);
      const counts = await repo.packageCounts(ws.id);
      return { providers: await Promise.all((await repo.list(ws.id)).map((p) => view(p, counts.get(p.id) ?? 0))), allowedActions: policies.workspaceActions(pr.userId, ws.id) };
    },
    async create(caller: Caller, wsRef: string, body: Parameters<typeof create>[2]) {
      const ws = await deps.workspaces.resolve(caller, wsRef);
      const pr = policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_assets);
      return present(await create(ws, pr.userId, body, caller.ctx));
    },
    get: async (caller: Caller, wsRef: string, id: string) => present((await load(caller, wsRef, id)).p),
    async update(caller: Caller, wsRef: string, id: string, patch: Parameters<typeof update>[1]) {
      const { p } = await load(caller, wsRef, id);
      return present(await update(p, patch, caller.ctx));
    },
    async remove(caller: Caller, wsRef: string, id: string) {
      const { p } = await load(caller, wsRef, id);
      const n = (await repo.packageCounts(p.workspaceId)).get(p.id) ?? 0;
      if (n > 0) throw new AppError('conflict', `Git provider '${p.name}' is used by ${n} package(s): delete or move them first.`, { packageCount: n });
      await deps.store.transaction(async (tx) => {
        await repo.delete(tx, p.id);
        await deps.audit.record(tx, caller.ctx, { workspaceId: p.workspaceId, action: 'git_provider.delete', targetType: 'git_provider', targetId: p.id, details: { name: p.name, kind: p.kind } });
      });
      clients.get(p.id)?.client.close();
      clients.delete(p.id);
    },
    async test(caller: Caller, wsRef: string, id: string, body: { repository?: string }) {
      const { p } = await load(caller, wsRef, id);
      return test(p, body.repository);
    },
    /** The GitHub OAuth step (git-providers-github-link.ts): start, and the callback. */
    authorizeGitHub: linking.authorize,
    completeGitHubLink: linking.complete,
  };

  return {
    gitAccess,
    get: (id: string) => repo.get(id),
    git,
    api,
    close() {
      for (const { client } of clients.values()) client.close();
      clients.clear();
      git.close();
    },
  };
}

export type GitProvidersService = ReturnType<typeof createGitProvidersService>;
export type GitProvidersApi = GitProvidersService['api'];
