/**
 * The OAuth step of a GitHub provider (DESIGN.md "Git packages", rule 11): an admin signs in to
 * GitHub, which sends the browser back with a code; the code tells us the admin's GitHub account
 * and the installations of the App they can see, and one of those becomes the provider's
 * installation — and with it the GitHub account the workspace is linked to.
 *
 * The `state` is signed (key derived from the master key), names the workspace, provider, admin
 * and the installation asked for, and carries a nonce that the route keeps in an HttpOnly cookie:
 * a code from another browser, admin or workspace is refused before GitHub is called. The OAuth
 * user token lives inside `completeOAuth` only; nothing here stores or logs it, nor the code.
 */
import { WorkspaceAction } from '../../access/access-types.js';
import { createOAuthState, type GitHubAppClient, type GitHubInstallation, GitProviderError, readOAuthState } from '../../connectors/git-providers/git-providers.js';
import type { Caller } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { nowIso } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AuditService } from '../audit/audit-service.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import type { WorkspaceRow, WorkspacesService } from '../workspaces/workspaces-service.js';
import { type GitProviderRow, type GitProvidersRepository, isGitHubKind } from './git-providers-repository.js';

export interface GitHubLinkOptions {
  /** The HMAC key of OAuth states, derived from the master key (`githubOAuthStateKey`). Unset: linking is off. */
  oauthStateKey?: () => Buffer;
  /** How long a started sign-in stays valid (default 10 minutes). */
  oauthStateTtlMs?: number;
}

type Account = NonNullable<GitProviderRow['githubAccount']>;

export interface GitHubLinkDeps {
  store: Pick<Store, 'transaction'>;
  repo: GitProvidersRepository;
  workspaces: Pick<WorkspacesService, 'resolve'>;
  policies: Pick<AuthzPolicies, 'assertWorkspace'>;
  audit: Pick<AuditService, 'record'>;
  /** The provider service's own helpers, so both paths check rule 11 and plans the same way. */
  clientFor(p: GitProviderRow): Promise<GitHubAppClient>;
  githubAccountOf(client: GitHubAppClient, installationId: number): Promise<Account>;
  rule11Error(login: string, otherWorkspace: boolean): AppError;
  mapUnique(e: unknown, login: string): never;
  gate(ws: WorkspaceRow, kind: string): void;
  toAppError(e: unknown): unknown;
}

/** What the callback linked, for the redirect back to the console. */
export interface GitHubLinkResult {
  workspaceId: string;
  providerId: string;
  installationId: number;
  account: { login: string; id: number };
  linkedBy: { login: string; id: number };
}

const describeInstallation = (i: GitHubInstallation) => `${i.account?.login ?? 'unknown account'} (installation ${i.id})`;

