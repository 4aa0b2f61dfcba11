/**
 * The GitHub OAuth step over HTTP: `POST …/git-providers/{id}/github/authorize` (admins) answers
 * GitHub's sign-in URL and sets an HttpOnly cookie with the state's nonce, scoped to the callback
 * path; `GET /git-providers/github/callback` is the browser coming back from GitHub. It always
 * answers a 303 to the console's Integrations page (`?github=linked` or `?github_error=<code>`
 * with a short message of ours) — never a JSON error page, and never the code, the state or a
 * token in a URL, a log line or the audit log (its request line is logged without its query).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { scrubSecrets } from '../../connectors/git-providers/git-providers.js';
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, type ZApp } from '../../http/http-schemas.js';
import { AppError } from '../../errors.js';
import { GitHubAuthorizeBody, GitHubAuthorizeResult, GitProviderParams } from './git-providers-schema.js';
import type { GitProvidersApi } from './git-providers-service.js';

export const GITHUB_CALLBACK_PATH = '/api/v1/git-providers/github/callback';
export const GITHUB_NONCE_COOKIE = 'atrium_github_oauth';
/** Where the console shows git providers (web/src/settings/WorkspaceSettingsPage.tsx). */
const CONSOLE_PAGE = '/settings/workspace/integrations';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The `github_error` code: the finest stable one (`github_account_taken`, `state_invalid`, …). */
function errorCode(e: unknown): string {
  if (!(e instanceof AppError)) return 'internal';
  const reason = e.details.reason;
  return typeof reason === 'string' && /^[a-z_]{1,64}$/.test(reason) ? reason : String(e.code).replace(/^provider_/, '');
}

export function registerGitHubLinkRoutes(app: ZApp, s: { providers: GitProvidersApi }, opts: { publicUrl?: string }): void {
  const tags = ['git-providers'];
  const cookieOptions = (req: FastifyRequest) => ({ path: GITHUB_CALLBACK_PATH, httpOnly: true, sameSite: 'lax' as const, secure: req.protocol === 'https' });
  const origin = (req: FastifyRequest) => (opts.publicUrl ? opts.publicUrl.replace(/\/+$/, '') : `${req.protocol}://${req.host}`);

  app.post(
    '/workspaces/:ws/git-providers/:id/github/authorize',
    {
      schema: {
        tags,
        summary:
          "Start linking the workspace's GitHub account (admins; GitHub kinds with the App's client id and secret): answers GitHub's sign-in URL to open in this browser, and sets a short-lived cookie the callback needs. Optionally names the App installation to use.",
        params: GitProviderParams,
        body: GitHubAuthorizeBody,
        response: { 200: GitHubAuthorizeResult, ...errorResponses },
      },
    },
    async (req, reply) => {
      const r = await s.providers.authorizeGitHub(callerOf(req), req.params.ws, req.params.id, req.body ?? {}, `${origin(req)}${GITHUB_CALLBACK_PATH}`);
      reply.setCookie(GITHUB_NONCE_COOKIE, r.nonce, { ...cookieOptions(req), expires: new Date(r.expiresAt) });
      return { authorizeUrl: r.authorizeUrl, expiresAt: r.expiresAt };
    },
  );

  const backToConsole = (req: FastifyRequest, reply: FastifyReply, params: Record<string, string>) => {
    reply.clearCookie(GITHUB_NONCE_COOKIE, cookieOptions(req));
    return reply.redirect(`${CONSOLE_PAGE}?${new URLSearchParams(params).toString()}`, 303);
  };
  const failed = (req: FastifyRequest, reply: FastifyReply, e: unknown) => {
    const code = errorCode(e);
    const q = req.query as Record<string, unknown> | undefined;
    if (e instanceof AppError && code !== 'internal') {
      req.log.warn({ err: { code: e.code, reason: e.details.reason ?? null } }, 'linking a GitHub account failed');
    } else {
      // Whatever it says, without the code or the state it may quote.
      const raw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      req.log.error({ err: { message: scrubSecrets(raw, [text(q?.code), text(q?.state)]).slice(0, 500) } }, 'linking a GitHub account failed unexpectedly');
    }
    const message = e instanceof AppError && code !== 'internal' ? e.message : 'Linking the GitHub account failed unexpectedly: try again, or ask the operator to look at the server log.';
    return backToConsole(req, reply, { github_error: code, github_message: message.slice(0, 400) });
  };

  app.get(
    '/git-providers/github/callback',
    {
      // A browser navigation from GitHub, not an API call: not in the OpenAPI document.
      schema: { hide: true },
      // The request line without its query: the code and the state stay out of the log.
      logSerializers: { req: (r: FastifyRequest) => ({ method: r.method, url: r.url.split('?')[0], remoteAddress: r.ip }) },
      // Anything that goes wrong — an expired session in the auth hook included — still lands on the console.
      errorHandler: (e: FastifyError, req: FastifyRequest, reply: FastifyReply) => failed(req, reply, e),
    },
    async (req, reply) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      // GitHub sends `error` (e.g. access_denied) instead of a code when the admin cancels.
      if (q.error !== undefined) {
        const denied = q.error === 'access_denied';
        return backToConsole(req, reply, {
          github_error: denied ? 'access_denied' : 'github_refused',
          github_message: denied ? 'The GitHub sign-in was cancelled: nothing was linked.' : 'GitHub did not authorize the sign-in: nothing was linked. Try again.',
        });
      }
      try {
        const r = await s.providers.completeGitHubLink(callerOf(req), { code: text(q.code), state: text(q.state), nonce: req.cookies?.[GITHUB_NONCE_COOKIE] });
        req.log.info({ providerId: r.providerId, githubAccount: r.account.login, installationId: r.installationId }, 'GitHub account linked');
        return backToConsole(req, reply, { github: 'linked', github_account: r.account.login });
      } catch (e) {
        return failed(req, reply, e);
      }
    },
  );
}
