#!/usr/bin/env node
/**
 * The `atrium` command: `serve` runs the server; the other commands work on the same data
 * directory or DATABASE_URL directly (safe while a server runs: SQLite in WAL mode, or PostgreSQL).
 */
import net from 'node:net';
import { Command, Option } from 'commander';
import { loadConfig, type ConfigOverrides } from '../config.js';
import { VERSION, createAtrium, createServices } from '../main.js';
import { systemContext } from '../modules/audit/audit-types.js';
import { PASSWORD_MIN_LENGTH } from '../modules/auth/auth-passwords.js';
import { PLANS, type Plan } from '../modules/plans.js';
import { assertSandboxAvailable, sandboxAvailable } from '../sandbox/sandbox-bwrap.js';
import { openStore } from '../store/store.js';
import { createAuditService } from '../modules/audit/audit-service.js';
import { registerFilesCommands } from './cli-files.js';
import { CliError, EXIT } from './cli-http.js';
import { keysRotate } from './cli-keys.js';
import { runWithProjectEnv } from './cli-run.js';

const program = new Command();
program.name('atrium').description('Atrium: share data connections, secrets, git packages and S3 buckets with projects.').version(VERSION);
// Wrong arguments exit 2, like every other usage error here (commander's own default is 1); help and --version exit 0.
program.exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

const storeOptions = (cmd: Command) =>
  cmd
    .option('--data-dir <dir>', 'data directory (env DATA_DIR; default ./data)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL (env DATABASE_URL)');

/** SQLite/DuckDB cells run only in the sandbox (no in-process fallback): say so at start, not at the first query. */
function warnWithoutSandbox(log: { warn(msg: string): void }): void {
  if (sandboxAvailable()) return;
  try {
    assertSandboxAvailable();
  } catch (e) {
    log.warn(`SQLite and DuckDB connections will not work: ${(e as Error).message}`);
  }
}

/** Fails with a plain message when host:port cannot be listened on (taken, or not an address of this machine). */
async function assertPortFree(host: string, port: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'is already in use' : e.code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : `cannot be used (${e.code ?? e.message})`;
      process.stderr.write(`atrium: ${host}:${port} ${why}. Stop what uses it, or choose another port with PORT=… or --port.\n`);
      process.exit(1);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function configFrom(opts: Record<string, unknown>) {
  const flags: ConfigOverrides = {};
  if (opts.host) flags.host = String(opts.host);
  if (opts.port !== undefined) flags.port = String(opts.port);
  if (opts.dataDir) flags.dataDir = String(opts.dataDir);
  if (opts.databaseUrl) flags.databaseUrl = String(opts.databaseUrl);
  if (opts.demo === false) flags.demo = false;
  if (opts.logLevel) flags.logLevel = String(opts.logLevel);
  return loadConfig(process.env, flags);
}

storeOptions(
  program
    .command('serve')
    .description('Run the server')
    .option('--host <host>', 'address to listen on (env HOST; default 127.0.0.1)')
    .option('--port <port>', 'port (env PORT; default 8080)')
    .option('--no-demo', 'do not create the demo workspace on a fresh database')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)'),
).action(async (opts) => {
  const config = configFrom(opts);
  // Before anything is created: a taken port must not cost a newcomer the demo's one-time password.
  await assertPortFree(config.host, config.port);
  const atrium = await createAtrium(config);
  warnWithoutSandbox(atrium.app.log);
  const demoLines: string[] = [];
  if (atrium.demo) {
    demoLines.push('', '  Demo workspace created. Sign in with:');
    for (const u of atrium.demo.users) demoLines.push(`    ${u.email.padEnd(20)} (${u.role})`);
    demoLines.push(
      atrium.demo.passwordGenerated
        ? `  Password for all four: ${atrium.demo.password}   (shown once; set ATRIUM_DEMO_PASSWORD to choose it)`
        : '  Password: the value of ATRIUM_DEMO_PASSWORD',
    );
  }
  let address: string;
  try {
    address = await atrium.app.listen({ host: config.host, port: config.port });
  } catch (err) {
    // The port was taken in the meantime: still show the logins of the demo just created.
    if (demoLines.length) process.stdout.write(`${demoLines.join('\n')}\n\n`);
    throw err;
  }
  const url = address.replace('[::1]', 'localhost');
  const lines = ['', `  Atrium ${VERSION} is running at ${url}`, `  Database: ${atrium.services.store.location}`, `  API docs: ${url}/api/docs`, ...demoLines];
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    atrium.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    atrium.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
});

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
).action(async (opts) => {
  const config = configFrom({ ...opts, demo: false });
  const password = process.env.ATRIUM_ADMIN_PASSWORD ?? (await readStdin()).replace(/\r?\n$/, '');
  if (password.length < PASSWORD_MIN_LENGTH) {
    fail(`The password must have at least ${PASSWORD_MIN_LENGTH} characters (set ATRIUM_ADMIN_PASSWORD or pipe it on standard input).`);
  }
  const slug = String(opts.slug ?? opts.workspace).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace';
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const s = await createServices(config, store);
    const ctx = systemContext('cli');
    const user = await s.workspaces.findOrCreateUserStandalone({ email: opts.email, name: opts.name, password }, ctx);
    const ws = await s.workspaces.create({ name: opts.workspace, slug, plan: opts.plan as Plan, adminUserId: user.id }, ctx);
    process.stdout.write(`Created workspace '${ws.name}' (${ws.slug}, ${ws.id}) with admin ${user.email}${user.created ? '' : ' (existing user)'}.\n`);
  } finally {
    await store.close();
  }
});

const keys = program.command('keys').description('Encryption keys');
storeOptions(keys.command('rotate').description('Add a new master key version and re-wrap every data key with it (safe while the server runs)')).action(async (opts) => {
  const config = configFrom(opts);
  process.stdout.write(`${await keysRotate(config)}\n`);
});

const audit = program.command('audit').description('Audit log');
storeOptions(audit.command('verify').description('Verify the hash chains; reports the first broken link of each').option('--workspace <id>', 'only this workspace id')).action(async (opts) => {
  const config = configFrom(opts);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const r = await createAuditService({ db: store.db }).verify(opts.workspace);
    if (!r.breaks.length) {
      process.stdout.write(`OK: ${r.events} events in ${r.chains} chain(s); every link verified.\n`);
      return;
    }
    for (const b of r.breaks) {
      process.stdout.write(`BROKEN: chain '${b.workspaceId || '(global)'}' at seq ${b.seq}${b.eventId ? ` (event ${b.eventId})` : ''}: ${b.reason}\n`);
    }
    process.exitCode = 1;
  } finally {
    await store.close();
  }
});

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
    process.exitCode = await runWithProjectEnv({ url: opts.url, token, project: opts.project, command });
  });

registerFilesCommands(program);

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
