/**
 * Runs a SQL cell: POST /projects/{p}/queries answers NDJSON that is read as it arrives, so rows
 * render while the query still runs. A failure before the first row is an ordinary JSON error
 * (thrown as ApiError); a later one arrives as an `error` event.
 */
import { errorFrom, headersFor } from './client';
import type { Column } from './types';

export type QueryEvent =
  | { type: 'query'; queryId: string; connectionId: string; connectionName: string }
  | { type: 'columns'; columns: Column[] }
  | { type: 'rows'; rows: unknown[][] }
  | { type: 'end'; rowCount: number; truncated: boolean; queryId: string; durationMs: number; storedRows: number }
  | { type: 'error'; error: { code: string; message: string; details?: { position?: number; [k: string]: unknown } } };

export async function runQuery(
  projectId: string,
  body: { sql: string; connectionId?: string },
  onEvent: (ev: QueryEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const res = await fetch(`/api/v1/projects/${encodeURIComponent(projectId)}/queries`, {
    method: 'POST',
    headers: { ...headersFor('POST', true), accept: 'application/x-ndjson, application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
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
      if (line) onEvent(JSON.parse(line) as QueryEvent);
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) onEvent(JSON.parse(rest) as QueryEvent);
}

/** 1-based character position (as PostgreSQL reports it) → line and column, for the error caret. */
export function lineAndColumn(sql: string, position: number): { line: number; column: number; text: string } {
  const before = sql.slice(0, Math.max(0, position - 1));
  const lines = before.split('\n');
  const line = lines.length;
  const column = (lines[lines.length - 1]?.length ?? 0) + 1;
  return { line, column, text: sql.split('\n')[line - 1] ?? '' };
}
