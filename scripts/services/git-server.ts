/**
 * A real git smart-HTTP server for the tests: `git http-backend` (CGI, the system git) behind a
 * small Node HTTP server bound to 127.0.0.1 that checks tokens the way hosted providers do.
 *
 * - Repositories are the bare repositories under `root` (`root/acme/tools.git` is served at
 *   `<url>/acme/tools.git`). Build them with `git-fixtures.ts`.
 * - Auth is HTTP basic where the password is a token (any user name, like GitHub's
 *   `x-access-token`), or `Authorization: Bearer <token>`. A repository listed in `publicRepos` is
 *   readable without a token; every other one needs a token granted to it. A wrong, missing or
 *   expired token gets 401; a valid token without access to an existing repository gets 404 (as
 *   GitHub answers, so a token cannot probe which private repositories exist).
 * - Pushing needs a token with `push: true`.
 * - Upload-pack allows filters and any SHA-1 in want, so `--depth 1` and blobless fetches of
 *   exactly one commit work (`allowSha1InWant: false` / `allowFilter: false` turn them off, as
 *   on servers with git's defaults).
 * - Test levers: `setDelay(repo, ms)` holds a repository's pack responses (time limits, a process
 *   caught mid-fetch); `requests` records every request (method, path, user, status), never a token.
 *
 * In-process: `const git = await startGitServer({ root, tokens }); ... await git.close()`.
 * From a shell: `scripts/services/git-server.sh start|stop` (runs `main()` below).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface TokenGrant {
  /** Repositories (as `acme/tools.git` or `acme/tools`) this token may read; '*' or absent: all. */
  repos?: string[] | '*';
  /** Expired tokens are refused with 401, like a revoked or expired installation token. */
  expired?: boolean;
  /** May push (receive-pack). */
  push?: boolean;
}

export interface GitServerOptions {
  /** Directory of bare repositories. */
  root: string;
  /** token → grant. */
  tokens?: Record<string, TokenGrant>;
  /** Repositories readable without a token (as `acme/tools.git` or `acme/tools`). */
  publicRepos?: string[];
  /** 0 (default): a free port. */
  port?: number;
  /** The git binary (default `git` on PATH). */
  gitBinary?: string;
  /**
   * Upload-pack's `allowAnySHA1InWant`, `allowReachableSHA1InWant` and `allowTipSHA1InWant`
   * (default true). false: git's own defaults, as plain `git http-backend` and many self-hosted
   * servers run, which refuse a `want` of a commit no ref advertises ("not our ref").
   */
  allowSha1InWant?: boolean;
  /** Upload-pack's `allowFilter` (default true): false refuses `--filter` fetches. */
  allowFilter?: boolean;
  /**
   * Speak protocol v2 when the client asks (default true). false: the `Git-Protocol` header is
   * ignored, as by servers that only speak v0 (older Bitbucket Server, proxies dropping the
   * header). git's v2 upload-pack serves any object it has whatever the allow* keys say, so only
   * a v0 server with `allowSha1InWant: false` refuses a fetch by commit id.
   */
  protocolV2?: boolean;
}

export interface GitServerRequest {
  method: string;
  /** Path without the query, e.g. `/acme/tools.git/git-upload-pack`. */
  path: string;
  service: string | null;
  repo: string | null;
  /** The basic-auth user name when a valid token was given. */
  user: string | null;
  status: number;
}

export interface GitServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  port: number;
  root: string;
  /** `${url}/${repo}` with `.git` appended when missing. */
  repoUrl(repo: string): string;
  setToken(token: string, grant: TokenGrant): void;
  removeToken(token: string): void;
  setPublic(repo: string, isPublic: boolean): void;
  /** Holds upload-pack POSTs (the pack transfer) of `repo` for `ms` before answering; 0 removes. */
  setDelay(repo: string, ms: number): void;
  readonly requests: GitServerRequest[];
  close(): Promise<void>;
}

/** `acme/tools` and `/acme/tools.git` → `acme/tools.git`. */
export function normalizeRepo(repo: string): string {
  const r = repo.replace(/^\/+|\/+$/g, '');
  return r.endsWith('.git') ? r : `${r}.git`;
}

