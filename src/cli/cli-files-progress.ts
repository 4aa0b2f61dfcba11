/**
 * How a transfer's progress is shown. On a terminal: cli-progress draws a bar for the file being
 * moved and one for the total (bytes, rate, ETA), with a permanent line per finished file logged
 * above them. Anywhere else (a pipe, a CI log): a line per file and a percentage line at most every
 * few seconds, never a carriage return — cli-progress's own no-TTY mode repeats the bars, which is
 * not a log format, so those lines are written here. The server's NDJSON events drive both;
 * downloads and uploads feed the same events.
 */
import type { Writable } from 'node:stream';
import cliProgress, { type Options, type Params, type SingleBar } from 'cli-progress';

// A CommonJS package whose named exports Node cannot see from ESM: taken from its default export.
const { Format, MultiBar } = cliProgress;

/** The NDJSON events of an import or export (file-integrations-schema.ts `TransferEvent`). */
export type TransferEvent =
  | { type: 'start'; direction: 'import' | 'export'; files: number; bytes: number }
  | { type: 'progress'; key: string; path: string; loaded: number; total: number | null; filesDone: number; bytesDone: number }
  | { type: 'file'; key: string; path: string; size: number; verifiedBy: string[]; unverifiedReason?: string }
  | { type: 'end'; files: number; bytes: number; durationMs: number }
  | { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> }; filesDone: number };

export type ProgressOut = Writable & { isTTY?: boolean; columns?: number };

export interface ProgressOptions {
  out: ProgressOut;
  /** Says what moves where, e.g. "Importing" / "from 'Raw'". */
  verb: { doing: string; done: string; where: string };
  /** How one finished file is named: import shows key → path, export path → key. */
  fileLabel: (e: Extract<TransferEvent, { type: 'file' }>) => string;
  /** Plain output's clock (the terminal's bars run on cli-progress's, i.e. Date.now). */
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

/** Removes terminal control characters (escape sequences, carriage returns) from text a server or a build sent. */
export const printable = (s: string) => s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '');

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const percent = (done: number, total: number) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100);

/** A name cut from the left to `width` (the end of a path says most), padded so the bars line up. */
function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `…${text.slice(text.length - width + 1)}`;
}

/** The options every live display here shares: stderr-like stream, hidden cursor, nothing left when it stops. */
export function liveOptions(out: ProgressOut, extra: Options = {}): Options {
  return { stream: out, hideCursor: true, clearOnComplete: true, stopOnComplete: false, barCompleteChar: '█', barIncompleteChar: '░', fps: 10, ...extra };
}

/** cli-progress's ETA is a number of seconds, or 'NULL' / 'INF' while it cannot tell. */
const etaText = (eta: Params['eta'] | string) => (typeof eta === 'number' ? formatDuration(eta) : '—');

interface BarPayload {
  kind: 'file' | 'total';
  name: string;
  /** The file's size when known (the file bar); null shows the bytes without a fraction. */
  size: number | null;
}

/**
 * The two bars on a terminal. Each row is `  NAME BAR PCT%  NUMBERS`: names get what the bar and
 * the numbers (about 50 columns at most) leave, so the bars stay put as the numbers change.
 */