export function createGitHubLinking(deps: GitHubLinkDeps, opts: GitHubLinkOptions) {
  const { repo } = deps;

  function stateKey(): Buffer {
    const key = opts.oauthStateKey?.();
    if (!key) {
      throw new AppError('service_unavailable', 'Linking a GitHub account is not set up on this server (no OAuth state key): ask the operator.', { reason: 'github_oauth_not_configured' });
    }
    return key;
  }

  /** Runs `fn`, turning the connector's errors into API errors. */
  async function mapped<T>(fn: () => Promise<T> | T): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw deps.toAppError(e);
    }
  }

  async function loadAdmin(caller: Caller, wsRef: string, id: string) {
    const ws = await deps.workspaces.resolve(caller, wsRef);
    const pr = deps.policies.assertWorkspace(caller, ws.id, WorkspaceAction.manage_assets);
    const p = await repo.get(id);
    if (!p || p.workspaceId !== ws.id) throw notFound('Git provider', id);
    deps.gate(ws, p.kind);
    if (!isGitHubKind(p.kind)) throw new AppError('validation_failed', `Git provider '${p.name}' is not a GitHub provider: only GitHub providers link a GitHub account.`, { reason: 'not_github' });
    return { ws, p, userId: pr.userId };
  }

  /**
   * The installation to use: the one asked for at the start (if the admin can see it), else the
   * only one; none → install the App first; several → say which, so the admin can start again
   * naming one.
   */
  async function chooseInstallation(client: GitHubAppClient, visible: GitHubInstallation[], requested: number | undefined): Promise<number> {
    if (requested !== undefined) {
      if (visible.some((i) => i.id === requested)) return requested;
      throw new AppError(
        'validation_failed',
        `Installation ${requested} of the App is not among the installations your GitHub account can access${visible.length ? ` (${visible.map(describeInstallation).join(', ')})` : ''}: choose one of those, or ask an owner of the account to give you access.`,
        { reason: 'installation_not_visible', installationId: requested, choices: visible.map((i) => ({ id: i.id, account: i.account?.login ?? null })) },
      );
    }
    if (visible.length === 1) return visible[0]!.id;
    if (visible.length === 0) {
      const installUrl = await client.installUrl().catch(() => null);
      throw new AppError(
        'validation_failed',
        `Your GitHub account can access no installation of this GitHub App: install the App on the account first${installUrl ? ` (${installUrl})` : ''}, then connect again.`,
        { reason: 'not_installed', ...(installUrl ? { installUrl } : {}) },
      );
    }
    throw new AppError(
      'validation_failed',
      `Your GitHub account can access several installations of this GitHub App: ${visible.map(describeInstallation).join(', ')}. Connect again and name the installation to use.`,
      { reason: 'installation_choice_needed', choices: visible.map((i) => ({ id: i.id, account: i.account?.login ?? null })) },
    );
  }

  return {
    /**
     * Starts linking: a signed state and the GitHub authorize URL. The caller (the route) keeps
     * `nonce` in an HttpOnly cookie for the callback; it never goes into a URL.
     */
    async authorize(caller: Caller, wsRef: string, id: string, body: { installationId?: number }, redirectUrl: string) {
      const { ws, p, userId } = await loadAdmin(caller, wsRef, id);
      const key = stateKey();
      const client = await mapped(() => deps.clientFor(p));
      const st = createOAuthState(key, { workspaceId: ws.id, userId, providerId: p.id, installationId: body.installationId, redirectUrl, ttlMs: opts.oauthStateTtlMs });
      const authorizeUrl = await mapped(() => client.authorizeUrl({ state: st.state, redirectUrl }));
      return { authorizeUrl, expiresAt: st.expiresAt.toISOString(), nonce: st.nonce };
    },

    /**
     * The callback: checks the session, the state and the nonce (no request to GitHub before
     * that), exchanges the code, chooses the installation, then links it under rule 11.
     */
    async complete(caller: Caller, input: { code?: string; state?: string; nonce?: string }): Promise<GitHubLinkResult> {
      const principal = caller.principal;
      if (!principal) throw new AppError('unauthenticated', 'Sign in to Atrium, then connect the GitHub account again from the workspace settings.');
      const key = stateKey();
      const claims = await mapped(() => readOAuthState(key, input.state));
      const refuse = (why: string) => new AppError('validation_failed', `The GitHub sign-in could not be verified (${why}): start connecting the GitHub account again from this workspace's settings.`, { reason: 'state_invalid' });
      if (!claims.providerId) throw refuse('it names no git provider');
      if (claims.userId !== principal.userId) throw refuse('it was started by another user');
      if (!input.nonce) throw refuse('this browser has no sign-in cookie: it was started in another browser, or took too long');
      const { ws, p } = await loadAdmin(caller, claims.workspaceId, claims.providerId);
      const client = await mapped(() => deps.clientFor(p));
      const oauth = await mapped(() =>
        client.completeOAuth({
          code: input.code ?? '',
          state: input.state ?? '',
          stateKey: key,
          expected: { workspaceId: ws.id, nonce: input.nonce!, userId: principal.userId, providerId: p.id },
          redirectUrl: claims.redirectUrl,
        }),
      );
      const installationId = await chooseInstallation(client, oauth.installations, claims.installationId);
      // Rule 11 on the installation's account, as GitHub tells the App (exactly as a typed installation id).
      const account = await deps.githubAccountOf(client, installationId);
      const linkedBy = { login: oauth.account.login, id: oauth.account.id, userId: principal.userId, at: nowIso() };
      try {
        await deps.store.transaction(async (tx) => {
          const cur = await repo.get(p.id, tx);
          if (!cur) throw notFound('Git provider', p.id);
          if (cur.githubAccount && cur.githubAccount.key !== account.key) {
            throw new AppError(
              'conflict',
              `This workspace is already connected to the GitHub account '${cur.githubAccount.login}'. A workspace connects at most one GitHub account: disconnect it first (clear the provider's installation), then connect '${account.login}'.`,
              { reason: 'workspace_has_github', account: cur.githubAccount.login },
            );
          }
          const linked = await repo.accountLinkedTo(tx, account.key);
          if (linked && linked.id !== p.id) throw deps.rule11Error(account.login, linked.workspaceId !== ws.id);
          const ok = await repo.update(tx, p.id, cur.version, { installationId, githubAccount: account, githubLinkedBy: linkedBy });
          if (!ok) throw new AppError('version_conflict', `Git provider '${p.name}' was changed meanwhile: connect the GitHub account again.`);
          await deps.audit.record(tx, caller.ctx, {
            workspaceId: ws.id,
            action: 'git_provider.link',
            targetType: 'git_provider',
            targetId: p.id,
            details: { name: p.name, githubAccount: account.login, installationId, linkedBy: oauth.account.login },
          });
        });
      } catch (e) {
        if (e instanceof AppError || e instanceof GitProviderError) throw deps.toAppError(e);
        deps.mapUnique(e, account.login);
      }
      return { workspaceId: ws.id, providerId: p.id, installationId, account: { login: account.login, id: account.id }, linkedBy: { login: oauth.account.login, id: oauth.account.id } };
    },
  };
}

export type GitHubLinking = ReturnType<typeof createGitHubLinking>;
