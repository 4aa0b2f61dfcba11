/**
 * A local stand-in for the GitHub endpoints the GitHub App client uses, for tests. It follows
 * GitHub's published API description and what `@octokit/fixtures` recorded from the real API,
 * and checks what GitHub checks: the app JWT's RS256 signature against the app's public key and
 * its `iat`/`exp`, installation tokens with an `expires_at`, user tokens from the OAuth code
 * exchange. Bound to 127.0.0.1 only. Test support: nothing in production imports it.
 *
 * Where each shape comes from (no field is made up):
 * - Recorded by @octokit/fixtures and replayed here: the root document (`get-root`), a repository
 *   (`get-repository`: fields, owner object, URLs), the `Link` header of paged lists
 *   (`paginate-issues`), the 301 of a renamed repository (`rename-repository`), the GitHub
 *   response headers (`x-github-media-type`, `x-github-request-id`, rate-limit headers) and the
 *   error body shape `{ message, documentation_url }` (`errors`, `branch-protection`).
 * - Not recorded by @octokit/fixtures 23 (it has no app, installation, OAuth or user scenarios):
 *   GET /app, GET /app/installations[/{id}], POST /app/installations/{id}/access_tokens,
 *   GET /installation/repositories, GET /user, GET /user/installations. Their bodies are typed
 *   with GitHub's OpenAPI description (`@octokit/openapi-types`: `integration`, `installation`,
 *   `installation-token`, `private-user`), so the compiler refuses a missing or invented field;
 *   user/owner objects reuse the recorded owner object of `get-repository`.
 * - Error texts GitHub sends that no fixture holds, as quoted by octokit and in GitHub's issue
 *   threads: "A JSON web token could not be decoded" (401, wrong key or app id), the JWT claim
 *   messages `@octokit/auth-app` matches on for clock skew (401), "Bad credentials" (401),
 *   "This installation has been suspended" (403), "Resource not accessible by integration" (403).
 * - The OAuth web flow (`/login/oauth/access_token`) is outside the REST description: its
 *   answers (200 with `access_token`, `expires_in`, `refresh_token`, `refresh_token_expires_in`,
 *   `scope`, `token_type`, or 200 with `error`/`error_description`/`error_uri` such as
 *   `incorrect_client_credentials` and `bad_verification_code`) follow GitHub's documentation of
 *   user access tokens for GitHub Apps and what `@octokit/oauth-methods` parses.
 *
 * The API is served at `/` (github.com style) and at `/api/v3` (GitHub Enterprise Server style);
 * the OAuth pages at `/login/oauth/…` of the same origin.
 */
