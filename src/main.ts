/**
 * The composition root: the only place that knows the whole graph. Opens the store, builds the
 * repositories' services in dependency order, loads the access index, and assembles the server.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import { buildServer } from './http/http-server.js';
import type { Services } from './http/http-services.js';
import { createAuditService } from './modules/audit/audit-service.js';
import { createAuditWriter } from './modules/audit/audit-writer.js';
import { createAuthService } from './modules/auth/auth-service.js';
import { createAuthzService } from './modules/authz/authz-service.js';
import { type DemoResult, isFreshDatabase, seedDemo } from './modules/demo/demo-seed.js';
import { createGroupsService } from './modules/groups/groups-service.js';
import { createProjectsService } from './modules/projects/projects-service.js';
import { createAssetsService } from './modules/assets/assets-service.js';
import { createSecretsService } from './modules/secrets/secrets-service.js';
import { createDataConnectionsService } from './modules/data-connections/data-connections-service.js';
import { createQueriesService } from './modules/queries/queries-service.js';
import { createWorkspacesService } from './modules/workspaces/workspaces-service.js';
import { openStore, type Store } from './store/store.js';
import { openMasterKeyring } from './crypto/crypto-master-keys.js';
import { createCryptoService } from './crypto/crypto-service.js';
import { createKeysRepository } from './modules/keys/keys-repository.js';

export const VERSION = '0.1.0';

export interface Atrium {
  app: FastifyInstance;
  services: Services;
  demo: DemoResult | null;
  close(): Promise<void>;
}

export interface AtriumOptions {
  logStream?: DestinationStream;
  /** Follow writes made by other nodes (ms between checks). */
  followIntervalMs?: number;
  /** Override login throttling (tests). */
  maxFailuresPerAccount?: number;
}

export async function createServices(config: Config, store: Store, opts: AtriumOptions = {}): Promise<Services> {
  const audit = createAuditService({ db: store.db });
  // Opens (or, on first start, creates with mode 0600) the master key before anything else.
  const keyring = openMasterKeyring({ masterKey: config.masterKey, dataDir: config.dataDir });
  const dataKeys = createKeysRepository(store.db);
  if (keyring.origin.kind === 'file' && keyring.origin.created && (await dataKeys.listAll()).length > 0) {
    // Remove the wrong new key, or the next start would take it for the real one.
    fs.rmSync(keyring.origin.path, { force: true });
    throw new Error(
      `A new master key file was just created at ${keyring.origin.path}, but the database already holds encrypted data keys: ` +
        'the original key file was lost or is in another data directory. Restore it (or set ATRIUM_MASTER_KEY) and start again.',
    );
  }
  const crypto = createCryptoService({ keyring, dataKeys });
  const authz = createAuthzService({ store }, { followIntervalMs: opts.followIntervalMs });
  const auth = createAuthService(
    { store, audit },
    {
      sessionTtlMs: config.sessionTtlHours * 3600_000,
      sessionIdleMs: config.sessionIdleHours * 3600_000,
      maxFailuresPerAccount: opts.maxFailuresPerAccount,
    },
  );
  const workspaces = createWorkspacesService({ store, audit, authz });
  const groups = createGroupsService({ store, audit, authz });
  const projects = createProjectsService({ store, audit, authz });
  const assets = createAssetsService({ store, audit, authz });
  const auditWriter = createAuditWriter({ store, audit });
  const secrets = createSecretsService({ store, audit, auditWriter, authz, assets, crypto });
  const connections = createDataConnectionsService(
    { store, assets, crypto },
    { poolMax: config.sqlPoolMax, connectTimeoutMs: 10_000, ssrfGuard: config.ssrfGuard, ssrfAllowHosts: config.ssrfAllowHosts, filesDir: config.filesDir, protectedDir: config.dataDir },
  );
  const queries = createQueriesService(
    { store, authz, assets, connections, auditWriter },
    { maxRows: config.queryMaxRows, timeoutMs: config.queryTimeoutMs, resultMaxRows: config.resultMaxRows, resultMaxBytes: config.resultMaxBytes },
  );
  await authz.rebuild();
  return { store, crypto, audit, auth, authz, workspaces, groups, projects, assets, secrets, connections, queries };
}

export async function createAtrium(config: Config, opts: AtriumOptions = {}): Promise<Atrium> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const services = await createServices(config, store, opts);
    let demo: DemoResult | null = null;
    if (config.demo && (await isFreshDatabase(store))) {
      demo = await seedDemo(services, { password: config.demoPassword, filesDir: config.filesDir });
    }
    await services.authz.startFollowing();
    const app = await buildServer(services, {
      logLevel: config.logLevel,
      logStream: opts.logStream,
      trustProxy: config.trustProxy,
      bodyLimitBytes: config.bodyLimitBytes,
      version: VERSION,
    });
    return {
      app,
      services,
      demo,
      async close() {
        await services.authz.stopFollowing();
        await app.close();
        await services.connections.closeAll();
        await store.close();
      },
    };
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
}
