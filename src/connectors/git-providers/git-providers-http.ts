/**
 * The one way the git providers speak HTTP. A provider's base URL is typed by an admin, so every
 * request, redirects included, goes through the SQL connectors' SSRF guard (`resolveSafeHost`):
 * the host is resolved once, every address is checked, and the socket connects to the checked
 * address (a pinned `lookup`), keeping the name for TLS — a second, different DNS answer cannot
 * slip through. HTTPS only; `http://` only to a loopback address when the caller allows it (the
 * tests' contract server). Redirects are never followed here: a 3xx reaches the caller.
 *
 * `createOctokitRequest` puts an octokit-compatible `request` on top (`@octokit/endpoint` builds
 * the request from a route, `@octokit/request-error` is what octokit throws), so that
 * `@octokit/auth-app` mints JWTs and installation tokens and exchanges OAuth codes through this
 * transport and not through a fetch of its own.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { endpoint as octokitEndpoint } from '@octokit/endpoint';
import { RequestError } from '@octokit/request-error';
import type { EndpointInterface, EndpointOptions, RequestInterface } from '@octokit/types';
import { DEFAULT_SSRF_POLICY, resolveSafeHost, SqlConnectorError, type SsrfPolicy } from '../sql/sql-connector.js';
import { GitProviderError } from './git-providers-errors.js';

export interface ProviderHttpOptions {
  /** The SSRF policy (default: on, private ranges and loopback allowed, metadata and link-local refused). */
  ssrf?: SsrfPolicy;
  /** Allow `http://` to a loopback address: the tests' contract server. Never in production. */
  allowHttpLoopback?: boolean;
  /** Whole-request limit (connect, send, receive), per request. Default 15 s. */
  timeoutMs?: number;
  /** Responses larger than this are cut off with `provider_error`. Default 8 MiB. */
  maxResponseBytes?: number;
  userAgent?: string;
}

