/**
 * How a transfer's progress is shown. On a terminal: a bar for the file being moved and one for
 * the total (bytes, rate, ETA), redrawn in place, with a permanent line per finished file. Anywhere
 * else (a pipe, a CI log): a line per file and a percentage line at most every few seconds, never
 * a carriage return. The server's NDJSON events drive both; downloads and uploads feed the same
 * events. (cli-progress would draw the bars, but it is not a dependency: two lines of ANSI redraw
 * through node:readline are all this needs.)
 */
import readline from 'node:readline';
import type { Writable } from 'node:stream';

/** The NDJSON events of an import or export (file-integrations-schema.ts `TransferEvent`). */
export type TransferEvent =
  | { type: 'start'; direction: 'import' | 'export'; files: number; bytes: number }
  | { type: 'progress'; key: string; path: string; loaded: number; total: number | null; filesDone: number; bytesDone: number }
  | { type: 'file'; key: string; path: string; size: number; verifiedBy: string[]; unverifiedReason?: string }
  | { type: 'end'; files: number; bytes: number; durationMs: number }
  | { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> }; filesDone: number };

export interface ProgressOptions {
  out: Writable & { isTTY?: boolean; columns?: number };
  /** Says what moves where, e.g. "Importing" / "from 'Raw'". */
  verb: { doing: string; done: string; where: string };
  /** How one finished file is named: import shows key → path, export path → key. */
  fileLabel: (e: Extract<TransferEvent, { type: 'file' }>) => string;
  now?: () => number;
  /** Plain output: the least time between two percentage lines. */
  plainEveryMs?: number;
}

export interface ProgressView {
  event(e: TransferEvent): void;
  /** Clears the live bars (before an error message or on Ctrl-C). */
  stop(): void;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
/** 1,000-based sizes (as `ls -lh --si` and S3 consoles show them). */
export function formatBytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${Math.round(n)} B` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const percent = (done: number, total: number) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100);

function bar(fraction: number, width: number): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `…${text.slice(text.length - width + 1)}`;
}

export function createProgressView(o: ProgressOptions): ProgressView {
  const now = o.now ?? Date.now;
  const tty = Boolean(o.out.isTTY);
  const started = now();
  let total = { files: 0, bytes: 0 };
  let filesDone = 0;
  let bytesDone = 0;
  let completedBytes = 0;
  let current: { name: string; loaded: number; total: number | null } | null = null;
  let drawn = 0;
  let lastDraw = 0;
  let lastPlain = started;

  const write = (s: string) => o.out.write(s);
  const rate = () => {
    const secs = (now() - started) / 1000;
    return secs > 0 ? bytesDone / secs : 0;
  };
  const eta = () => {
    const r = rate();
    return r > 0 ? formatDuration((total.bytes - bytesDone) / r) : '—';
  };
  const totals = () => `${formatBytes(bytesDone)} of ${formatBytes(total.bytes)} · ${formatBytes(rate())}/s · ETA ${eta()}`;

  function erase() {
    if (!drawn) return;
    readline.moveCursor(o.out, 0, -drawn);
    readline.cursorTo(o.out, 0);
    readline.clearScreenDown(o.out);
    drawn = 0;
  }

  function draw(force = false) {
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    erase();
    // A pseudo-terminal can report 0 columns.
    const cols = Math.max(40, o.out.columns || 80);
    const barWidth = Math.min(30, Math.max(10, Math.floor(cols / 5)));
    const head = `Total ${filesDone}/${total.files}`;
    const totalTail = `  ${formatBytes(bytesDone)} of ${formatBytes(total.bytes)} · ${formatBytes(rate())}/s · ETA ${eta()}`;
    const fileTail = current ? `  ${formatBytes(current.loaded)}${current.total !== null ? ` / ${formatBytes(current.total)}` : ''}` : '';
    // Names get what the bars and the numbers (about 50 columns at most) leave, so the bars stay put
    // as the numbers change, and both start in one column.
    const nameWidth = Math.max(head.length, Math.min(30, cols - 2 - 1 - barWidth - 5 - 50));
    const row = (name: string, done: number, of: number, tail: string) => `  ${fit(name, nameWidth)} ${bar(of ? done / of : 0, barWidth)} ${String(percent(done, of)).padStart(3)}%${tail}`;
    const lines: string[] = [];
    if (current) lines.push(row(current.name, current.loaded, current.total ?? 0, fileTail));
    lines.push(row(head, bytesDone, total.bytes, totalTail));
    // A line wider than the terminal wraps and the redraw would lose count of it.
    write(`${lines.map((l) => l.slice(0, cols - 1)).join('\n')}\n`);
    drawn = lines.length;
  }

  /** A permanent line: above the bars on a terminal. */
  function line(s: string) {
    if (tty) erase();
    write(`${s}\n`);
    if (tty && (current || filesDone < total.files)) draw(true);
  }

  return {
    event(e) {
      switch (e.type) {
        case 'start':
          total = { files: e.files, bytes: e.bytes };
          line(`${o.verb.doing} ${plural(e.files, 'file')} (${formatBytes(e.bytes)}) ${o.verb.where}`);
          break;
        case 'progress': {
          bytesDone = e.bytesDone;
          filesDone = e.filesDone;
          current = { name: e.key, loaded: e.loaded, total: e.total };
          if (tty) draw();
          else if (now() - lastPlain >= (o.plainEveryMs ?? 2000)) {
            lastPlain = now();
            write(`  ${percent(bytesDone, total.bytes)}% · ${totals()}\n`);
          }
          break;
        }
        case 'file': {
          filesDone += 1;
          completedBytes += e.size;
          bytesDone = completedBytes;
          current = null;
          const verified = e.verifiedBy.length ? `verified by ${e.verifiedBy.join(', ')}` : `not verified${e.unverifiedReason ? `: ${e.unverifiedReason}` : ''}`;
          line(`  [${filesDone}/${total.files}] ${o.fileLabel(e)} (${formatBytes(e.size)}, ${verified})`);
          break;
        }
        case 'end': {
          if (tty) erase();
          current = null;
          const secs = e.durationMs / 1000;
          write(`${o.verb.done} ${plural(e.files, 'file')} (${formatBytes(e.bytes)}) in ${secs < 10 ? secs.toFixed(1) : Math.round(secs)}s${secs > 0 ? `, ${formatBytes(e.bytes / secs)}/s` : ''}.\n`);
          break;
        }
        case 'error':
          if (tty) erase();
          current = null;
          break;
      }
    },
    stop() {
      if (tty) erase();
    },
  };
}