import { createPublicKey, randomBytes, randomInt, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { components } from '@octokit/openapi-types';

type Schemas = components['schemas'];

export interface ContractApp {
  id: number;
  slug: string;
  name: string;
  /** The PEM of the app's private key, or its public key: only the public half is used. */
  key: string;
  clientId: string;
  clientSecret: string;
  owner: ContractAccount;
}

export interface ContractAccount {
  id: number;
  login: string;
  type: 'User' | 'Organization';
}

export interface ContractInstallation {
  id: number;
  appId: number;
  account: ContractAccount;
  /** `owner/name` of the repositories the installation was given. */
  repositories: string[];
  repositorySelection?: 'all' | 'selected';
  suspended?: boolean;
}

export interface ContractRepository {
  id: number;
  fullName: string;
  /** Names it had before a rename or transfer: GET /repos/{old} answers 301, as recorded. */
  previousNames?: string[];
  private?: boolean;
  defaultBranch?: string;
}

export interface ContractUser extends ContractAccount {
  /** Installations this user can access (as listed by GET /user/installations). */
  installationIds: number[];
}

export interface ContractRequest {
  method: string;
  /** Path without the `/api/v3` prefix or the query. */
  path: string;
  enterprise: boolean;
  /** How the request authenticated (never the credential). */
  auth: 'jwt' | 'installation-token' | 'user-token' | 'client-credentials' | 'none' | 'refused';
  status: number;
}

export interface GitHubContractServerOptions {
  apps: ContractApp[];
  installations: ContractInstallation[];
  repositories: ContractRepository[];
  users?: ContractUser[];
  /** Lifetime of installation tokens in seconds (GitHub: 3600). */
  installationTokenLifetimeSec?: number;
  /** Called with every installation token issued, e.g. to let a local git server accept it. */
  onInstallationToken?: (token: string, installation: ContractInstallation, expiresAt: Date) => void;
  port?: number;
}

export interface GitHubContractServer {
  /** `http://127.0.0.1:PORT`: the web origin, and the github.com-style API base. */
  url: string;
  /** `http://127.0.0.1:PORT/api/v3`: the GitHub Enterprise Server-style API base. */
  enterpriseApiUrl: string;
  readonly requests: ContractRequest[];
  /** Every token, refresh token and code this server issued: what a leak scan looks for. */
  readonly issued: string[];
  /**
   * What GitHub does when the signed-in `login` approves the app on the page at `authorizeUrl`:
   * returns the callback URL (`redirect_uri` or the app's) with `code` and `state`. Throws when
   * the URL is not this server's authorize page or names an unknown client.
   */
  approve(authorizeUrl: string, login: string): string;
  setInstallationTokenLifetime(seconds: number): void;
  setSuspended(installationId: number, suspended: boolean): void;
  /** Revokes an installation token before its expiry (as DELETE /installation/token would). */
  revokeInstallationToken(token: string): void;
  close(): Promise<void>;
}

// ---- Recorded fixtures -------------------------------------------------------------------------

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
function rebase<T>(value: T, from: [string, string][], apiBase: string, webBase: string): T {
  let text = JSON.stringify(value);
  for (const [a, b] of from) text = text.split(a).join(b);
  text = text.split('https://api.github.com').join(apiBase).split('https://github.com').join(webBase);
  return JSON.parse(text) as T;
}

// ---- The server --------------------------------------------------------------------------------

const DOCS = 'https://docs.github.com/rest';
const JWT_DECODE = 'A JSON web token could not be decoded';
const EXP_INVALID = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const IAT_INVALID = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

interface IssuedToken {
  kind: 'installation' | 'user';
  installationId?: number;
  userId?: number;
  appId: number;
  expiresAt: number;
}

interface IssuedCode {
  appId: number;
  userId: number;
  redirectUri: string | null;
  expiresAt: number;
}

/** A token of varying length and alphabet, unlike GitHub's: the client must assume no format. */
function tokenText(prefix: string): string {
  return `${prefix}${randomBytes(randomInt(24, 72)).toString('base64url')}`;
}

export async function startGitHubContractServer(options: GitHubContractServerOptions): Promise<GitHubContractServer> {
  const rec = fixtures();
  const apps = new Map(options.apps.map((a) => [a.id, { ...a, publicKey: createPublicKey(a.key) as KeyObject }]));
  const installations = new Map(options.installations.map((i) => [i.id, { ...i }]));
  const repositories = new Map(options.repositories.map((r) => [r.fullName.toLowerCase(), r]));
  const users = new Map((options.users ?? []).map((u) => [u.login.toLowerCase(), u]));
  const tokens = new Map<string, IssuedToken>();
  const codes = new Map<string, IssuedCode>();
  const requests: ContractRequest[] = [];
  const issued: string[] = [];
  let tokenLifetime = options.installationTokenLifetimeSec ?? 3600;
  let origin = '';
  const created = '2024-01-01T00:00:00Z';

  const newToken = (prefix: string): string => {
    const t = tokenText(prefix);
    issued.push(t);
    return t;
  };
  const apiBase = (enterprise: boolean): string => (enterprise ? `${origin}/api/v3` : origin);

  function simpleUser(a: ContractAccount, enterprise: boolean): Schemas['simple-user'] {
    // The recorded owner object of get-repository, moved onto this account.
    const owner = rebase(rec.repository.owner, [[`/u/1000?`, `/u/${a.id}?`], [FIXTURE_ORG, a.login]], apiBase(enterprise), origin) as unknown as Schemas['simple-user'];
    return { ...owner, id: a.id, login: a.login, type: a.type, node_id: Buffer.from(`04:${a.type}${a.id}`).toString('base64') };
  }

  function repository(r: ContractRepository, enterprise: boolean): Record<string, unknown> {
    const [owner] = r.fullName.split('/') as [string, string];
    const ownerAccount =
      [...installations.values()].map((i) => i.account).find((a) => a.login.toLowerCase() === owner.toLowerCase()) ??
      ({ id: 1000, login: owner, type: 'Organization' } satisfies ContractAccount);
    const base = rebase(rec.repository, [[FIXTURE_REPO, r.fullName], [FIXTURE_ORG, owner]], apiBase(enterprise), origin);
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
      html_url: `${origin}/${i.account.type === 'Organization' ? `organizations/${i.account.login}/settings` : 'settings'}/installations/${i.id}`,
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
      external_url: `${origin}/apps/${app.slug}`,
      html_url: `${origin}/apps/${app.slug}`,
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

  type Auth =
    | { kind: 'jwt'; appId: number }
    | { kind: 'installation-token'; installationId: number; appId: number }
    | { kind: 'user-token'; userId: number; appId: number }
    | { kind: 'none' }
    | { kind: 'refused'; status: number; message: string };

  function verifyJwt(jwt: string): Auth {
    const refuse = (message: string): Auth => ({ kind: 'refused', status: 401, message });
    const parts = jwt.split('.');
    if (parts.length !== 3) return refuse(JWT_DECODE);
    let header: { alg?: unknown };
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return refuse(JWT_DECODE);
    }
    if (header.alg !== 'RS256') return refuse(JWT_DECODE);
    // `iss` is the app id (GitHub also takes the client id).
    const app = [...apps.values()].find((a) => String(a.id) === String(claims.iss) || a.clientId === claims.iss);
    if (!app) return refuse(JWT_DECODE);
    const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), app.publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!signed) return refuse(JWT_DECODE);
    const now = Math.floor(Date.now() / 1000);
    // GitHub: iat in the past (a minute of drift tolerated), exp at most ten minutes ahead.
    if (typeof claims.iat !== 'number' || !Number.isInteger(claims.iat) || claims.iat > now + 60) return refuse(IAT_INVALID);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return refuse(EXP_INVALID);
    if (claims.exp > now + 600) return refuse(EXP_TOO_FAR);
    return { kind: 'jwt', appId: app.id };
  }

  function authenticate(req: http.IncomingMessage, wantJwt: boolean): Auth {
    const h = req.headers.authorization;
    if (!h) return { kind: 'none' };
    const m = /^(bearer|token)\s+(\S+)$/i.exec(h.trim());
    if (!m) return { kind: 'refused', status: 401, message: 'Bad credentials' };
    const value = m[2]!;
    if (wantJwt) return m[1]!.toLowerCase() === 'bearer' ? verifyJwt(value) : { kind: 'refused', status: 401, message: JWT_DECODE };
    const t = tokens.get(value);
    if (!t || t.expiresAt <= Date.now()) return { kind: 'refused', status: 401, message: 'Bad credentials' };
    if (t.kind === 'installation') {
      const inst = installations.get(t.installationId!);
      if (!inst) return { kind: 'refused', status: 401, message: 'Bad credentials' };
      if (inst.suspended) return { kind: 'refused', status: 403, message: 'This installation has been suspended' };
      return { kind: 'installation-token', installationId: t.installationId!, appId: t.appId };
    }
    return { kind: 'user-token', userId: t.userId!, appId: t.appId };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const enterprise = url.pathname === '/api/v3' || url.pathname.startsWith('/api/v3/');
    const p = enterprise ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname;
    const record: ContractRequest = { method: req.method ?? 'GET', path: p, enterprise, auth: 'none', status: 0 };
    requests.push(record);
    const base = apiBase(enterprise);

    const send = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      record.status = status;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...rec.headers,
        'x-github-request-id': `${randomBytes(2).toString('hex').toUpperCase()}:${randomBytes(3).toString('hex').toUpperCase()}`,
        ...extra,
        'content-length': String(Buffer.byteLength(text)),
      });
      res.end(text);
    };
    const fail = (status: number, message: string): void => send(status, { message, documentation_url: DOCS });
    const refused = (a: Auth): a is Extract<Auth, { kind: 'refused' }> => {
      if (a.kind !== 'refused') return false;
      record.auth = 'refused';
      fail(a.status, a.message);
      return true;
    };

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        route(Buffer.concat(chunks).toString('utf8'));
      } catch {
        fail(500, 'Server Error');
      }
    });

    function route(rawBody: string): void {
      const method = req.method ?? 'GET';
      let m: RegExpExecArray | null;

      // The OAuth web flow lives on the web host, outside /api/v3.
      if (!enterprise && p === '/login/oauth/access_token' && method === 'POST') return exchangeCode(rawBody);

      if (p === '/' && method === 'GET') return send(200, rebase(rec.root, [], base, origin));

      if (p === '/app' && method === 'GET') {
        const a = authenticate(req, true);
        if (refused(a)) return;
        if (a.kind !== 'jwt') return fail(401, JWT_DECODE);
        record.auth = 'jwt';
        return send(200, integration(a.appId, enterprise));
      }
      if (p === '/app/installations' && method === 'GET') {
        const a = authenticate(req, true);
        if (refused(a)) return;
        if (a.kind !== 'jwt') return fail(401, JWT_DECODE);
        record.auth = 'jwt';
        const list = [...installations.values()].filter((i) => i.appId === a.appId).map((i) => installation(i, enterprise));
        const { page, link } = paginate(list, url, base);
        return send(200, page, link ? { link } : {});
      }
      if ((m = /^\/app\/installations\/(\d+)$/.exec(p)) && method === 'GET') {
        const a = authenticate(req, true);
        if (refused(a)) return;
        if (a.kind !== 'jwt') return fail(401, JWT_DECODE);
        record.auth = 'jwt';
        const inst = installations.get(Number(m[1]));
        if (!inst || inst.appId !== a.appId) return fail(404, 'Not Found');
        return send(200, installation(inst, enterprise));
      }
      if ((m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(p)) && method === 'POST') {
        const a = authenticate(req, true);
        if (refused(a)) return;
        if (a.kind !== 'jwt') return fail(401, JWT_DECODE);
        record.auth = 'jwt';
        const inst = installations.get(Number(m[1]));
        if (!inst || inst.appId !== a.appId) return fail(404, 'Not Found');
        if (inst.suspended) return fail(403, 'This installation has been suspended');
        const token = newToken('ghs_');
        const expiresAt = new Date(Date.now() + tokenLifetime * 1000);
        tokens.set(token, { kind: 'installation', installationId: inst.id, appId: inst.appId, expiresAt: expiresAt.getTime() });
        options.onInstallationToken?.(token, inst, expiresAt);
        const body: Schemas['installation-token'] = {
          token,
          // GitHub's timestamps have no milliseconds.
          expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          permissions: { contents: 'read', metadata: 'read' },
          repository_selection: inst.repositorySelection ?? 'selected',
        };
        return send(201, body);
      }
      if (p === '/installation/repositories' && method === 'GET') {
        const a = authenticate(req, false);
        if (refused(a)) return;
        if (a.kind !== 'installation-token') return fail(a.kind === 'none' ? 401 : 403, a.kind === 'none' ? 'Requires authentication' : 'Resource not accessible by integration');
        record.auth = 'installation-token';
        const inst = installations.get(a.installationId)!;
        const list = inst.repositories.map((n) => repositories.get(n.toLowerCase())).filter((r): r is ContractRepository => !!r).map((r) => repository(r, enterprise));
        const { page, link } = paginate(list, url, base);
        return send(200, { total_count: list.length, repositories: page, repository_selection: inst.repositorySelection ?? 'selected' }, link ? { link } : {});
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(p)) && method === 'GET') {
        const a = authenticate(req, false);
        if (refused(a)) return;
        const full = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`.toLowerCase();
        const moved = [...repositories.values()].find((x) => x.previousNames?.some((n) => n.toLowerCase() === full));
        if (moved) {
          // As recorded (rename-repository): 301, the new location by id, GitHub's redirect docs.
          const location = `${base}/repositories/${moved.id}`;
          return send(301, { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/v3/#http-redirects' }, { location });
        }
        const r = repositories.get(full);
        // GitHub answers 404, not 403, for a private repository the caller cannot see.
        const visible =
          r &&
          (r.private === false ||
            (a.kind === 'installation-token' && installations.get(a.installationId)!.repositories.some((n) => n.toLowerCase() === full)));
        if (a.kind === 'installation-token') record.auth = 'installation-token';
        if (!r || !visible) return fail(404, 'Not Found');
        return send(200, repository(r, enterprise));
      }
      if (p === '/user' && method === 'GET') {
        const a = authenticate(req, false);
        if (refused(a)) return;
        if (a.kind === 'none') return fail(401, 'Requires authentication');
        if (a.kind !== 'user-token') return fail(403, 'Resource not accessible by integration');
        record.auth = 'user-token';
        const u = [...users.values()].find((x) => x.id === a.userId)!;
        return send(200, privateUser(u, enterprise));
      }
      if (p === '/user/installations' && method === 'GET') {
        const a = authenticate(req, false);
        if (refused(a)) return;
        if (a.kind === 'none') return fail(401, 'Requires authentication');
        if (a.kind !== 'user-token') return fail(403, 'Resource not accessible by integration');
        record.auth = 'user-token';
        const u = [...users.values()].find((x) => x.id === a.userId)!;
        // Only this app's installations that the user can access.
        const list = u.installationIds
          .map((id) => installations.get(id))
          .filter((i): i is ContractInstallation => !!i && i.appId === a.appId)
          .map((i) => installation(i, enterprise));
        const { page, link } = paginate(list, url, base);
        const body: { total_count: number; installations: Schemas['installation'][] } = { total_count: list.length, installations: page };
        return send(200, body, link ? { link } : {});
      }
      return fail(404, 'Not Found');
    }

    function exchangeCode(rawBody: string): void {
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      let params: Record<string, unknown> = {};
      try {
        params = type.includes('application/json') ? (JSON.parse(rawBody || '{}') as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(rawBody));
      } catch {
        params = {};
      }
      const oauthError = (error: string, description: string, anchor: string): void =>
        send(200, {
          error,
          error_description: description,
          error_uri: `https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#${anchor}`,
        });
      const app = [...apps.values()].find((a) => a.clientId === params.client_id);
      if (!app || app.clientSecret !== params.client_secret) {
        record.auth = 'refused';
        return oauthError('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.', 'incorrect-client-credentials');
      }
      record.auth = 'client-credentials';
      const code = typeof params.code === 'string' ? codes.get(params.code) : undefined;
      if (!code || code.appId !== app.id || code.expiresAt <= Date.now()) {
        return oauthError('bad_verification_code', 'The code passed is incorrect or expired.', 'bad-verification-code');
      }
      if (code.redirectUri && params.redirect_uri !== undefined && params.redirect_uri !== code.redirectUri) {
        return oauthError('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.', 'redirect-uri-mismatch');
      }
      codes.delete(params.code as string); // a code is good once
      const token = newToken('ghu_');
      tokens.set(token, { kind: 'user', userId: code.userId, appId: app.id, expiresAt: Date.now() + 8 * 3600_000 });
      return send(200, {
        access_token: token,
        expires_in: 28800,
        refresh_token: newToken('ghr_'),
        refresh_token_expires_in: 15811200,
        scope: '',
        token_type: 'bearer',
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    enterpriseApiUrl: `${origin}/api/v3`,
    requests,
    issued,
    approve(authorizeUrl, login) {
      const u = new URL(authorizeUrl);
      if (u.origin !== origin || u.pathname !== '/login/oauth/authorize') throw new Error(`not this server's authorize page: ${u.origin}${u.pathname}`);
      const app = [...apps.values()].find((a) => a.clientId === u.searchParams.get('client_id'));
      if (!app) throw new Error('unknown client_id');
      const user = users.get(login.toLowerCase());
      if (!user) throw new Error(`unknown user ${login}`);
      const redirectUri = u.searchParams.get('redirect_uri');
      const code = randomBytes(10).toString('hex');
      issued.push(code);
      codes.set(code, { appId: app.id, userId: user.id, redirectUri, expiresAt: Date.now() + 10 * 60_000 });
      const back = new URL(redirectUri ?? `https://atrium.invalid/callback`);
      back.searchParams.set('code', code);
      const state = u.searchParams.get('state');
      if (state !== null) back.searchParams.set('state', state);
      return back.toString();
    },
    setInstallationTokenLifetime(seconds) {
      tokenLifetime = seconds;
    },
    setSuspended(installationId, suspended) {
      const i = installations.get(installationId);
      if (!i) throw new Error(`unknown installation ${installationId}`);
      i.suspended = suspended;
    },
    revokeInstallationToken(token) {
      tokens.delete(token);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
