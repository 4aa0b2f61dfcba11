/**
 * The composition root: the only place that knows the whole graph. Opens the store, builds the
 * repositories, then the services (each handed only what it uses), loads the access index, and
 * hands the HTTP server its route plugins. See docs/architecture.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import { openMasterKeyring } from './crypto/crypto-master-keys.js';
import { createCryptoService } from './crypto/crypto-service.js';
import { type RoutePlugin, buildServer } from './http/http-server.js';
import { registerAssetLifecycleRoutes, registerImportsRoutes } from './modules/assets/assets-routes.js';
import { createAssetsRepository } from './modules/assets/assets-repository.js';
import { createAssetsService } from './modules/assets/assets-service.js';
import { registerAuditRoutes } from './modules/audit/audit-routes.js';
import { createAuditRepository } from './modules/audit/audit-repository.js';
import { type AuditWrite, createAuditReader, createAuditService } from './modules/audit/audit-service.js';
import { registerAuthRoutes } from './modules/auth/auth-routes.js';
import { createAuthRepository } from './modules/auth/auth-repository.js';
import { createAuthService } from './modules/auth/auth-service.js';
import { createAuthzPolicies } from './modules/authz/authz-policies.js';
import { createAuthzRepository, loadAccessFacts } from './modules/authz/authz-repository.js';
import { createAuthzService } from './modules/authz/authz-service.js';
import { connectorErrorToAppError } from './modules/data-connections/data-connections-errors.js';
import { registerDataConnectionsRoutes } from './modules/data-connections/data-connections-routes.js';
import { createDataConnectionsRepository } from './modules/data-connections/data-connections-repository.js';
import { createDataConnectionsService } from './modules/data-connections/data-connections-service.js';
import { type DemoResult, seedDemo } from './modules/demo/demo-seed.js';
import { s3ErrorToAppError } from './modules/file-integrations/file-integrations-errors.js';
import { createFileIntegrationsRepository } from './modules/file-integrations/file-integrations-repository.js';
import { registerFileIntegrationsRoutes } from './modules/file-integrations/file-integrations-routes.js';
import { createFileIntegrationsService } from './modules/file-integrations/file-integrations-service.js';
import { registerGroupsRoutes } from './modules/groups/groups-routes.js';
import { createGroupsRepository } from './modules/groups/groups-repository.js';
import { createGroupsService } from './modules/groups/groups-service.js';
import { createPackageCache } from './modules/git-packages/git-packages-cache.js';
import { createS3ArtifactStore } from './modules/git-packages/git-packages-cache-s3.js';
import { createGitPackagesRepository } from './modules/git-packages/git-packages-repository.js';
import { registerGitPackagesRoutes } from './modules/git-packages/git-packages-routes.js';
import { createGitPackagesService } from './modules/git-packages/git-packages-service.js';
import { createGitProvidersRepository } from './modules/git-providers/git-providers-repository.js';
import { registerGitProvidersRoutes } from './modules/git-providers/git-providers-routes.js';
import { createGitProvidersService } from './modules/git-providers/git-providers-service.js';
import { githubOAuthStateKey } from './connectors/git-providers/github-oauth-state.js';
import { createKeysRepository } from './modules/keys/keys-repository.js';
import { registerProjectFilesRoutes } from './modules/project-files/project-files-routes.js';
import { createProjectFilesService } from './modules/project-files/project-files-service.js';
import { createLocalFileStore, createS3FileStore } from './modules/project-files/project-files-store.js';
import { registerProjectsRoutes } from './modules/projects/projects-routes.js';
import { createProjectsRepository } from './modules/projects/projects-repository.js';
import { createProjectsService } from './modules/projects/projects-service.js';
import { registerQueriesRoutes } from './modules/queries/queries-routes.js';
import { createQueriesRepository } from './modules/queries/queries-repository.js';
import { createQueriesService } from './modules/queries/queries-service.js';
import { registerSecretsRoutes } from './modules/secrets/secrets-routes.js';
import { createSecretsRepository } from './modules/secrets/secrets-repository.js';
import { createSecretsService } from './modules/secrets/secrets-service.js';
import { createUsersRepository } from './modules/users/users-repository.js';
import { createUsersService } from './modules/users/users-service.js';
import { createInvitationsRepository } from './modules/invitations/invitations-repository.js';
import { registerInvitationsRoutes } from './modules/invitations/invitations-routes.js';
import { createInvitationsService } from './modules/invitations/invitations-service.js';
import { registerWorkspacesRoutes } from './modules/workspaces/workspaces-routes.js';
import { createWorkspacesRepository } from './modules/workspaces/workspaces-repository.js';
import { createWorkspacesService } from './modules/workspaces/workspaces-service.js';
import { createGroupCommit } from './store/store-group-commit.js';
import { openStore, type Store } from './store/store.js';
import { VERSION } from './version.js';

export { VERSION };

export interface AtriumOptions {
  logStream?: DestinationStream;
  /** Follow writes made by other nodes (ms between checks). */
  followIntervalMs?: number;
  /** Override login throttling (tests). */
  maxFailuresPerAccount?: number;
}

