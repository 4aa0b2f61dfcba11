/**
 * Which remotes git may talk to. A remote is an `https://` URL (or `http://` to a loopback address
 * when the connector allows it, for the tests' local server) with no credentials, query or
 * fragment in it: credentials travel in a header, never in a URL that git would print and keep.
 * The host goes through the same SSRF guard as the database connectors, and the checked address
 * is pinned for git (`http.curloptResolve`), so a second, different DNS answer cannot slip through.
 */
import net from 'node:net';
import { resolveSafeHost, SqlConnectorError, type SsrfPolicy } from '../sql/sql-connector.js';
import { GitConnectorError } from './git-errors.js';

export interface CheckedRemote {
  /** The URL given to git: normalized, no credentials, no trailing slash. */
  url: string;
  /** Scheme + host + port, to compare a submodule's remote with its superproject's. */
  origin: string;
  /** `host:port:address` for `http.curloptResolve`, when the host is a name. */
  pin: string | null;
}

export interface RemotePolicy {
  ssrf: SsrfPolicy;
  /** Allow `http://` when the host resolves to a loopback address (tests' local git server). */
  allowHttpLoopback: boolean;
}

/**
 * Parses and checks a remote URL. Throws GitConnectorError('invalid_remote' | 'ssrf_blocked' |
 * 'host_unreachable'). The message never echoes a URL that held credentials.
 */
export async function checkRemote(remote: string, policy: RemotePolicy): Promise<CheckedRemote> {
  let u: URL;
  try {
    u = new URL(remote.trim());
  } catch {
    throw new GitConnectorError('invalid_remote', 'The repository URL is not a valid URL: use the HTTPS clone URL, e.g. https://github.com/org/repo.git.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    // The scheme is not echoed: whatever was pasted here may be a secret.
    throw new GitConnectorError('invalid_remote', 'Only HTTPS remotes are supported: use the repository\'s https:// clone URL.');
  }
  if (u.username || u.password) {
    throw new GitConnectorError('invalid_remote', 'The repository URL contains credentials: remove them from the URL and give them to the provider instead.');
  }
  if (u.search || u.hash) throw new GitConnectorError('invalid_remote', 'The repository URL must not have a query or a fragment.');
  if (!u.hostname) throw new GitConnectorError('invalid_remote', 'The repository URL has no host.');
  const path = u.pathname.replace(/\/+$/, '');
  if (path === '' || /[\0-\x1f\x7f]/.test(decodeURIComponent(path))) {
    throw new GitConnectorError('invalid_remote', 'The repository URL has no repository path.');
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  let address: string;
  try {
    address = (await resolveSafeHost(host, policy.ssrf)).address;
  } catch (e) {
    if (e instanceof SqlConnectorError && (e.code === 'ssrf_blocked' || e.code === 'host_unreachable')) {
      throw new GitConnectorError(e.code, e.message.replace(/^Connections to/, 'Git fetches from'));
    }
    throw e;
  }
  if (u.protocol === 'http:' && !(policy.allowHttpLoopback && isLoopback(address))) {
    throw new GitConnectorError('invalid_remote', 'Only HTTPS remotes are supported: plain http:// would send the token unencrypted.');
  }
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const url = `${u.protocol}//${u.host}${path}`;
  const pin = net.isIP(host) || !net.isIP(address) ? null : `${host}:${port}:${net.isIPv6(address) ? `[${address}]` : address}`;
  return { url, origin: `${u.protocol}//${u.host.toLowerCase()}`, pin };
}

function isLoopback(ip: string): boolean {
  if (ip === '::1' || ip.toLowerCase() === 'localhost') return true;
  const v4 = ip.replace(/^::ffff:/i, '');
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/**
 * A submodule URL as git resolves it: `./x` and `../x` are relative to the superproject's remote
 * URL (each `../` drops one path component of it), anything else is taken as is.
 */
export function resolveSubmoduleUrl(superUrl: string, url: string): string {
  if (!url.startsWith('./') && !url.startsWith('../')) return url;
  const u = new URL(superUrl);
  const parts = u.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  let rest = url;
  for (;;) {
    if (rest.startsWith('./')) rest = rest.slice(2);
    else if (rest.startsWith('../')) {
      rest = rest.slice(3);
      parts.pop();
    } else break;
  }
  const joined = [...parts, ...rest.split('/').filter(Boolean)].join('/');
  return `${u.protocol}//${u.host}/${joined}`;
}
