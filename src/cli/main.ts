#!/usr/bin/env node
/**
 * The `atrium` command: `serve` runs the server; `admin`, `keys` and `audit` work on the same data
 * directory or DATABASE_URL directly (safe while a server runs: SQLite in WAL mode, or PostgreSQL);
 * `run`, `files` and `packages` talk to a running server over HTTP. Those need none of the server's
 * modules, so the server is imported (cli-server.ts) only by the commands that use it: the remote
 * commands start in a fraction of the time.
 */
import { Command, Option } from 'commander';
import { PLANS } from '../modules/plans.js';
import { VERSION } from '../version.js';
import { registerFilesCommands } from './cli-files.js';
import { CliError, EXIT } from './cli-http.js';
import { registerPackagesCommands } from './cli-packages.js';

const program = new Command();
program.name('atrium').description('Atrium: share data connections, secrets, git packages and S3 buckets with projects.').version(VERSION);
// Wrong arguments exit 2, like every other usage error here (commander's own default is 1); help and --version exit 0.
program.exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

const server = () => import('./cli-server.js');

const storeOptions = (cmd: Command) =>
  cmd
    .option('--data-dir <dir>', 'data directory (env DATA_DIR; default ./data)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL (env DATABASE_URL)');

storeOptions(
  program
    .command('serve')
    .description('Run the server')
    .option('--host <host>', 'address to listen on (env HOST; default 127.0.0.1)')
    .option('--port <port>', 'port (env PORT; default 8080)')
    .option('--no-demo', 'do not create the demo workspace on a fresh database')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)'),
).action(async (opts) => (await server()).serve(opts));

const admin = program.command('admin').description('Administration');
storeOptions(
  admin
    .command('create')
    .description('Create a workspace and its first admin (the password is read from ATRIUM_ADMIN_PASSWORD or standard input)')
    .requiredOption('--email <email>', 'the admin’s email')
    .option('--name <name>', 'the admin’s display name')
    .option('--workspace <name>', 'workspace name', 'My workspace')
    .option('--slug <slug>', 'workspace slug (default: from the name)')
    .addOption(new Option('--plan <plan>', 'workspace plan').choices(PLANS).default('enterprise')),
).action(async (opts) => (await server()).adminCreate(opts, readStdin));

const keys = program.command('keys').description('Encryption keys');
storeOptions(keys.command('rotate').description('Add a new master key version and re-wrap every data key with it (safe while the server runs)')).action(async (opts) => (await server()).rotateKeys(opts));

const audit = program.command('audit').description('Audit log');
storeOptions(audit.command('verify').description('Verify the hash chains; reports the first broken link of each').option('--workspace <id>', 'only this workspace id')).action(async (opts) => (await server()).verifyAudit(opts));

program
  .command('run')
  .description("Run a command with a project's secrets as environment variables (needs ATRIUM_URL and ATRIUM_TOKEN, a token with the write scope)")
  .requiredOption('--project <id>', 'project id')
  .option('--url <url>', 'Atrium server (env ATRIUM_URL)', process.env.ATRIUM_URL ?? 'http://127.0.0.1:8080')
  .option('--token <token>', 'API token (env ATRIUM_TOKEN; prefer the variable: arguments show in the process list)')
  .argument('<command...>', 'the command and its arguments, after --')
  .action(async (command: string[], opts: { project: string; url: string; token?: string }) => {
    const token = opts.token ?? process.env.ATRIUM_TOKEN;
    if (!token) fail('Set ATRIUM_TOKEN to an API token with the write scope (create one with POST /api/v1/me/tokens): revealing secrets is not a read.');
    const { runWithProjectEnv } = await import('./cli-run.js');
    process.exitCode = await runWithProjectEnv({ url: opts.url, token, project: opts.project, command });
  });

registerFilesCommands(program);
registerPackagesCommands(program);

function fail(message: string): never {
  process.stderr.write(`atrium: ${message}\n`);
  process.exit(2);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) fail('Set ATRIUM_ADMIN_PASSWORD, or pipe the password on standard input.');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

program.parseAsync(process.argv).catch((err: Error) => {
  if (!(err instanceof CliError)) fail(err.message);
  process.stderr.write(`atrium: ${err.message}\n`);
  process.exit(err.exitCode);
});
