/**
 * `atrium files …`: a project's file store and its S3 integrations from the command line, over
 * HTTP with an API token, the same routes the console uses (so the same rules 5 and 6 apply). The
 * transfers with progress are in cli-files-transfer.ts; this file has the commands' shape, the
 * listings and the lookups they share.
 */
import type { Command } from 'commander';
import { action, type FilesContext, type RemoteOpts, resolveIntegration } from './cli-files-context.js';
import { CliError, EXIT } from './cli-http.js';
import { formatBytes } from './cli-files-progress.js';
import { deleteFiles, downloadFile, exportFiles, importObjects, uploadFile } from './cli-files-transfer.js';

export const EXIT_HELP = `
Server and token:
  --url or ATRIUM_URL (default http://127.0.0.1:8080); ATRIUM_TOKEN (or --token, which other users
  of this machine can see in the process list) is an API token: read scope for list, browse and
  download; write scope for import, export, upload and delete.

Exit codes:
  ${EXIT.ok}    done
  ${EXIT.failed}    the server refused the request or a transfer failed (the message ends with the server's code)
  ${EXIT.usage}    wrong arguments, or no token
  ${EXIT.unreachable}    the server could not be reached
  ${EXIT.interrupted}  interrupted (Ctrl-C): the server stops the transfer; files already completed stay`;

function remote(cmd: Command): Command {
  return cmd
    .requiredOption('--project <id>', 'project id')
    .option('--url <url>', 'Atrium server (env ATRIUM_URL)', process.env.ATRIUM_URL ?? 'http://127.0.0.1:8080')
    .option('--token <token>', 'API token (env ATRIUM_TOKEN; prefer the variable)')
    .addHelpText('after', EXIT_HELP);
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-'.padEnd(16));
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

interface ProjectFile {
  path: string;
  size: number;
  modified: string;
}

async function listFiles(ctx: FilesContext): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { prefix?: string };
  const body = await ctx.api.json<{ files: ProjectFile[]; usage: { files: number; bytes: number; maxFiles: number; maxBytes: number } }>(ctx.projectPath('/files'), { query: { prefix: opts.prefix } });
  if (opts.json) return out(JSON.stringify({ files: body.files, usage: body.usage }));
  for (const f of body.files) out(`${formatBytes(f.size).padStart(9)}  ${when(f.modified)}  ${f.path}`);
  const u = body.usage;
  note(`${body.files.length} file(s)${opts.prefix ? ` under ${opts.prefix}` : ''}; the project holds ${u.files} of ${u.maxFiles} files, ${formatBytes(u.bytes)} of ${formatBytes(u.maxBytes)}.`);
}

interface Listing {
  folders: { prefix: string; name: string }[];
  objects: { key: string; name: string; size: number; modified: string | null }[];
  nextPageToken?: string;
}

async function browse(ctx: FilesContext, integration: string): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { prefix?: string; filter?: string; limit?: number };
  const fi = await resolveIntegration(ctx, integration);
  const prefix = opts.prefix && !opts.prefix.endsWith('/') ? `${opts.prefix}/` : opts.prefix;
  const limit = opts.limit ?? Infinity;
  const all: Listing = { folders: [], objects: [] };
  let pageToken: string | undefined;
  // The server pages at 1,000 keys; follow the pages until the end or the limit.
  do {
    const page = await ctx.api.json<Listing>(ctx.projectPath(`/file-integrations/${encodeURIComponent(fi.id)}/objects`), { query: { prefix, pageToken, q: opts.filter } });
    all.folders.push(...page.folders);
    all.objects.push(...page.objects);
    pageToken = page.nextPageToken;
  } while (pageToken && all.folders.length + all.objects.length < limit);
  let truncated = Boolean(pageToken);
  if (all.folders.length + all.objects.length > limit) {
    truncated = true;
    all.folders = all.folders.slice(0, limit);
    all.objects = all.objects.slice(0, Math.max(0, limit - all.folders.length));
  }
  if (opts.json) return out(JSON.stringify({ integration: fi, prefix: prefix ?? '', folders: all.folders, objects: all.objects, truncated }));
  for (const f of all.folders) out(`${'DIR'.padStart(9)}  ${''.padEnd(16)}  ${f.prefix}`);
  for (const o of all.objects) out(`${formatBytes(o.size).padStart(9)}  ${when(o.modified)}  ${o.key}`);
  note(`${all.folders.length} folder(s), ${all.objects.length} object(s) in '${fi.name}'${prefix ? ` under ${prefix}` : ''}${truncated ? ` — more not shown (--limit ${opts.limit})` : ''}.`);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--limit must be a whole number of 1 or more (got '${v}').`, EXIT.usage);
  return n;
}

export function registerFilesCommands(program: Command): void {
  const files = program
    .command('files')
    .description("A project's files and its S3 integrations, on a running server: list, browse, import, export, download, upload, delete")
    .addHelpText('after', EXIT_HELP);

  remote(files.command('list').description("List the project's files: size, modified (UTC), path"))
    .option('--prefix <folder>', 'only files under this folder')
    .option('--json', 'print the list as JSON')
    .action(action(listFiles));

  remote(files.command('browse').description("List a bucket's folders and objects (every page, or --limit entries)"))
    .requiredOption('--integration <name|id>', 'the file integration (imported into the project)')
    .option('--prefix <folder>', 'a folder of the bucket, relative to the integration’s prefix')
    .option('--filter <text>', 'only names containing this (case-insensitive)')
    .option('--limit <n>', 'stop after this many entries', positiveInt)
    .option('--json', 'print the listing as JSON')
    .action(action((ctx) => browse(ctx, (ctx.opts as RemoteOpts & { integration: string }).integration)));

  remote(files.command('import').description('Import objects (keys, or every object under --prefix) into external-files/s3/<integration>/, with progress'))
    .requiredOption('--integration <name|id>', 'the file integration (imported into the project)')
    .argument('[keys...]', 'object keys, relative to the integration’s prefix')
    .option('--prefix <folder>', "every object under this folder ('' or --all for everything)")
    .option('--all', 'every object of the integration')
    .option('--json', 'print the server’s NDJSON events (start, progress, file, end | error) as they come')
    .option('-q, --quiet', 'no progress, only errors')
    .action(action(importObjects));

  remote(files.command('export').description('Export project files to the bucket (the integration needs writeback), with progress'))
    .requiredOption('--integration <name|id>', 'the file integration (imported into the project)')
    .argument('[paths...]', "project file paths; a file under the integration's folder goes back to its key")
    .option('--prefix <folder>', "every project file under this folder ('' for the integration's own folder)")
    .option('--json', 'print the server’s NDJSON events as they come')
    .option('-q, --quiet', 'no progress, only errors')
    .action(action(exportFiles));

  remote(files.command('download').description('Download a project file, streamed'))
    .argument('<path>', 'the project path')
    .option('-o, --output <file>', "where to write it ('-' for standard output; default: its name, in this directory)")
    .option('-q, --quiet', 'no progress, only errors')
    .action(action(downloadFile));

  remote(files.command('upload').description('Upload a file into the project (adds or replaces), streamed'))
    .argument('<file>', 'the local file')
    .option('--as <path>', 'the project path (default: the file’s name)')
    .option('--json', 'print the stored file as JSON')
    .option('-q, --quiet', 'no progress, only errors')
    .action(action(uploadFile));

  remote(files.command('delete').alias('rm').description('Delete project files'))
    .argument('<paths...>', 'project paths')
    .action(action(deleteFiles));
}
