/**
 * The GitHub contract server's response bodies (test support): recorded @octokit/fixtures objects
 * moved onto this server and its names, and bodies typed with GitHub's OpenAPI description for
 * the endpoints no fixture recorded (see github-contract-server.ts for where each comes from).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type {
  ContractAccount,
  ContractInstallation,
  ContractRepository,
  ContractState,
  ContractUser,
  Schemas,
} from './github-contract-types.js';

const FIXTURE_ORG = 'octokit-fixture-org';
const FIXTURE_REPO = `${FIXTURE_ORG}/hello-world`;

interface RecordedFixture {
  method: string;
  path: string;
  status: number;
  response: unknown;
  headers: Record<string, string | number>;
}

function loadScenario(name: string): RecordedFixture[] {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@octokit/fixtures/package.json'));
  return JSON.parse(readFileSync(path.join(dir, 'scenarios', 'api.github.com', name, 'normalized-fixture.json'), 'utf8')) as RecordedFixture[];
}

interface Recorded {
  root: Record<string, string>;
  repository: Record<string, unknown> & { owner: Record<string, unknown> };
  headers: Record<string, string>;
}

let recorded: Recorded | null = null;
function fixtures(): Recorded {
  if (recorded) return recorded;
  const root = loadScenario('get-root')[0]!;
  const repo = loadScenario('get-repository').find((f) => f.method === 'get' && f.path === `/repos/${FIXTURE_REPO}`)!;
  // The recorded response headers that describe GitHub's API, not the one recorded exchange.
  const keep = ['content-type', 'x-github-media-type', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used', 'x-ratelimit-resource', 'x-content-type-options', 'x-frame-options'];
  const headers: Record<string, string> = {};
  for (const k of keep) if (root.headers[k] !== undefined) headers[k] = String(root.headers[k]);
  recorded = { root: root.response as Record<string, string>, repository: repo.response as Recorded['repository'], headers };
  return recorded;
}

/** Moves a recorded object onto this server and these names: the recorded URLs, ids and names replaced. */
export function rebase<T>(value: T, from: [string, string][], apiBase: string, webBase: string): T {
  let text = JSON.stringify(value);
  for (const [a, b] of from) text = text.split(a).join(b);
  text = text.split('https://api.github.com').join(apiBase).split('https://github.com').join(webBase);
  return JSON.parse(text) as T;
}


/** Timestamps of everything this server makes. */
const created = '2024-01-01T00:00:00Z';

export type ContractBodies = ReturnType<typeof createContractBodies>;

export function createContractBodies(state: ContractState) {
  const rec = fixtures();
  const { apps, installations } = state;
  const apiBase = (enterprise: boolean): string => (enterprise ? `${state.origin}/api/v3` : state.origin);

  function simpleUser(a: ContractAccount, enterprise: boolean): Schemas['simple-user'] {
    // The recorded owner object of get-repository, moved onto this account.
    const owner = rebase(rec.repository.owner, [[`/u/1000?`, `/u/${a.id}?`], [FIXTURE_ORG, a.login]], apiBase(enterprise), state.origin) as unknown as Schemas['simple-user'];
    return { ...owner, id: a.id, login: a.login, type: a.type, node_id: Buffer.from(`04:${a.type}${a.id}`).toString('base64') };
  }

  function repository(r: ContractRepository, enterprise: boolean): Record<string, unknown> {
    const [owner] = r.fullName.split('/') as [string, string];
    const ownerAccount =
      [...installations.values()].map((i) => i.account).find((a) => a.login.toLowerCase() === owner.toLowerCase()) ??
      ({ id: 1000, login: owner, type: 'Organization' } satisfies ContractAccount);
    const base = rebase(rec.repository, [[FIXTURE_REPO, r.fullName], [FIXTURE_ORG, owner]], apiBase(enterprise), state.origin);
    return {
      ...base,
      id: r.id,
      node_id: Buffer.from(`010:Repository${r.id}`).toString('base64'),
      name: r.fullName.split('/')[1],
      full_name: r.fullName,
      private: r.private ?? true,
      visibility: r.private === false ? 'public' : 'private',
      default_branch: r.defaultBranch ?? 'main',
      owner: simpleUser(ownerAccount, enterprise),
      // The recorded organization object is the owner's.
      ...('organization' in base ? { organization: simpleUser(ownerAccount, enterprise) } : {}),
    };
  }

  function installation(i: ContractInstallation, enterprise: boolean): Schemas['installation'] {
    const app = apps.get(i.appId)!;
    return {
      id: i.id,
      account: simpleUser(i.account, enterprise),
      repository_selection: i.repositorySelection ?? 'selected',
      access_tokens_url: `${apiBase(enterprise)}/app/installations/${i.id}/access_tokens`,
      repositories_url: `${apiBase(enterprise)}/installation/repositories`,
      html_url: `${state.origin}/${i.account.type === 'Organization' ? `organizations/${i.account.login}/settings` : 'settings'}/installations/${i.id}`,
      app_id: i.appId,
      client_id: app.clientId,
      target_id: i.account.id,
      target_type: i.account.type,
      permissions: { contents: 'read', metadata: 'read' },
      events: [],
      created_at: created,
      updated_at: created,
      single_file_name: null,
      app_slug: app.slug,
      suspended_by: i.suspended ? simpleUser(i.account, enterprise) : null,
      suspended_at: i.suspended ? created : null,
    };
  }

  function integration(appId: number, enterprise: boolean): NonNullable<Schemas['integration']> {
    const app = apps.get(appId)!;
    return {
      id: app.id,
      slug: app.slug,
      node_id: Buffer.from(`03:Integration${app.id}`).toString('base64'),
      client_id: app.clientId,
      owner: simpleUser(app.owner, enterprise),
      name: app.name,
      description: null,
      external_url: `${state.origin}/apps/${app.slug}`,
      html_url: `${state.origin}/apps/${app.slug}`,
      created_at: created,
      updated_at: created,
      permissions: { contents: 'read', metadata: 'read' },
      events: [],
      installations_count: [...installations.values()].filter((i) => i.appId === appId).length,
    };
  }

  function privateUser(u: ContractUser, enterprise: boolean): Schemas['private-user'] {
    return {
      ...simpleUser(u, enterprise),
      name: null,
      company: null,
      blog: null,
      location: null,
      email: null,
      hireable: null,
      bio: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: created,
      updated_at: created,
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
    };
  }

  /** `page`/`per_page` as GitHub reads them (per_page 30 by default, at most 100), and the recorded Link header. */
  function paginate<T>(items: T[], url: URL, base: string): { page: T[]; link: string | null } {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const at = (p: number): string => {
      const u = new URL(`${base}${url.pathname.replace(/^\/api\/v3/, '')}`);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return `<${u.toString()}>`;
    };
    // Order as recorded (paginate-issues): prev, next, last, first.
    const rels: string[] = [];
    if (page > 1) rels.push(`${at(page - 1)}; rel="prev"`);
    if (page < last) rels.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    if (page > 1) rels.push(`${at(1)}; rel="first"`);
    return { page: items.slice((page - 1) * perPage, page * perPage), link: rels.length ? rels.join(', ') : null };
  }

  return { rec, apiBase, simpleUser, repository, installation, integration, privateUser, paginate };
}
