/**
 * `atrium packages …`: a project's git packages on a running server, over HTTP with an API token —
 * the routes the console uses, so rule 5 (may this caller use the package here?) is the server's.
 * list shows each pin and its install state; install follows the install's log as it runs (or
 * joins one already running); download streams the installed tree as tar or zip; add imports a
 * workspace package into the project and follows its first install.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import { action, type FilesContext, type RemoteOpts } from './cli-files-context.js';
import { formatBytes } from './cli-files-progress.js';
import { singleFileEvents, viewFor } from './cli-files-transfer.js';
import { bodyStream, byteCounter, CliError, EXIT, saveTo } from './cli-http.js';
import { followInstall, outcomeLine } from './cli-packages-install.js';

export const PACKAGES_HELP = `
Server and token:
  --url or ATRIUM_URL (default http://127.0.0.1:8080); ATRIUM_TOKEN (or --token, which other users
  of this machine can see in the process list) is an API token: read scope for list and download;
  write scope for install and add. Installing and downloading need can_edit on the project and
  access to the package.

Exit codes:
  ${EXIT.ok}    done
  ${EXIT.failed}    the server refused the request or the install failed (the message ends with the server's code)
  ${EXIT.usage}    wrong arguments, or no token
  ${EXIT.unreachable}    the server could not be reached
  ${EXIT.interrupted}  interrupted (Ctrl-C): an install keeps running on the server; run install again to follow it`;

const INTERRUPTED = 'Interrupted. An install keeps running on the server: `atrium packages install` follows it again.';

function remote(cmd: Command): Command {
  return cmd
    .requiredOption('--project <id>', 'project id')
    .option('--url <url>', 'Atrium server (env ATRIUM_URL)', process.env.ATRIUM_URL ?? 'http://127.0.0.1:8080')
    .option('--token <token>', 'API token (env ATRIUM_TOKEN; prefer the variable)')
    .addHelpText('after', PACKAGES_HELP);
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const note = (line: string): void => void process.stderr.write(`${line}\n`);

/** git-packages-schema.ts `ProjectPackage`: only id, visible and usable when the caller may not see it. */
export interface ProjectPackage {
  id: string;
  name: string | null;
  visible: boolean;
  usable: boolean;
  commit?: string | null;
  status?: 'pending' | 'installing' | 'installed' | 'failed';
  error?: { code: string; message: string } | null;
  outdated?: boolean;
  outdatedReason?: string | null;
}

export const listPackages = (ctx: Pick<FilesContext, 'api' | 'projectPath'>) => ctx.api.json<{ packages: ProjectPackage[] }>(ctx.projectPath('/packages'));

async function list(ctx: FilesContext): Promise<void> {
  const { packages } = await listPackages(ctx);
  if (ctx.opts.json) return out(JSON.stringify({ packages }));
  const width = Math.max(8, ...packages.map((p) => (p.name ?? '').length));
  for (const p of packages) {
    const notes = [
      p.outdated ? `outdated${p.outdatedReason ? `: ${p.outdatedReason}` : ''}` : '',
      p.status === 'failed' && p.error ? `${p.error.message} (${p.error.code})` : '',
      p.visible && !p.usable ? 'you may not use it in this project' : '',
      !p.visible ? `a package you cannot see (${p.id})` : '',
    ].filter(Boolean);
    out(`${(p.name ?? '(hidden)').padEnd(width)}  ${(p.commit?.slice(0, 12) ?? '-').padEnd(12)}  ${(p.status ?? '-').padEnd(10)}${notes.length ? `  ${notes.join('; ')}` : ''}`.trimEnd());
  }
  const count = (f: (p: ProjectPackage) => boolean) => packages.filter(f).length;
  const todo = count((p) => p.status !== 'installed' || !!p.outdated);
  note(`${packages.length} package(s); ${count((p) => p.status === 'installed' && !p.outdated)} installed and current${todo ? `, ${todo} to install (atrium packages install --project ${ctx.opts.project} NAME)` : ''}.`);
}

async function install(ctx: FilesContext, name: string): Promise<void> {
  const opts = ctx.opts;
  const r = await followInstall({ api: ctx.api, project: opts.project, name, out: process.stderr, quiet: opts.quiet, json: opts.json ? out : undefined });
  if (!r.ok) throw new CliError(outcomeLine(name, r), EXIT.failed, r.code);
  if (!opts.quiet && !opts.json) note(outcomeLine(name, r));
}

