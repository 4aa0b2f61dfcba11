/**
 * The moving parts of `atrium files`: import and export read the server's NDJSON events as they
 * arrive and show them (cli-files-progress.ts) or pass them through (`--json`); download and
 * upload stream the file and feed the same progress view from a byte count. Nothing is held whole
 * in memory, and Ctrl-C aborts the request (the server cancels the transfer when its client goes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { bodyStream, byteCounter, CliError, EXIT, ndjson, saveTo, serverErrorText } from './cli-http.js';
import { createProgressView, type ProgressView, type TransferEvent } from './cli-files-progress.js';
import { type FilesContext, type RemoteOpts, resolveIntegration } from './cli-files-context.js';

const MAX_NAMES_PER_REQUEST = 1000;

/** A progress view on stderr, or one that shows nothing (`--quiet`, `--json`). */
export function viewFor(opts: RemoteOpts, o: Omit<Parameters<typeof createProgressView>[0], 'out'>): ProgressView {
  if (opts.quiet || opts.json) return { event() {}, stop() {} };
  return createProgressView({ ...o, out: process.stderr });
}

async function transfer(ctx: FilesContext, route: string, body: Record<string, unknown>, view: ProgressView): Promise<void> {
  const res = await ctx.api.request(ctx.projectPath(route), { json: body });
  const stop = () => view.stop();
  ctx.signal.addEventListener('abort', stop, { once: true });
  let ended = false;
  try {
    for await (const e of ndjson<TransferEvent>(res)) {
      if (ctx.opts.json) process.stdout.write(`${JSON.stringify(e)}\n`);
      view.event(e);
      if (e.type === 'end') ended = true;
      if (e.type === 'error') {
        const kept = e.filesDone ? ` ${e.filesDone} file(s) completed before it and stay.` : '';
        throw new CliError(`${serverErrorText(e.error)}${kept}`, EXIT.failed, e.error.code);
      }
    }
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
  if (!ended) throw new CliError('The server closed the transfer before its end; run the command again (completed files stay).', EXIT.failed);
}

export async function importObjects(ctx: FilesContext, keys: string[]): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { integration: string; prefix?: string; all?: boolean };
  const prefix = opts.all ? '' : opts.prefix;
  if (!keys.length && prefix === undefined) throw new CliError('Name the object keys to import, or give --prefix FOLDER (or --all).', EXIT.usage);
  if (keys.length > MAX_NAMES_PER_REQUEST) throw new CliError(`At most ${MAX_NAMES_PER_REQUEST} keys per import; import a --prefix instead, or in parts.`, EXIT.usage);
  const fi = await resolveIntegration(ctx, opts.integration);
  const view = viewFor(opts, { verb: { doing: 'Importing', done: 'Imported', where: `from '${fi.name}'` }, fileLabel: (e) => `${e.key} → ${e.path}` });
  await transfer(ctx, `/file-integrations/${encodeURIComponent(fi.id)}/import`, { ...(keys.length ? { keys } : {}), ...(prefix !== undefined ? { prefix } : {}) }, view);
}

export async function exportFiles(ctx: FilesContext, paths: string[]): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { integration: string; prefix?: string };
  if (!paths.length && opts.prefix === undefined) throw new CliError('Name the project files to export, or give --prefix FOLDER.', EXIT.usage);
  if (paths.length > MAX_NAMES_PER_REQUEST) throw new CliError(`At most ${MAX_NAMES_PER_REQUEST} paths per export; export a --prefix instead, or in parts.`, EXIT.usage);
  const fi = await resolveIntegration(ctx, opts.integration);
  const view = viewFor(opts, { verb: { doing: 'Exporting', done: 'Exported', where: `to '${fi.name}'` }, fileLabel: (e) => `${e.path} → ${e.key}` });
  await transfer(ctx, `/file-integrations/${encodeURIComponent(fi.id)}/export`, { ...(paths.length ? { paths } : {}), ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}) }, view);
}

/** Download and upload have no events of their own: these make the view's from a byte count. */
export function singleFileEvents(view: ProgressView, name: string, size: number | null) {
  const started = Date.now();
  let bytes = 0;
  view.event({ type: 'start', direction: 'import', files: 1, bytes: size ?? 0 });
  return {
    counter: byteCounter((loaded) => {
      bytes = loaded;
      view.event({ type: 'progress', key: name, path: name, loaded, total: size, filesDone: 0, bytesDone: loaded });
    }),
    done() {
      view.event({ type: 'end', files: 1, bytes, durationMs: Date.now() - started });
    },
  };
}

export async function downloadFile(ctx: FilesContext, projectPath: string): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { output?: string };
  const res = await ctx.api.request(ctx.projectPath('/files/content'), { query: { path: projectPath } });
  const length = Number(res.headers.get('content-length'));
  const size = Number.isFinite(length) && res.headers.has('content-length') ? length : null;
  if (opts.output === '-') {
    // Standard output: no progress (it may be the terminal the bars would draw on).
    await pipeline(bodyStream(res), process.stdout);
    return;
  }
  const dest = path.resolve(opts.output ?? (path.posix.basename(projectPath) || 'download'));
  if (fs.existsSync(dest) && fs.statSync(dest).isDirectory()) throw new CliError(`${dest} is a directory; give a file name with -o.`, EXIT.usage);
  const view = viewFor(opts, { verb: { doing: 'Downloading', done: 'Downloaded', where: `to ${dest}` }, fileLabel: () => projectPath });
  const p = singleFileEvents(view, projectPath, size);
  await saveTo(res, dest, [p.counter]);
  p.done();
}

export async function uploadFile(ctx: FilesContext, file: string): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { as?: string };
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (e) {
    throw new CliError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, EXIT.usage);
  }
  if (!stat.isFile()) throw new CliError(`${file} is not a regular file.`, EXIT.usage);
  const target = opts.as ?? path.basename(file);
  const view = viewFor(opts, { verb: { doing: 'Uploading', done: 'Uploaded', where: `as ${target}` }, fileLabel: () => target });
  const p = singleFileEvents(view, target, stat.size);
  const body = fs.createReadStream(file).pipe(p.counter);
  const stored = await ctx.api.json<{ path: string; size: number; modified: string }>(ctx.projectPath('/files/content'), { method: 'PUT', query: { path: target }, stream: { body, length: stat.size } });
  p.done();
  if (opts.json) process.stdout.write(`${JSON.stringify(stored)}\n`);
}

export async function deleteFiles(ctx: FilesContext, paths: string[]): Promise<void> {
  for (const p of paths) {
    await ctx.api.request(ctx.projectPath('/files/content'), { method: 'DELETE', query: { path: p } });
    process.stderr.write(`Deleted ${p}\n`);
  }
}
