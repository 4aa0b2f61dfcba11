/**
 * Following a package install: `POST /projects/{p}/packages/{name}/install` streams NDJSON
 * (status, log lines, then end or error; it joins an install already running and replays its log
 * first). The log lines are printed as they come — on a terminal above a cli-progress line with a
 * spinner and the elapsed time, elsewhere as plain lines — or the events pass through (`--json`).
 * Used by `atrium packages install|add` and by `atrium run` before it materializes packages.
 */
import cliProgress, { type Params, type SingleBar } from 'cli-progress';
import { type CliApi, CliError, EXIT, ndjson } from './cli-http.js';
import { formatDuration, liveOptions, printable, type ProgressOut } from './cli-files-progress.js';

/** git-packages-schema.ts `PackageInstallEvent`. */
export type InstallEvent =
  | { type: 'status'; status: 'pending' | 'installing' | 'installed' | 'failed'; commit: string }
  | { type: 'log'; line: string }
  | { type: 'end'; status: 'pending' | 'installing' | 'installed' | 'failed'; commit: string; artifactKey: string | null; cached: boolean }
  | { type: 'error'; code: string; message: string };

export type InstallOutcome = { ok: true; commit: string; cached: boolean; seconds: number } | { ok: false; code: string; message: string };

export interface FollowOptions {
  api: CliApi;
  project: string;
  name: string;
  /** Where the log and the spinner go (stderr); nothing with `quiet`. */
  out: ProgressOut;
  quiet?: boolean;
  /** Each event as an NDJSON line here instead of the log (`--json`). */
  json?: (line: string) => void;
  /** Before each printed line, e.g. 'atrium: ' for `atrium run`. */
  prefix?: string;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The log view: plain lines, or on a terminal the same lines above a spinner with the elapsed time. */
function installView(o: FollowOptions) {
  const prefix = o.prefix ?? '';
  if (o.quiet || o.json) return { line() {}, status() {}, stop() {} };
  if (!o.out.isTTY) return { line: (s: string) => void o.out.write(`${prefix}${s}\n`), status() {}, stop() {} };
  const format = (_opts: unknown, params: Params, payload: { what: string }) => {
    const ms = Date.now() - params.startTime;
    return `${FRAMES[Math.floor(ms / 100) % FRAMES.length]} ${payload.what} · ${formatDuration(ms / 1000)}`;
  };
  const multibar = new cliProgress.MultiBar(liveOptions(o.out, { format }));
  let spinner: SingleBar | null = null;
  return {
    line(s: string) {
      if (!spinner) return void o.out.write(`${prefix}${s}\n`);
      multibar.log(`${prefix}${s}\n`);
    },
    status(what: string) {
      if (spinner) spinner.update({ what });
      else spinner = multibar.create(1, 0, { what });
    },
    stop() {
      if (!spinner) return;
      spinner = null;
      // Flush the lines logged since the last frame, then clear the spinner.
      multibar.update();
      multibar.stop();
    },
  };
}

/** Starts (or joins) the install of one package and follows it to its end. Throws only when the stream itself fails. */
export async function followInstall(o: FollowOptions): Promise<InstallOutcome> {
  const started = Date.now();
  const res = await o.api.request(`/api/v1/projects/${encodeURIComponent(o.project)}/packages/${encodeURIComponent(o.name)}/install`, { method: 'POST' });
  const view = installView(o);
  try {
    for await (const e of ndjson<InstallEvent>(res)) {
      o.json?.(JSON.stringify(e));
      if (e.type === 'status') view.status(`Installing ${o.name} @ ${e.commit.slice(0, 12)}`);
      else if (e.type === 'log') view.line(`  ${printable(e.line)}`);
      else if (e.type === 'end') return { ok: true, commit: e.commit, cached: e.cached, seconds: (Date.now() - started) / 1000 };
      else if (e.type === 'error') return { ok: false, code: e.code, message: printable(e.message) };
    }
  } finally {
    view.stop();
  }
  throw new CliError(`The server closed the install of '${o.name}' before its end; it may still be running: run the command again to follow it.`, EXIT.failed);
}

/** The one line that ends an install on the terminal. */
export function outcomeLine(name: string, r: InstallOutcome): string {
  if (!r.ok) return `Installing ${name} failed: ${r.message} (${r.code})`;
  return `Installed ${name} @ ${r.commit.slice(0, 12)} in ${r.seconds < 10 ? r.seconds.toFixed(1) : Math.round(r.seconds)}s${r.cached ? ' (from the cache)' : ''}.`;
}