export interface HttpResponse {
  status: number;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ProviderTransport {
  request(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<HttpResponse>;
  readonly options: Required<Omit<ProviderHttpOptions, 'ssrf'>> & { ssrf: SsrfPolicy };
  close(): void;
}

const DEFAULT_USER_AGENT = 'atrium-git-providers';

/**
 * A base URL as typed: trimmed, no trailing slash, `https://` (or `http://` when the transport
 * allows loopback), no credentials, query or fragment. Throws `config_invalid`. The host is
 * checked against the SSRF guard when a request is made (or by `checkHost`).
 */
export function normalizeBaseUrl(raw: string, what = 'The base URL'): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new GitProviderError('config_invalid', `${what} is not a valid URL.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new GitProviderError('config_invalid', `${what} must start with https://.`);
  // Not echoed: whatever was pasted into the user-info part may be a secret.
  if (u.username || u.password) throw new GitProviderError('config_invalid', `${what} contains credentials: remove them and enter them in the credential fields.`);
  if (u.search || u.hash) throw new GitProviderError('config_invalid', `${what} must not have a query or a fragment.`);
  if (!u.hostname) throw new GitProviderError('config_invalid', `${what} has no host.`);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

function isLoopback(ip: string): boolean {
  if (ip === '::1') return true;
  const v4 = ip.replace(/^::ffff:/i, '');
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/** Resolves and checks a host with the SSRF guard; returns the address to connect to. */
export async function checkHost(host: string, ssrf: SsrfPolicy): Promise<string> {
  try {
    return (await resolveSafeHost(host, ssrf)).address;
  } catch (e) {
    if (e instanceof SqlConnectorError && (e.code === 'ssrf_blocked' || e.code === 'host_unreachable')) {
      throw new GitProviderError(e.code, e.message.replace(/^Connections to/, 'Requests to'), { host });
    }
    throw e;
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNABORTED']);

function isTlsError(e: NodeJS.ErrnoException): boolean {
  const c = e.code ?? '';
  return c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/.test(c);
}

export function createTransport(options: ProviderHttpOptions = {}): ProviderTransport {
  const opts = {
    ssrf: options.ssrf ?? DEFAULT_SSRF_POLICY,
    allowHttpLoopback: options.allowHttpLoopback ?? false,
    timeoutMs: options.timeoutMs ?? 15_000,
    maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
  };
  // Keep-alive per provider client (a reused socket was connected to a checked address); idle
  // sockets are dropped after a few seconds, so a client that is never closed holds nothing long.
  const agentOptions = { keepAlive: true, maxSockets: 8, timeout: 5_000 };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  async function request(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<HttpResponse> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new GitProviderError('config_invalid', 'The provider URL is not a valid URL.');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new GitProviderError('config_invalid', 'Only https:// URLs are allowed for a git provider.');
    if (u.username || u.password) throw new GitProviderError('config_invalid', 'The provider URL contains credentials: remove them.');
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const address = await checkHost(host, opts.ssrf);
    if (u.protocol === 'http:' && !(opts.allowHttpLoopback && isLoopback(address))) {
      throw new GitProviderError('config_invalid', `Only https:// is allowed for a git provider (${u.host}): plain http would send the credentials unencrypted.`, { host: u.host });
    }
    const pinned = net.isIP(address) !== 0;
    const family = pinned ? net.isIP(address) : 0;
    const mod = u.protocol === 'https:' ? https : http;
    const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
    const headers: Record<string, string> = { 'user-agent': opts.userAgent, ...init.headers };
    if (body) headers['content-length'] = String(body.length);

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const done = (err: Error | null, res?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(res!);
      };
      const req = mod.request(
        {
          protocol: u.protocol,
          hostname: host,
          port: u.port || undefined,
          path: `${u.pathname}${u.search}`,
          method: init.method,
          headers,
          agent: u.protocol === 'https:' ? agents.https : agents.http,
          ...(net.isIP(host) ? {} : { servername: host }),
          // Connect to the address the guard checked, whatever DNS says now.
          ...(pinned ? { lookup: pinnedLookup(address, family) } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > opts.maxResponseBytes) {
              res.destroy();
              done(new GitProviderError('provider_error', `The provider at ${u.host} sent an answer larger than ${opts.maxResponseBytes} bytes.`, { host: u.host }));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
            done(null, { status: res.statusCode ?? 0, url, headers: out, body: Buffer.concat(chunks) });
          });
          res.on('error', (e) => done(mapSocketError(e as NodeJS.ErrnoException, u.host)));
        },
      );
      const timer = setTimeout(() => {
        done(new GitProviderError('timeout', `The provider at ${u.host} did not answer within ${Math.round(opts.timeoutMs / 1000)} s.`, { host: u.host }));
        req.destroy();
      }, opts.timeoutMs);
      req.on('error', (e) => done(mapSocketError(e as NodeJS.ErrnoException, u.host)));
      req.end(body);
    });
  }

  return {
    request,
    options: opts,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** A `lookup` that answers the checked address, in both callback shapes net.connect uses. */
function pinnedLookup(address: string, family: number): net.LookupFunction {
  return ((_host: string, o: { all?: boolean }, cb: (err: Error | null, a: unknown, f?: number) => void) => {
    if (o && o.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as net.LookupFunction;
}

function mapSocketError(e: NodeJS.ErrnoException, host: string): GitProviderError {
  if (e instanceof GitProviderError) return e;
  if (isTlsError(e)) {
    return new GitProviderError('host_unreachable', `The TLS certificate of ${host} was refused: it cannot be verified against the system's certificate authorities.`, { host, reason: 'tls' });
  }
  if (NETWORK_CODES.has(e.code ?? '')) return new GitProviderError('host_unreachable', `The provider at ${host} cannot be reached: is the base URL right and is the server up?`, { host });
  return new GitProviderError('host_unreachable', `The request to ${host} failed before an answer came back.`, { host });
}

/** The parsed body, as octokit gives it: JSON when the server says so, else text. */
export function responseData(res: HttpResponse): unknown {
  if (res.status === 204 || res.status === 205) return '';
  const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const text = res.body.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function toErrorMessage(data: unknown): string {
  if (typeof data === 'string') return data.slice(0, 500);
  if (data && typeof data === 'object' && 'message' in data) return String((data as { message: unknown }).message).slice(0, 500);
  return 'Unknown error';
}

/**
 * An octokit `request` over the guarded transport: `request(route, params)` resolves to
 * `{ status, url, headers, data }` and throws octokit's `RequestError` for a status ≥ 400 and
 * 304, as `@octokit/request` does, and for every other 3xx (which it would have followed). Only what auth-app and this package use is implemented: no
 * streaming bodies, no custom fetch.
 */
export function createOctokitRequest(transport: ProviderTransport, defaults: { baseUrl: string; headers?: Record<string, string> }): RequestInterface {
  return withEndpoint(transport, octokitEndpoint.defaults({ baseUrl: defaults.baseUrl, headers: { 'user-agent': transport.options.userAgent, ...defaults.headers } }));
}

function withEndpoint(transport: ProviderTransport, endpoint: EndpointInterface): RequestInterface {
  async function send(route: unknown, parameters?: Record<string, unknown>): Promise<{ status: number; url: string; headers: Record<string, string>; data: unknown }> {
    const opts = (endpoint as unknown as (r: unknown, p?: unknown) => EndpointOptions & { body?: unknown })(route, parameters);
    const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const res = await transport.request(opts.url, { method: opts.method, headers, body });
    const response = { status: res.status, url: res.url, headers: res.headers, data: responseData(res) };
    // Redirects are not followed (the transport's rule), so a 3xx is an error for the caller to name.
    if (res.status >= 300) {
      throw new RequestError(res.status === 304 ? 'Not modified' : toErrorMessage(response.data), res.status, {
        request: opts as never,
        response: response as never,
      });
    }
    return response;
  }
  const request = Object.assign(send, {
    endpoint,
    defaults: (more: Record<string, unknown>) => withEndpoint(transport, endpoint.defaults(more as never)),
  });
  return request as unknown as RequestInterface;
}
