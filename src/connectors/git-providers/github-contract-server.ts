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
 *
 * `GET /login/oauth/authorize` is the contract's shortcut for GitHub's sign-in and consent pages:
 * when a test has signed a user in (`signIn(login)`), it answers at once with GitHub's 302 to
 * `redirect_uri?code=…&state=…`, as if that user had approved the app; with nobody signed in it
 * answers 401. A browser test can so go through the whole OAuth web flow.
 */
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContractAuth, JWT_DECODE, tokenText, type Auth } from './github-contract-auth.js';
import { createContractBodies, rebase } from './github-contract-bodies.js';
import type {
  ContractInstallation,
  ContractRepository,
  ContractRequest,
  ContractState,
  ContractUser,
  GitHubContractServer,
  GitHubContractServerOptions,
  Schemas,
} from './github-contract-types.js';

export type {
  ContractAccount,
  ContractApp,
  ContractInstallation,
  ContractRepository,
  ContractRequest,
  ContractUser,
  GitHubContractServer,
  GitHubContractServerOptions,
} from './github-contract-types.js';

const DOCS = 'https://docs.github.com/rest';

export async function startGitHubContractServer(options: GitHubContractServerOptions): Promise<GitHubContractServer> {
  const state: ContractState = {
    apps: new Map(options.apps.map((a) => [a.id, { ...a, publicKey: createPublicKey(a.key) as KeyObject }])),
    installations: new Map(options.installations.map((i) => [i.id, { ...i }])),
    repositories: new Map(options.repositories.map((r) => [r.fullName.toLowerCase(), r])),
    users: new Map((options.users ?? []).map((u) => [u.login.toLowerCase(), u])),
    tokens: new Map(),
    codes: new Map(),
    origin: '',
  };
  const { apps, installations, repositories, users, tokens, codes } = state;
  const { rec, apiBase, repository, installation, integration, privateUser, paginate } = createContractBodies(state);
  const { authenticate } = createContractAuth(state);
  const requests: ContractRequest[] = [];
  const issued: string[] = [];
  let tokenLifetime = options.installationTokenLifetimeSec ?? 3600;
  /** Who is signed in to "GitHub" in the browser, for GET /login/oauth/authorize. */
  let signedIn: string | null = null;

  /** GitHub's answer to an approval: the callback URL with a fresh code (and the state, unchanged). */
  function consent(authorizeUrl: string, login: string): string {
    const u = new URL(authorizeUrl);
    if (u.origin !== state.origin || u.pathname !== '/login/oauth/authorize') throw new Error(`not this server's authorize page: ${u.origin}${u.pathname}`);
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
    const oauthState = u.searchParams.get('state');
    if (oauthState !== null) back.searchParams.set('state', oauthState);
    return back.toString();
  }

  const newToken = (prefix: string): string => {
    const t = tokenText(prefix);
    issued.push(t);
    return t;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', state.origin);
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

    /** The app whose JWT signed the request; null once the refusal has been sent. */
    const appFromJwt = (): { appId: number } | null => {
      const a = authenticate(req, true);
      if (refused(a)) return null;
      if (a.kind !== 'jwt') {
        fail(401, JWT_DECODE);
        return null;
      }
      record.auth = 'jwt';
      return a;
    };
    /** The user whose token came with the request; null once the refusal has been sent. */
    const userFromToken = (): { appId: number; user: ContractUser } | null => {
      const a = authenticate(req, false);
      if (refused(a)) return null;
      if (a.kind !== 'user-token') {
        fail(a.kind === 'none' ? 401 : 403, a.kind === 'none' ? 'Requires authentication' : 'Resource not accessible by integration');
        return null;
      }
      record.auth = 'user-token';
      return { appId: a.appId, user: [...users.values()].find((x) => x.id === a.userId)! };
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
      if (!enterprise && p === '/login/oauth/authorize' && method === 'GET') return authorizePage();

      if (p === '/' && method === 'GET') return send(200, rebase(rec.root, [], base, state.origin));

      if (p === '/app' && method === 'GET') {
        const a = appFromJwt();
        if (!a) return;
        return send(200, integration(a.appId, enterprise));
      }
      if (p === '/app/installations' && method === 'GET') {
        const a = appFromJwt();
        if (!a) return;
        const list = [...installations.values()].filter((i) => i.appId === a.appId).map((i) => installation(i, enterprise));
        const { page, link } = paginate(list, url, base);
        return send(200, page, link ? { link } : {});
      }
      if ((m = /^\/app\/installations\/(\d+)$/.exec(p)) && method === 'GET') {
        const a = appFromJwt();
        if (!a) return;
        const inst = installations.get(Number(m[1]));
        if (!inst || inst.appId !== a.appId) return fail(404, 'Not Found');
        return send(200, installation(inst, enterprise));
      }
      if ((m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(p)) && method === 'POST') {
        const a = appFromJwt();
        if (!a) return;
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
        const a = userFromToken();
        if (!a) return;
        return send(200, privateUser(a.user, enterprise));
      }
      if (p === '/user/installations' && method === 'GET') {
        const a = userFromToken();
        if (!a) return;
        // Only this app's installations that the user can access.
        const list = a.user.installationIds
          .map((id) => installations.get(id))
          .filter((i): i is ContractInstallation => !!i && i.appId === a.appId)
          .map((i) => installation(i, enterprise));
        const { page, link } = paginate(list, url, base);
        const body: { total_count: number; installations: Schemas['installation'][] } = { total_count: list.length, installations: page };
        return send(200, body, link ? { link } : {});
      }
      return fail(404, 'Not Found');
    }

    /** The shortcut for GitHub's consent page (header comment): a 302 back, or a plain-text refusal. */
    function authorizePage(): void {
      const text = (status: number, body: string): void => {
        record.status = status;
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(body);
      };
      if (!signedIn) return text(401, 'Nobody is signed in to the contract server (signIn(login)).');
      let back: string;
      try {
        back = consent(url.toString(), signedIn);
      } catch (e) {
        return text(400, (e as Error).message);
      }
      record.status = 302;
      res.writeHead(302, { location: back });
      res.end();
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
  state.origin = `http://127.0.0.1:${port}`;

  return {
    url: state.origin,
    enterpriseApiUrl: `${state.origin}/api/v3`,
    requests,
    issued,
    approve: consent,
    signIn(login) {
      if (login !== null && !users.has(login.toLowerCase())) throw new Error(`unknown user ${login}`);
      signedIn = login;
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

