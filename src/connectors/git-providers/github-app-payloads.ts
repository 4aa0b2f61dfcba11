/**
 * The fields of GitHub's answers this client reads, and how they become this module's shapes.
 */
import type { GitHubInstallation, GitHubRepository } from './github-app-types.js';

/** The fields of GitHub's payloads this client reads (see @octokit/openapi-types for the full shapes). */
export interface InstallationPayload {
  id: number;
  app_id: number;
  account: { id: number; login?: string; slug?: string; type?: string } | null;
  repository_selection: string;
  suspended_at: string | null;
  html_url?: string;
}
export interface RepositoryPayload {
  id: number;
  name: string;
  full_name: string;
  owner?: { login: string };
  private: boolean;
  archived?: boolean;
  default_branch: string;
}
export interface AppPayload {
  id: number;
  slug?: string;
  name?: string;
  client_id?: string;
  html_url?: string;
  owner?: { login?: string } | null;
}

export function toInstallation(i: InstallationPayload): GitHubInstallation {
  const acc = i.account;
  return {
    id: i.id,
    appId: i.app_id,
    account: acc && typeof acc.id === 'number' ? { id: acc.id, login: String(acc.login ?? acc.slug ?? ''), type: String(acc.type ?? 'Enterprise') } : null,
    repositorySelection: i.repository_selection === 'selected' ? 'selected' : 'all',
    suspended: i.suspended_at != null,
    htmlUrl: String(i.html_url ?? ''),
  };
}

/** `remoteFor` builds the clone URL from the client's git base URL, never from the API's `clone_url`. */
export function toRepository(r: RepositoryPayload, remoteFor: (fullName: string) => string): GitHubRepository {
  return {
    id: r.id,
    name: r.name,
    fullName: r.full_name,
    owner: r.owner?.login ?? r.full_name.split('/')[0]!,
    private: r.private === true,
    archived: r.archived === true,
    defaultBranch: r.default_branch,
    cloneUrl: remoteFor(r.full_name),
  };
}

/** The page number of a `Link` header's rel="next", or null on the last page. */
export function nextPageOf(link: string | undefined): number | null {
  const m = link ? /<([^>]+)>;\s*rel="next"/.exec(link) : null;
  if (!m) return null;
  try {
    const n = Number(new URL(m[1]!).searchParams.get('page'));
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}
