/**
 * The commands that work on the server's own data (`serve`, `admin create`, `keys rotate`,
 * `audit verify`): they need the whole server (store, services, crypto), so main.ts loads this
 * module only when one of them runs, and `atrium files|packages|run` start without it.
 */
import net from 'node:net';
import { loadConfig, type ConfigOverrides } from '../config.js';
import { createAtrium, createServices } from '../main.js';
import { createAuditService } from '../modules/audit/audit-service.js';
import { systemContext } from '../modules/audit/audit-types.js';
import { PASSWORD_MIN_LENGTH } from '../modules/auth/auth-passwords.js';
import type { Plan } from '../modules/plans.js';
import { assertSandboxAvailable, sandboxAvailable } from '../sandbox/sandbox-bwrap.js';
import { openStore } from '../store/store.js';
import { VERSION } from '../version.js';
import { CliError, EXIT } from './cli-http.js';
import { keysRotate } from './cli-keys.js';

type Opts = Record<string, unknown>;

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

function configFrom(opts: Opts) {
  const flags: ConfigOverrides = {};
  if (opts.host) flags.host = String(opts.host);
  if (opts.port !== undefined) flags.port = String(opts.port);
  if (opts.dataDir) flags.dataDir = String(opts.dataDir);
  if (opts.databaseUrl) flags.databaseUrl = String(opts.databaseUrl);
  if (opts.demo === false) flags.demo = false;
  if (opts.logLevel) flags.logLevel = String(opts.logLevel);
  return loadConfig(process.env, flags);
}

export async function serve(opts: Opts): Promise<void> {
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
}

export async function adminCreate(opts: Opts, readStdin: () => Promise<string>): Promise<void> {
  const config = configFrom({ ...opts, demo: false });
  const password = process.env.ATRIUM_ADMIN_PASSWORD ?? (await readStdin()).replace(/\r?\n$/, '');
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new CliError(`The password must have at least ${PASSWORD_MIN_LENGTH} characters (set ATRIUM_ADMIN_PASSWORD or pipe it on standard input).`, EXIT.usage);
  }
  const slug = String(opts.slug ?? opts.workspace).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace';
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const s = await createServices(config, store);
    const ctx = systemContext('cli');
    const user = await s.workspaces.findOrCreateUserStandalone({ email: String(opts.email), name: opts.name as string | undefined, password }, ctx);
    const ws = await s.workspaces.create({ name: String(opts.workspace), slug, plan: opts.plan as Plan, adminUserId: user.id }, ctx);
    process.stdout.write(`Created workspace '${ws.name}' (${ws.slug}, ${ws.id}) with admin ${user.email}${user.created ? '' : ' (existing user)'}.\n`);
  } finally {
    await store.close();
  }
}

export async function rotateKeys(opts: Opts): Promise<void> {
  process.stdout.write(`${await keysRotate(configFrom(opts))}\n`);
}

export async function verifyAudit(opts: Opts): Promise<void> {
  const config = configFrom(opts);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const r = await createAuditService({ db: store.db }).verify(opts.workspace as string | undefined);
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
}
