/**
 * The one HTTP client of the commands that talk to a running server (`atrium run`, `files`, `packages`):
 * a bearer token, the server's `{error:{code,message}}` turned into one line a person can act on,
 * an unreachable server said plainly, NDJSON read as it arrives, and bodies streamed both ways so a
 * file is never held whole in memory. Exit codes are decided here so every command agrees.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** What the process exits with; listed in `atrium files --help`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, interrupted: 130 } as const;

/** A failure to report as `atrium: <message>` and exit with `exitCode`; `code` is the server's error code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ServerError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** `<message> (<code>)`, the one way a server error is shown. */
export const serverErrorText = (e: ServerError) => `${e.message} (${e.code})`;

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  /** A streamed body (with its length, so the server can refuse an over-limit upload before reading it). */
  stream?: { body: Readable; length: number; contentType?: string };
}

export interface CliApi {
  base: string;
  /** The response, only when it is a success; anything else throws a CliError. */
  request(pathname: string, opts?: RequestOptions): Promise<Response>;
  json<T>(pathname: string, opts?: RequestOptions): Promise<T>;
}

export function createApi(opts: { url: string; token: string; signal?: AbortSignal }): CliApi {
  const base = opts.url.replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base)) throw new CliError(`The server URL must start with http:// or https:// (got '${opts.url}'); set --url or ATRIUM_URL.`, EXIT.usage);

  async function request(pathname: string, o: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${base}${pathname}`);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
    let body: BodyInit | undefined;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.stream) {
      headers['content-type'] = o.stream.contentType ?? 'application/octet-stream';
      headers['content-length'] = String(o.stream.length);
      body = Readable.toWeb(o.stream.body) as unknown as BodyInit;
    }
    let res: Response;
    try {
      res = await fetch(url, { method: o.method ?? (body ? 'POST' : 'GET'), headers, body, signal: opts.signal, ...(o.stream ? { duplex: 'half' } : {}) } as RequestInit);
    } catch (e) {
      throw networkError(e, base, opts.signal);
    }
    if (!res.ok) throw await failureOf(res);
    return res;
  }

  return {
    base,
    request,
    async json<T>(pathname: string, o?: RequestOptions): Promise<T> {
      const res = await request(pathname, o);
      return (await res.json()) as T;
    },
  };
}

/** The server's error, or — from something that is not Atrium (a proxy, a wrong port) — its status. */
async function failureOf(res: Response): Promise<CliError> {
  const body = (await res.json().catch(() => null)) as { error?: ServerError } | null;
  if (body?.error?.code && body.error.message) return new CliError(serverErrorText(body.error), EXIT.failed, body.error.code);
  return new CliError(`The server answered HTTP ${res.status} ${res.statusText} without an Atrium error: is ${new URL(res.url).origin} an Atrium server?`, EXIT.failed);
}

export function networkError(e: unknown, base: string, signal?: AbortSignal): CliError {
  if (signal?.aborted || (e as Error)?.name === 'AbortError') return new CliError('Interrupted.', EXIT.interrupted);
  // undici's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, a TLS error…).
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const why = cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e);
  return new CliError(`Cannot reach Atrium at ${base} (${why}). Check --url or ATRIUM_URL, and that the server runs.`, EXIT.unreachable);
}

/** A response body as a Node stream. */
export function bodyStream(res: Response): Readable {
  if (!res.body) return Readable.from([]);
  return Readable.fromWeb(res.body as unknown as WebReadableStream);
}

/** The NDJSON lines of a response, parsed one by one as they arrive. */
export async function* ndjson<T>(res: Response): AsyncGenerator<T> {
  let rest = '';
  const decoder = new TextDecoder();
  for await (const chunk of bodyStream(res)) {
    rest += decoder.decode(chunk as Buffer, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (line) yield parseLine<T>(line);
    }
  }
  rest += decoder.decode();
  if (rest.trim()) yield parseLine<T>(rest.trim());
}

function parseLine<T>(line: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new CliError(`The server sent a line that is not JSON: ${line.slice(0, 80)}`);
  }
}

/** Counts bytes going through (for upload and download progress). */
export function byteCounter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      onBytes(total);
      cb(null, chunk);
    },
  });
}

/**
 * Writes a body to `dest` through a temp file beside it, renamed only when complete, so an
 * interrupted download leaves no half file under the real name.
 */
export async function saveTo(res: Response, dest: string, through: Transform[] = []): Promise<void> {
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.atrium-${process.pid}.part`);
  try {
    await pipeline([bodyStream(res), ...through, fs.createWriteStream(tmp)]);
    await fs.promises.rename(tmp, dest);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}