/** Builds repositories, then services, in dependency order. The CLI uses it without a server. */
export async function createServices(config: Config, store: Store, opts: AtriumOptions = {}) {
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

  const repos = {
    users: createUsersRepository(store),
    auth: createAuthRepository(store),
    workspaces: createWorkspacesRepository(store),
    groups: createGroupsRepository(store),
    projects: createProjectsRepository(store),
    assets: createAssetsRepository(store),
    secrets: createSecretsRepository(store),
    connections: createDataConnectionsRepository(store),
    fileIntegrations: createFileIntegrationsRepository(store),
    queries: createQueriesRepository(store),
    audit: createAuditRepository(store.db),
    authz: createAuthzRepository(store),
    gitProviders: createGitProvidersRepository(store),
    gitPackages: createGitPackagesRepository(store),
    invitations: createInvitationsRepository(),
  };

  const audit = createAuditService({ repo: repos.audit });
  // Bursts of small writes (reveal events, stored results) share one transaction and one fsync.
  const commits = createGroupCommit<AuditWrite>(store, (tx, events) => audit.recordMany(tx, events).then(() => undefined));
  const factSources = [repos.workspaces.accessFacts, repos.groups.accessFacts, repos.projects.accessFacts, repos.assets.accessFacts];
  const authz = createAuthzService({ store, repo: repos.authz, loadFacts: () => loadAccessFacts(store.db, factSources) }, { followIntervalMs: opts.followIntervalMs });
  const policies = createAuthzPolicies(authz);

  const auth = createAuthService(
    { store, repo: repos.auth, users: repos.users, audit },
    { sessionTtlMs: config.sessionTtlHours * 3600_000, sessionIdleMs: config.sessionIdleHours * 3600_000, maxFailuresPerAccount: opts.maxFailuresPerAccount },
  );
  const workspaces = createWorkspacesService({ store, repo: repos.workspaces, users: repos.users, groups: repos.groups, projects: repos.projects, audit, authz, policies });
  const users = createUsersService({ repo: repos.users, workspaces, policies });
  const invitations = createInvitationsService({ store, repo: repos.invitations, users: repos.users, members: repos.workspaces, workspaces, audit, authz, policies });
  const groups = createGroupsService({ store, repo: repos.groups, users: repos.users, projects: repos.projects, assets: repos.assets, audit, authz, policies, workspaces });
  const projects = createProjectsService({ store, repo: repos.projects, users: repos.users, groups: repos.groups, workspaces, audit, authz, policies });
  const assets = createAssetsService({ store, repo: repos.assets, groups: repos.groups, projects: repos.projects, projectsService: projects, workspacesRepo: repos.workspaces, workspaces, audit, authz, policies });
  const secrets = createSecretsService({ store, repo: repos.secrets, assets, projects, workspaces, policies, audit, commits, crypto });
  const connections = createDataConnectionsService(
    { repo: repos.connections, assets, projects, workspaces, policies, crypto },
    {
      poolMax: config.sqlPoolMax,
      connectTimeoutMs: 10_000,
      ssrfGuard: config.ssrfGuard,
      ssrfAllowHosts: config.ssrfAllowHosts,
      filesDir: config.filesDir,
      protectedDir: config.dataDir,
      maxUploadBytes: config.connectionFileMaxBytes,
      sandbox: {
        idleMs: config.sandbox.idleMs,
        memoryBytes: config.sandbox.memoryMb * 1024 ** 2,
        processes: config.sandbox.processes,
        maxOutputBytes: config.sandbox.maxOutputBytes,
        duckdbMemoryLimitMb: config.sandbox.duckdbMemoryLimitMb,
        duckdbThreads: config.sandbox.duckdbThreads,
      },
    },
  );
  // A project's files: a directory per project, or a bucket of Atrium's own when nodes share PostgreSQL.
  const fileStore = config.filesS3
    ? createS3FileStore(config.filesS3, { tempDir: path.join(config.dataDir, 'tmp'), mirrorDir: path.join(config.dataDir, 'project-files-mirror') })
    : createLocalFileStore(path.join(config.dataDir, 'project-files'));
  const projectFiles = createProjectFilesService({ store, files: fileStore, projects, policies, audit }, { maxFiles: config.projectFilesMaxFiles, maxBytes: config.projectFilesMaxBytes });
  const fileIntegrations = createFileIntegrationsService(
    { store, repo: repos.fileIntegrations, assets, projects, workspaces, policies, crypto, audit, files: projectFiles },
    { ssrf: { enabled: config.ssrfGuard, allowHosts: config.ssrfAllowHosts } },
  );
  const queries = createQueriesService(
    { repo: repos.queries, assets, projects, workspaces, connections, policies, commits, files: projectFiles },
    { maxRows: config.queryMaxRows, timeoutMs: config.queryTimeoutMs, resultMaxRows: config.resultMaxRows, resultMaxBytes: config.resultMaxBytes },
  );
  const gitProviders = createGitProvidersService(
    { store, repo: repos.gitProviders, workspaces, policies, audit, crypto },
    { ssrf: { enabled: config.ssrfGuard, allowHosts: config.ssrfAllowHosts }, allowHttpLoopback: config.gitAllowHttpLoopback,
      githubGitBaseUrl: config.githubGitBaseUrl,
      // The GitHub sign-in's state is signed with a key derived from the master key (read at each use, so a rotation applies).
      oauthStateKey: () => githubOAuthStateKey(keyring.active().key),
    },
  );
  // Package artifacts: this node's directory, plus Atrium's own bucket (under its own prefix) when several nodes share it.
  const sharedPackageCache = config.filesS3 && config.packageCacheS3Prefix ? createS3ArtifactStore({ ...config.filesS3, prefix: config.packageCacheS3Prefix }) : undefined;
  const gitPackages = createGitPackagesService(
    { store, repo: repos.gitPackages, assets, projects, projectsRepo: repos.projects, workspaces, policies, audit, providers: gitProviders, cache: createPackageCache({ dir: path.join(config.dataDir, 'package-cache'), budgetBytes: config.packageCacheBytes, shared: sharedPackageCache }) },
    {
      workDir: path.join(config.dataDir, 'package-work'),
      limits: {
        fetchTimeoutMs: 10 * 60_000,
        fetchMaxBytes: 2 * 1024 ** 3,
        treeMaxBytes: config.packageInstallMaxBytes,
        sandbox: { wallMs: config.packageInstallTimeoutMs, cpuSeconds: Math.ceil(config.packageInstallTimeoutMs / 1000), processes: 256, fileBytes: Math.min(1024 ** 3, config.packageInstallMaxBytes) },
      },
    },
  );
  const auditReader = createAuditReader({ audit, policies, workspaces });
  await authz.rebuild();
  return { store, crypto, audit, auditReader, commits, auth, authz, policies, users, workspaces, invitations, groups, projects, assets, secrets, connections, queries, gitProviders, gitPackages, projectFiles, fileIntegrations, fileStore };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/** Each module's routes, handed the caller-facing part (`api`) of the services they call. */
function routePlugins(s: Services, config: Pick<Config, 'publicUrl'>): RoutePlugin[] {
  return [
    (app) => registerAuthRoutes(app, { auth: s.auth.api, users: s.users.api }),
    (app) => registerWorkspacesRoutes(app, { workspaces: s.workspaces.api }),
    (app) => registerInvitationsRoutes(app, { invitations: s.invitations.api }),
    (app) => registerGroupsRoutes(app, { groups: s.groups.api }),
    (app) => registerProjectsRoutes(app, { projects: s.projects.api }),
    (app) => registerAuditRoutes(app, { audit: s.auditReader }),
    (app) => registerImportsRoutes(app, { assets: s.assets.api }),
    (app) => registerSecretsRoutes(app, { secrets: s.secrets.api }),
    (app) => registerAssetLifecycleRoutes(app, { assets: s.assets.api }, 'secret', 'secrets', 'secrets'),
    (app) => registerDataConnectionsRoutes(app, { connections: s.connections.api }, { maxUploadBytes: s.connections.maxUploadBytes }),
    // Deleting a data connection also stops its workers and removes its own database file.
    (app) => registerAssetLifecycleRoutes(app, { assets: { ...s.assets.api, remove: s.connections.removingOwnFiles(s.assets.api.remove) } }, 'data_connection', 'data-connections', 'data-connections'),
    (app) => registerQueriesRoutes(app, { queries: s.queries.api }),
    (app) => registerFileIntegrationsRoutes(app, { fileIntegrations: s.fileIntegrations.api }),
    (app) => registerAssetLifecycleRoutes(app, { assets: s.assets.api }, 'file_integration', 'file-integrations', 'file-integrations'),
    (app) => registerProjectFilesRoutes(app, { files: s.projectFiles.api }, { maxUploadBytes: s.projectFiles.limits.maxBytes }),
    (app) => registerGitProvidersRoutes(app, { providers: s.gitProviders.api }, { publicUrl: config.publicUrl }),
    (app) => registerGitPackagesRoutes(app, { packages: s.gitPackages.api }),
    (app) => registerAssetLifecycleRoutes(app, { assets: s.assets.api }, 'git_package', 'git-packages', 'git-packages'),
  ];
}

export interface Atrium {
  app: FastifyInstance;
  services: Services;
  demo: DemoResult | null;
  close(): Promise<void>;
}

export async function createAtrium(config: Config, opts: AtriumOptions = {}): Promise<Atrium> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const services = await createServices(config, store, opts);
    let demo: DemoResult | null = null;
    if (config.demo && (await services.workspaces.isFresh())) {
      demo = await seedDemo(services, { password: config.demoPassword, filesDir: config.filesDir });
    }
    // Own database files of connections deleted with their project (or while a node was down).
    await services.connections.sweepOwnFiles();
    await services.authz.startFollowing();
    const app = await buildServer(
      {
        authenticator: services.auth,
        routes: routePlugins(services, config),
        errorMappers: [connectorErrorToAppError, s3ErrorToAppError],
        async readiness() {
          const database = await store.ping().then(() => 'ok', () => 'unavailable');
          return { database, accessIndex: services.authz.ready ? 'ok' : 'loading' };
        },
      },
      { logLevel: config.logLevel, logStream: opts.logStream, trustProxy: config.trustProxy, bodyLimitBytes: config.bodyLimitBytes, version: VERSION },
    );
    return {
      app,
      services,
      demo,
      async close() {
        await services.authz.stopFollowing();
        await app.close();
        await services.connections.closeAll();
        services.fileStore.close();
        await services.gitPackages.idle();
        services.gitPackages.close();
        services.gitProviders.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
}