async function download(ctx: FilesContext, name: string): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { format: 'tar' | 'zip'; output?: string };
  const res = await ctx.api.request(ctx.projectPath(`/packages/${encodeURIComponent(name)}/archive`), { query: { format: opts.format } });
  if (opts.output === '-') {
    await pipeline(bodyStream(res), process.stdout);
    return;
  }
  // The server names the archive NAME-COMMIT.FORMAT; only its base name is used here.
  const suggested = /filename="([^"/\\]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const dest = path.resolve(opts.output ?? (suggested && !suggested.startsWith('.') ? suggested : `${name}.${opts.format}`));
  if (fs.existsSync(dest) && fs.statSync(dest).isDirectory()) throw new CliError(`${dest} is a directory; give a file name with -o.`, EXIT.usage);
  const length = res.headers.has('content-length') ? Number(res.headers.get('content-length')) : NaN;
  const started = Date.now();
  let bytes = 0;
  if (Number.isFinite(length)) {
    // A known size: the same bars as `atrium files download`.
    const view = viewFor(opts, { verb: { doing: 'Downloading', done: 'Downloaded', where: `to ${dest}` }, fileLabel: () => name });
    const p = singleFileEvents(view, name, length);
    ctx.signal.addEventListener('abort', () => view.stop(), { once: true });
    await saveTo(res, dest, [p.counter]);
    p.done();
    return;
  }
  await saveTo(res, dest, [byteCounter((n) => (bytes = n))]);
  if (!opts.quiet) note(`Downloaded ${name} (${formatBytes(bytes)}) to ${dest} in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
}

interface WorkspacePackage {
  id: string;
  name: string;
  resolvedCommit: string | null;
}

async function add(ctx: FilesContext, nameOrId: string): Promise<void> {
  const opts = ctx.opts as RemoteOpts & { confirm?: boolean; wait: boolean };
  const project = await ctx.api.json<{ workspaceId: string }>(ctx.projectPath(''));
  const { packages } = await ctx.api.json<{ packages: WorkspacePackage[] }>(`/api/v1/workspaces/${encodeURIComponent(project.workspaceId)}/git-packages`);
  const pkg = packages.find((p) => p.id === nameOrId) ?? packages.find((p) => p.name === nameOrId) ?? packages.find((p) => p.name.toLowerCase() === nameOrId.toLowerCase());
  if (!pkg) {
    const names = packages.map((p) => `'${p.name}'`).join(', ');
    throw new CliError(`The workspace has no git package called '${nameOrId}' that you can see${names ? ` (there are ${names})` : ''}.`, EXIT.failed, 'not_found');
  }
  let r: { applied: boolean; alreadyImported: boolean; package: ProjectPackage | null };
  try {
    r = await ctx.api.json(ctx.projectPath('/packages'), { json: { packageId: pkg.id, ...(opts.confirm ? { confirm: true } : {}) } });
  } catch (e) {
    if (e instanceof CliError && e.code === 'asset_access_required') throw new CliError(`${e.message} Run again with --confirm to add it anyway.`, e.exitCode, e.code);
    throw e;
  }
  if (opts.json && !opts.wait) return out(JSON.stringify(r));
  note(r.alreadyImported ? `${pkg.name} is already in the project (pinned to ${r.package?.commit?.slice(0, 12) ?? '?'}).` : `Added ${pkg.name}, pinned to ${r.package?.commit?.slice(0, 12) ?? '?'}.`);
  if (opts.wait) await install(ctx, pkg.name);
}

export function registerPackagesCommands(program: Command): void {
  const packages = program
    .command('packages')
    .description("A project's git packages, on a running server: list, install (with its log), download, add")
    .addHelpText('after', PACKAGES_HELP);

  remote(packages.command('list').description('List the project’s packages: name, pinned commit, install status, outdated (and why)'))
    .option('--json', 'print the server’s list as JSON')
    .action(action(list, INTERRUPTED));

  remote(packages.command('install').description('Install (or re-install, or follow the running install of) a package, printing its log as it comes'))
    .argument('<name>', 'the package’s name')
    .option('--json', 'print the server’s NDJSON events (status, log…, end | error) as they come')
    .option('-q, --quiet', 'no log, only errors')
    .action(action(install, INTERRUPTED));

  remote(packages.command('download').description('Download an installed package as a tar or zip archive, streamed'))
    .argument('<name>', 'the package’s name')
    .addOption(new Option('--format <format>', 'archive format').choices(['tar', 'zip']).default('tar'))
    .option('-o, --output <file>', "where to write it ('-' for standard output; default: the server's name for it, NAME-COMMIT.FORMAT)")
    .option('-q, --quiet', 'no progress, only errors')
    .action(action(download, INTERRUPTED));

  remote(packages.command('add').description("Add a workspace git package to the project (pinned to the commit its ref names now), then follow its install"))
    .argument('<package>', 'the package’s name or id')
    .option('--confirm', 'add it even though some project members would not have access to it (rule 7)')
    .option('--no-wait', 'do not follow the install')
    .option('--json', 'print the install’s NDJSON events (or, with --no-wait, the server’s answer)')
    .option('-q, --quiet', 'no log, only errors')
    .action(action(add, INTERRUPTED));
}
