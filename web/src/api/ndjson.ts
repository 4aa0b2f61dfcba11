/**
 * Runs a SQL cell: POST /projects/{p}/queries answers NDJSON that is read as it arrives, so rows
 * render while the query still runs. A failure before the first row is an ordinary JSON error
 * (thrown as ApiError); a later one arrives as an `error` event.
 */
import { errorFrom, headersFor } from './client';
import type { QueryStreamEvent } from './models';

/** One NDJSON line of the stream, as the server's QueryStreamEvent schema declares it. */
export type QueryEvent = QueryStreamEvent;

/**
 * POSTs and hands each NDJSON line of the answer to `onEvent` as it arrives. A failure before the
 * stream starts is an ordinary JSON error, thrown as ApiError.
 */
export async function streamNdjson<E>(url: string, body: object | undefined, onEvent: (ev: E) => void, signal?: AbortSignal): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headersFor('POST', body !== undefined), accept: 'application/x-ndjson, application/json' },
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw await errorFrom(res);
  if (!res.body) throw new Error('The browser gave no response stream.');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) onEvent(JSON.parse(line) as E);
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) onEvent(JSON.parse(rest) as E);
}

export const runQuery = (projectId: string, body: { sql: string; connectionId?: string }, onEvent: (ev: QueryEvent) => void, signal?: AbortSignal): Promise<void> =>
  streamNdjson(`/api/v1/projects/${encodeURIComponent(projectId)}/queries`, body, onEvent, signal);

/** 1-based character position (as PostgreSQL reports it) → line and column, for the error caret. */
export function lineAndColumn(sql: string, position: number): { line: number; column: number; text: string } {
  const before = sql.slice(0, Math.max(0, position - 1));
  const lines = before.split('\n');
  const line = lines.length;
  const column = (lines[lines.length - 1]?.length ?? 0) + 1;
  return { line, column, text: sql.split('\n')[line - 1] ?? '' };
}
