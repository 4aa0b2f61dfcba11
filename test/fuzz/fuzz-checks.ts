/**
 * What every response of the fuzzer must satisfy: no 5xx, no stack trace, no internal path in
 * an error, and every error in the one shape `{ error: { code, message, details }, requestId }`.
 * Returns the problems found (empty when the response is fine).
 */
export interface Observed {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
}

const STACK = [/\bat [\w$.<>\[\] ]+ \((?:file:\/\/)?\/[^)]*:\d+:\d+\)/, /\bat (?:file:\/\/)?\/[^\s]+:\d+:\d+/, /\n\s+at /];
/** Internal locations: the checkout, dependencies, temp dirs, TypeScript sources. */
const INTERNAL = ['/work/', 'node_modules', '/tmp/', '.ts:', '/usr/lib/', '/root/'];

export function problemsOf(res: Observed, sent: string): string[] {
  const out: string[] = [];
  if (res.statusCode >= 500) out.push(`status ${res.statusCode}`);
  for (const re of STACK) if (re.test(res.body)) out.push('stack trace in body');
  const contentType = String(res.headers['content-type'] ?? '');
  const lines = contentType.includes('ndjson') ? res.body.split('\n').filter(Boolean) : [];
  const errorTexts: string[] = [];
  if (res.statusCode >= 400) errorTexts.push(res.body);
  for (const l of lines) if (l.includes('"type":"error"')) errorTexts.push(l);
  for (const text of errorTexts) {
    for (const p of INTERNAL) {
      // A path the request itself carried may be echoed back ("project '../../tmp/x' not found").
      if (text.includes(p) && !sent.includes(p)) out.push(`internal path ${JSON.stringify(p)} in error`);
    }
  }
  if (res.statusCode >= 400) {
    let j: unknown;
    try {
      j = JSON.parse(res.body);
    } catch {
      out.push(`error body is not JSON (${contentType})`);
    }
    if (j !== undefined) {
      const e = (j as { error?: { code?: unknown; message?: unknown; details?: unknown }; requestId?: unknown }) ?? {};
      const ok =
        !!e.error &&
        typeof e.error.code === 'string' &&
        /^[a-z][a-z0-9_]*$/.test(e.error.code) &&
        typeof e.error.message === 'string' &&
        !!e.error.details &&
        typeof e.error.details === 'object' &&
        typeof e.requestId === 'string';
      if (!ok) out.push('error body not in the one error shape');
    }
  }
  return [...new Set(out)];
}