// Smart-HTTP endpoints only: the dumb protocol (objects/, HEAD) is not served, as hosted providers do.
const ROUTE = /^\/((?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+\.git)\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const root = path.resolve(options.root);
  const tokens = new Map<string, TokenGrant>(Object.entries(options.tokens ?? {}));
  const publicRepos = new Set((options.publicRepos ?? []).map(normalizeRepo));
  const delays = new Map<string, number>();
  const requests: GitServerRequest[] = [];
  const git = options.gitBinary ?? 'git';
  // http-backend reads no user config: an empty HOME and no system config keep the machine's out.
  const home = mkdtempSync(path.join(os.tmpdir(), 'atrium-git-server-home-'));
  const children = new Set<ReturnType<typeof spawn>>();
  const timers = new Set<NodeJS.Timeout>();
  const allowWant = String(options.allowSha1InWant ?? true);
  const allowFilter = String(options.allowFilter ?? true);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: GitServerRequest = { method: req.method ?? 'GET', path: url.pathname, service: null, repo: null, user: null, status: 0 };
    requests.push(record);
    const finish = (status: number, body: string, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    };

    const m = ROUTE.exec(url.pathname);
    if (!m || m[1]!.split('/').some((seg) => seg === '.' || seg === '..' || seg.startsWith('.'))) {
      return finish(404, 'Not found\n');
    }
    const repo = m[1]!;
    const endpoint = m[2]!;
    const service = endpoint === 'info/refs' ? url.searchParams.get('service') : endpoint;
    record.repo = repo;
    record.service = service;
    if (service !== 'git-upload-pack' && service !== 'git-receive-pack') return finish(403, 'Only the smart protocol is served\n');
    if ((endpoint === 'info/refs') !== (req.method === 'GET')) return finish(405, 'Method not allowed\n');

    const auth = parseAuth(req.headers.authorization);
    const grant = auth ? tokens.get(auth.token) : undefined;
    const exists = isDir(path.join(root, repo));
    const challenge = { 'WWW-Authenticate': 'Basic realm="atrium-test-git"' };
    const isPublic = publicRepos.has(repo);
    if (auth && (!grant || grant.expired)) {
      // A token was offered and is wrong or expired: refused even on a public repository, as
      // GitHub does ("Bad credentials"), so a caller learns its credentials are broken.
      return finish(401, grant?.expired ? 'Token expired\n' : 'Bad credentials\n', challenge);
    }
    if (service === 'git-receive-pack') {
      if (!grant) return finish(401, 'Authentication required\n', challenge);
      if (!grant.push || !grantCovers(grant, repo)) return finish(403, 'Push not allowed\n');
    } else if (!isPublic) {
      if (!grant) return finish(401, 'Authentication required\n', challenge);
      if (!grantCovers(grant, repo)) return finish(404, 'Repository not found\n');
    }
    if (!exists) return finish(404, 'Repository not found\n');
    record.user = auth?.user ?? null;

    const run = (buffered?: Buffer[]): void => {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        REQUEST_METHOD: req.method ?? 'GET',
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        // What hosted providers allow and what a fetch of exactly one pinned commit needs.
        GIT_CONFIG_COUNT: '5',
        GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
        GIT_CONFIG_VALUE_0: allowFilter,
        GIT_CONFIG_KEY_1: 'uploadpack.allowAnySHA1InWant',
        GIT_CONFIG_VALUE_1: allowWant,
        GIT_CONFIG_KEY_2: 'uploadpack.allowReachableSHA1InWant',
        GIT_CONFIG_VALUE_2: allowWant,
        GIT_CONFIG_KEY_3: 'uploadpack.allowTipSHA1InWant',
        GIT_CONFIG_VALUE_3: allowWant,
        GIT_CONFIG_KEY_4: 'http.receivepack',
        GIT_CONFIG_VALUE_4: service === 'git-receive-pack' ? 'true' : 'false',
      };
      if (auth && grant) env.REMOTE_USER = auth.user || 'token';
      const proto = req.headers['git-protocol'];
      if (typeof proto === 'string' && options.protocolV2 !== false) env.GIT_PROTOCOL = proto;
      const enc = req.headers['content-encoding'];
      if (typeof enc === 'string') env.HTTP_CONTENT_ENCODING = enc;
      const len = req.headers['content-length'];
      if (typeof len === 'string') env.CONTENT_LENGTH = len;

      const child = spawn(git, ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      children.add(child);
      child.on('close', () => children.delete(child));
      child.on('error', () => {
        if (!res.headersSent) finish(500, 'git http-backend failed to start\n');
      });
      child.stdin!.on('error', () => {});
      if (buffered) {
        for (const b of buffered) child.stdin!.write(b);
        child.stdin!.end();
      } else {
        req.pipe(child.stdin!);
      }
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => {
        if (stderr.length < 4096) stderr += d.toString();
      });
      let head = Buffer.alloc(0);
      let headersDone = false;
      child.stdout!.on('data', (chunk: Buffer) => {
        if (headersDone) {
          if (!res.write(chunk)) {
            child.stdout!.pause();
            res.once('drain', () => child.stdout!.resume());
          }
          return;
        }
        head = Buffer.concat([head, chunk]);
        const split = findHeaderEnd(head);
        if (!split) return;
        headersDone = true;
        const { status, headers } = parseCgiHeaders(head.subarray(0, split.index).toString('latin1'));
        record.status = status;
        res.writeHead(status, headers);
        const rest = head.subarray(split.index + split.length);
        if (rest.length) res.write(rest);
      });
      child.stdout!.on('end', () => {
        if (!headersDone) {
          if (!res.headersSent) finish(500, `git http-backend gave no response\n${stderr}`);
          return;
        }
        res.end();
      });
      res.on('close', () => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
    };

    const delay = service === 'git-upload-pack' && endpoint !== 'info/refs' ? (delays.get(repo) ?? 0) : 0;
    if (delay > 0) {
      // Read the request now (the client waits for an answer, not to send), answer later.
      const body: Buffer[] = [];
      req.on('data', (d: Buffer) => body.push(d));
      req.on('end', () => {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) run(body);
        }, delay);
        timers.add(t);
      });
      return;
    }
    run();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    root,
    repoUrl: (repo) => `${url}/${normalizeRepo(repo)}`,
    setToken: (token, grant) => void tokens.set(token, grant),
    removeToken: (token) => void tokens.delete(token),
    setPublic: (repo, isPublic) => void (isPublic ? publicRepos.add(normalizeRepo(repo)) : publicRepos.delete(normalizeRepo(repo))),
    setDelay: (repo, ms) => void (ms > 0 ? delays.set(normalizeRepo(repo), ms) : delays.delete(normalizeRepo(repo))),
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const c of children) c.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function grantCovers(grant: TokenGrant, repo: string): boolean {
  if (grant.repos === undefined || grant.repos === '*') return true;
  return grant.repos.some((r) => normalizeRepo(r) === repo);
}