function createBars(out: ProgressOut, files: number, bytes: number) {
  const cols = Math.max(40, out.columns || 80); // a pseudo-terminal can report 0 columns
  const barsize = Math.min(30, Math.max(10, Math.floor(cols / 5)));
  const nameWidth = (head: string) => Math.max(head.length, Math.min(30, cols - 2 - 1 - barsize - 5 - 50));
  let filesDone = 0;
  const format = (options: Options, params: Params, payload: BarPayload) => {
    const head = `Total ${filesDone}/${files}`;
    const known = payload.kind === 'total' || payload.size !== null;
    const fraction = known && params.total > 0 ? params.value / params.total : 0;
    const bar = Format.BarFormat(Math.min(1, fraction), options);
    const pct = String(known ? percent(params.value, params.total) : 0).padStart(3);
    let tail: string;
    if (payload.kind === 'file') tail = `${formatBytes(params.value)}${payload.size !== null ? ` / ${formatBytes(payload.size)}` : ''}`;
    else {
      const secs = (Date.now() - params.startTime) / 1000;
      const rate = secs > 0 ? params.value / secs : 0;
      tail = `${formatBytes(params.value)} of ${formatBytes(params.total)} · ${formatBytes(rate)}/s · ETA ${etaText(params.eta)}`;
    }
    return `  ${fit(payload.kind === 'total' ? head : printable(payload.name), nameWidth(head))} ${bar} ${pct}%  ${tail}`;
  };
  const multibar = new MultiBar(liveOptions(out, { format, barsize, emptyOnZero: true }));
  let fileBar: SingleBar | null = null;
  let totalBar: SingleBar | null = null;
  let stopped = false;
  return {
    progress(e: Extract<TransferEvent, { type: 'progress' }>) {
      filesDone = e.filesDone;
      // Created at the first progress so the file bar sits above the total, as people expect.
      fileBar ??= multibar.create(e.total ?? 0, 0, { kind: 'file', name: e.key, size: e.total } satisfies BarPayload);
      totalBar ??= multibar.create(bytes, 0, { kind: 'total', name: '', size: bytes } satisfies BarPayload);
      fileBar.setTotal(e.total ?? 0);
      fileBar.update(e.loaded, { name: e.key, size: e.total });
      totalBar.update(e.bytesDone);
    },
    fileDone(bytesDone: number, line: string) {
      filesDone += 1;
      // Nothing drawn yet (a file with no progress event): a plain line, no redraw loop started.
      if (!fileBar || !totalBar) return void out.write(`${line}\n`);
      totalBar.update(bytesDone);
      fileBar.update(fileBar.getTotal());
      multibar.log(`${line}\n`);
      // Shown now, not at the next frame: the log is flushed by a redraw.
      multibar.update();
    },
    stop() {
      if (stopped || !fileBar) return;
      stopped = true;
      // Flush the logged lines, then clear the bars and show the cursor (again, if cli-progress
      // already stopped on SIGINT: harmless).
      multibar.update();
      multibar.stop();
    },
  };
}

export function createProgressView(o: ProgressOptions): ProgressView {
  const now = o.now ?? Date.now;
  const tty = Boolean(o.out.isTTY);
  const started = now();
  let total = { files: 0, bytes: 0 };
  let filesDone = 0;
  let bytesDone = 0;
  let completedBytes = 0;
  let lastPlain = started;
  let bars: ReturnType<typeof createBars> | null = null;

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
  const stopBars = () => {
    bars?.stop();
    bars = null;
  };

  return {
    event(e) {
      switch (e.type) {
        case 'start':
          total = { files: e.files, bytes: e.bytes };
          write(`${o.verb.doing} ${plural(e.files, 'file')} (${formatBytes(e.bytes)}) ${o.verb.where}\n`);
          if (tty && e.files > 0) bars = createBars(o.out, e.files, e.bytes);
          break;
        case 'progress': {
          bytesDone = e.bytesDone;
          filesDone = e.filesDone;
          if (bars) bars.progress(e);
          else if (!tty && now() - lastPlain >= (o.plainEveryMs ?? 2000)) {
            lastPlain = now();
            write(`  ${percent(bytesDone, total.bytes)}% · ${totals()}\n`);
          }
          break;
        }
        case 'file': {
          filesDone += 1;
          completedBytes += e.size;
          bytesDone = completedBytes;
          const verified = e.verifiedBy.length ? `verified by ${e.verifiedBy.join(', ')}` : `not verified${e.unverifiedReason ? `: ${e.unverifiedReason}` : ''}`;
          // Object keys are anyone's text: no escape sequence of theirs reaches the terminal.
          const line = `  [${filesDone}/${total.files}] ${printable(o.fileLabel(e))} (${formatBytes(e.size)}, ${verified})`;
          if (bars) bars.fileDone(bytesDone, line);
          else write(`${line}\n`);
          break;
        }
        case 'end': {
          stopBars();
          const secs = e.durationMs / 1000;
          write(`${o.verb.done} ${plural(e.files, 'file')} (${formatBytes(e.bytes)}) in ${secs < 10 ? secs.toFixed(1) : Math.round(secs)}s${secs > 0 ? `, ${formatBytes(e.bytes / secs)}/s` : ''}.\n`);
          break;
        }
        case 'error':
          stopBars();
          break;
      }
    },
    stop: stopBars,
  };
}