function parseAuth(header: string | undefined): { user: string; token: string } | null {
  if (!header) return null;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { user: '', token: decoded };
    return { user: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return { user: '', token: bearer[1]! };
  return { user: '', token: '\0invalid' };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function findHeaderEnd(buf: Buffer): { index: number; length: number } | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return null;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

// ---- command line: used by git-server.sh ----

interface CliConfig {
  tokens?: Record<string, TokenGrant>;
  publicRepos?: string[];
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = arg('root');
  if (!root) throw new Error('usage: git-server.ts --root DIR [--port N] [--config tokens.json] [--fixtures] [--ready-file F]');
  let config: CliConfig = {};
  const configFile = arg('config');
  if (configFile) config = JSON.parse(readFileSync(configFile, 'utf8')) as CliConfig;
  let fixtures: unknown = null;
  if (argv.includes('--fixtures')) {
    const { buildStandardFixtures } = await import('./git-fixtures.js');
    fixtures = await buildStandardFixtures(root);
  }
  const server = await startGitServer({ root, port: Number(arg('port') ?? 0), tokens: config.tokens, publicRepos: config.publicRepos });
  const line = JSON.stringify({ url: server.url, port: server.port, root: server.root, pid: process.pid, tokens: Object.keys(config.tokens ?? {}), fixtures });
  const ready = arg('ready-file');
  if (ready) writeFileSync(ready, line + '\n');
  else process.stdout.write(line + '\n');
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`git-server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
