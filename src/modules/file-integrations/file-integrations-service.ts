/**
 * File integrations (DESIGN.md "File integrations"): an S3 or S3-compatible bucket as a
 * workspace asset — settings, a write-only key pair encrypted with the workspace data key, and a
 * writeback switch. Saving checks the key against the bucket and refuses it, naming each missing
 * permission. Editors with access (rule 5) browse the bucket, import objects into the project's
 * file store and, with writeback, export project files back; transfers run one file at a time,
 * streamed with bounded memory, each checked and placed atomically, and report progress.
 * Top level: trusted operations (tests, demo); `api`: what a request may ask, authorized.
 */
import { ProjectAction, WorkspaceAction } from '../../access/access-types.js';
import { parseS3Config, type S3Config } from '../../connectors/s3/s3-config.js';
import { createS3Client, type S3Connector, type S3PermissionReport } from '../../connectors/s3/s3-connector.js';
import type { SsrfPolicy } from '../../connectors/sql/sql-types.js';
import type { Caller, RequestContext } from '../../context.js';
import type { CryptoService } from '../../crypto/crypto-service.js';
import { AppError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { AssetRow, AssetsService } from '../assets/assets-service.js';
import type { AuditService } from '../audit/audit-service.js';
import type { AuthzPolicies } from '../authz/authz-policies.js';
import { requirePlan } from '../plans.js';
import { integrationFolder } from '../project-files/project-files-paths.js';
import type { ProjectFilesService } from '../project-files/project-files-service.js';
import type { ProjectRow, ProjectsService } from '../projects/projects-service.js';
import type { WorkspacesService } from '../workspaces/workspaces-service.js';
import { permissionsMissing, s3Call } from './file-integrations-errors.js';
import type { FileIntegrationsRepository } from './file-integrations-repository.js';
import { createFileTransfers } from './file-integrations-transfers.js';

const KIND = 'file_integration' as const;
const aadFor = (assetId: string) => `file_integration:${assetId}`;

export interface FileIntegrationOptions {
  ssrf: SsrfPolicy;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Most objects one import may plan (a prefix with more is refused before anything moves). */
  maxObjectsPerImport?: number;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface IntegrationInput {
  name: string;
  bucket: string;
  region?: string;
  endpoint?: string;
  pathStyle?: boolean;
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: string;
  writeback?: boolean;
  access?: string[];
}

export type IntegrationPatch = Partial<Omit<IntegrationInput, 'access' | 'endpoint'>> & { endpoint?: string | null; expectedVersion?: number };

export interface FileIntegrationView {
  id: string;
  name: string;
  bucket: string;
  region: string;
  endpoint: string | null;
  pathStyle: boolean;
  prefix: string;
  writeback: boolean;
  hasCredentials: true;
  accessKeyIdHint: string;
  folder: string;
  access: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type { TransferEvent } from './file-integrations-transfers.js';

type Deps = {
  store: Pick<Store, 'transaction'>;
  repo: FileIntegrationsRepository;
  assets: Pick<AssetsService, 'create' | 'update' | 'get' | 'list' | 'loadWorkspaceAsset' | 'usageCount' | 'importsOf'>;
  projects: Pick<ProjectsService, 'load'>;
  workspaces: Pick<WorkspacesService, 'resolve'>;
  policies: Pick<AuthzPolicies, 'assetActions' | 'canSeeAsset' | 'canUseAsset' | 'mayNameAsset' | 'assertWorkspace' | 'workspaceActions' | 'imports' | 'effectiveLevel'>;
  crypto: Pick<CryptoService, 'encryptForWorkspace' | 'decryptForWorkspace'>;
  audit: Pick<AuditService, 'record'>;
  files: Pick<ProjectFilesService, 'reserve' | 'store'>;
};

export function createFileIntegrationsService(deps: Deps, opts: FileIntegrationOptions) {
  const { repo, policies } = deps;
  const maxObjects = opts.maxObjectsPerImport ?? 10_000;

  const clientOpts = (quick: boolean) => ({
    ssrf: opts.ssrf,
    connectTimeoutMs: opts.connectTimeoutMs ?? 5_000,
    requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    ...(quick ? { maxAttempts: 1 } : {}),
  });

  function parseConfig(input: { bucket?: string; region?: string; endpoint?: string | null; pathStyle?: boolean; prefix?: string }): S3Config {
    const c: Record<string, unknown> = { bucket: input.bucket, region: input.region, pathStyle: input.pathStyle, prefix: input.prefix };
    if (input.endpoint) c.endpoint = input.endpoint;
    try {
      return parseS3Config(c);
    } catch (e) {
      throw new AppError('validation_failed', (e as Error).message, { field: 'config' });
    }
  }

  /** Probes the key against the bucket (writes nothing): which permissions the integration lacks. */
  async function probe(config: S3Config, creds: Credentials, writeback: boolean): Promise<S3PermissionReport> {
    const c = createS3Client(config, creds, clientOpts(true));
    try {
      return await s3Call(c.checkPermissions({ writeback }));
    } finally {
      c.close();
    }
  }

  /** Refuses a key that lacks anything the integration needs, naming each permission. */
  async function assertKeyWorks(config: S3Config, creds: Credentials, writeback: boolean): Promise<void> {
    const r = await probe(config, creds, writeback);
    if (r.missing.length) throw permissionsMissing(r.missing);
  }

  async function row(a: AssetRow) {
    const r = await repo.get(a.id);
    if (!r) throw notFound('File integration', a.id);
    return r;
  }

  async function credentialsOf(a: AssetRow): Promise<Credentials> {
    const r = await row(a);
    return JSON.parse(await deps.crypto.decryptForWorkspace(a.workspaceId, r.credentials, aadFor(a.id))) as Credentials;
  }

  async function view(a: AssetRow): Promise<FileIntegrationView> {
    const r = await row(a);
    const c = JSON.parse(r.config) as S3Config;
    const creds = await credentialsOf(a);
    return {
      id: a.id,
      name: a.name,
      bucket: c.bucket,
      region: c.region,
      endpoint: c.endpoint ?? null,
      pathStyle: c.pathStyle,
      prefix: c.prefix,
      writeback: Number(r.writeback) === 1,
      hasCredentials: true,
      accessKeyIdHint: `…${creds.accessKeyId.slice(-4)}`,
      folder: integrationFolder(a.name),
      access: a.access,
      version: a.version,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }

  async function create(input: IntegrationInput & { workspaceId: string; createdBy: string }, ctx: RequestContext): Promise<AssetRow> {
    const config = parseConfig(input);
    const creds = { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey };
    const writeback = !!input.writeback;
    await assertKeyWorks(config, creds, writeback);
    const id = newId('ast');
    // Encrypt before the transaction (it may create the workspace's data key on another connection).
    const credentials = await deps.crypto.encryptForWorkspace(input.workspaceId, JSON.stringify(creds), aadFor(id));
    return deps.assets.create(
      { id, workspaceId: input.workspaceId, projectId: null, kind: KIND, name: input.name, access: input.access, createdBy: input.createdBy },
      async (tx, assetId) => {
        await repo.insert(tx, { asset_id: assetId, config: JSON.stringify(config), credentials, writeback: writeback ? 1 : 0 });
        return { bucket: config.bucket, endpoint: config.endpoint ?? null, prefix: config.prefix, writeback };
      },
      ctx,
    );
  }

  async function update(a: AssetRow, patch: IntegrationPatch, ctx: RequestContext): Promise<AssetRow> {
    const r = await row(a);
    const cur = JSON.parse(r.config) as S3Config;
    const config = parseConfig({
      bucket: patch.bucket ?? cur.bucket,
      region: patch.region ?? cur.region,
      endpoint: patch.endpoint === undefined ? cur.endpoint : patch.endpoint,
      pathStyle: patch.pathStyle ?? cur.pathStyle,
      prefix: patch.prefix ?? cur.prefix,
    });
    const oldCreds = await credentialsOf(a);
    const creds = { accessKeyId: patch.accessKeyId ?? oldCreds.accessKeyId, secretAccessKey: patch.secretAccessKey ?? oldCreds.secretAccessKey };
    const writeback = patch.writeback ?? Number(r.writeback) === 1;
    const configChanged = JSON.stringify(config) !== JSON.stringify(cur);
    const credsChanged = creds.accessKeyId !== oldCreds.accessKeyId || creds.secretAccessKey !== oldCreds.secretAccessKey;
    const writebackChanged = writeback !== (Number(r.writeback) === 1);
    // Anything that changes what the key must do is checked again before it is saved.
    if (configChanged || credsChanged || (writebackChanged && writeback)) await assertKeyWorks(config, creds, writeback);
    const credentials = credsChanged ? await deps.crypto.encryptForWorkspace(a.workspaceId, JSON.stringify(creds), aadFor(a.id)) : undefined;
    return deps.assets.update(
      a,
      { name: patch.name, expectedVersion: patch.expectedVersion },
      async (tx) => {
        const set: Record<string, unknown> = {};
        if (configChanged) set.config = JSON.stringify(config);
        if (credentials !== undefined) set.credentials = credentials;
        if (writebackChanged) set.writeback = writeback ? 1 : 0;
        await repo.update(tx, a.id, set);
        return { ...(configChanged ? { configChanged: true } : {}), ...(credsChanged ? { credentialsChanged: true } : {}), ...(writebackChanged ? { writeback } : {}) };
      },
      ctx,
    );
  }

  /** A connector for a saved integration (the caller closes it). */
  async function connectorOf(a: AssetRow): Promise<{ conn: S3Connector; writeback: boolean; folder: string }> {
    const r = await row(a);
    const conn = createS3Client(JSON.parse(r.config), await credentialsOf(a), clientOpts(false));
    return { conn, writeback: Number(r.writeback) === 1, folder: integrationFolder(a.name) };
  }

  // ---- inside a project (rule 5) -----------------------------------------------------------------

  const userOf = (caller: Caller) => caller.principal?.userId ?? null;

  /** The project (can_view) and an integration it imports that the caller may use (rule 5). */
  async function usable(caller: Caller, projectId: string, id: string): Promise<{ project: ProjectRow; a: AssetRow }> {
    const project = await deps.projects.load(caller, projectId, ProjectAction.view);
    // A web visitor may view the project but never use its integrations: ask them to sign in.
    if (!caller.principal) throw new AppError('unauthenticated', 'Sign in to use file integrations.');
    const userId = userOf(caller);
    const a = await deps.assets.get(id, KIND).catch(() => null);
    if (!a || a.workspaceId !== project.workspaceId || !policies.canSeeAsset(userId, a)) throw new AppError('not_found', `File integration '${id}' was not found.`, { resource: KIND, id });
    if (!policies.imports(project.id).includes(a.id)) {
      throw new AppError('validation_failed', `'${a.name}' is not used by this project: import it first (POST /projects/{p}/imports).`, { field: 'id' });
    }
    if (!policies.canUseAsset(userId, project.id, a.id)) {
      throw new AppError('forbidden', `Using '${a.name}' needs can_edit on the project and access to the integration (rule 5).`, { action: 'use_files', level: policies.effectiveLevel(userId, project.id).level });
    }
    return { project, a };
  }

  async function browse(a: AssetRow, q: { prefix?: string; pageToken?: string; q?: string }) {
    const { conn } = await connectorOf(a);
    try {
      const page = await s3Call(conn.list({ prefix: q.prefix ?? '', pageToken: q.pageToken, nameFilter: q.q, delimiter: '/' }));
      return { folders: page.folders, objects: page.objects.map((o) => ({ key: o.key, name: o.name, size: o.size, modified: o.modified })), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    } finally {
      conn.close();
    }
  }

  const { startImport, startExport } = createFileTransfers({ store: deps.store, audit: deps.audit, files: deps.files, usable, row, connectorOf }, { maxObjects });

  const present = async (a: AssetRow, userId: string | null) => ({ ...(await view(a)), usageCount: deps.assets.usageCount(a.id), allowedActions: policies.assetActions(userId, a) });
  const ws = (caller: Caller, wsRef: string, id: string, action?: WorkspaceAction) => deps.assets.loadWorkspaceAsset(caller, wsRef, id, KIND, action);
  async function admin(caller: Caller, wsRef: string) {
    const w = await deps.workspaces.resolve(caller, wsRef);
    const p = policies.assertWorkspace(caller, w.id, WorkspaceAction.manage_assets);
    requirePlan(w.plan, 'file_integrations');
    return { w, userId: p.userId };
  }

  const api = {
    async listWorkspace(caller: Caller, wsRef: string) {
      const w = await deps.workspaces.resolve(caller, wsRef);
      const userId = caller.principal!.userId;
      const list = await deps.assets.list(w.id, KIND, userId);
      return { fileIntegrations: await Promise.all(list.map((a) => present(a, userId))), allowedActions: policies.workspaceActions(userId, w.id) };
    },
    async createWorkspace(caller: Caller, wsRef: string, body: IntegrationInput) {
      const { w, userId } = await admin(caller, wsRef);
      return present(await create({ ...body, workspaceId: w.id, createdBy: userId }, caller.ctx), userId);
    },
    /** Checks settings and a key before saving: nothing is stored. */
    async testUnsaved(caller: Caller, wsRef: string, body: Omit<IntegrationInput, 'name' | 'access'>) {
      await admin(caller, wsRef);
      return probe(parseConfig(body), { accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey }, !!body.writeback);
    },
    getWorkspace: async (caller: Caller, wsRef: string, id: string) => present(await ws(caller, wsRef, id), userOf(caller)),
    async updateWorkspace(caller: Caller, wsRef: string, id: string, patch: IntegrationPatch) {
      const a = await ws(caller, wsRef, id, WorkspaceAction.manage_assets);
      return present(await update(a, patch, caller.ctx), userOf(caller));
    },
    async testSaved(caller: Caller, wsRef: string, id: string) {
      const a = await ws(caller, wsRef, id, WorkspaceAction.manage_assets);
      const r = await row(a);
      return probe(JSON.parse(r.config) as S3Config, await credentialsOf(a), Number(r.writeback) === 1);
    },
    /** The integrations a project imports; a name only for callers who may name it (rule 2). */
    async listProject(caller: Caller, projectId: string) {
      const project = await deps.projects.load(caller, projectId, ProjectAction.view);
      const userId = userOf(caller);
      const list = await deps.assets.importsOf(project, KIND);
      return {
        fileIntegrations: await Promise.all(
          list.map(async (a) => {
            const visible = policies.canSeeAsset(userId, a);
            const named = visible || policies.mayNameAsset(userId, a, project.id);
            return {
              id: a.id,
              name: named ? a.name : null,
              folder: named ? integrationFolder(a.name) : null,
              writeback: visible ? Number((await row(a)).writeback) === 1 : null,
              visible,
              canUse: policies.canUseAsset(userId, project.id, a.id),
            };
          }),
        ),
      };
    },
    browse: async (caller: Caller, projectId: string, id: string, q: { prefix?: string; pageToken?: string; q?: string }) => browse((await usable(caller, projectId, id)).a, q),
    startImport,
    startExport,
    /**
     * What `atrium run` materializes: for each imported integration the caller may use (rule 5),
     * its folder and files. A token must have the write scope (the files may be written back).
     */
    async runtimeFiles(caller: Caller, projectId: string) {
      if (caller.principal?.via === 'token' && !caller.principal.scopes.includes('write')) {
        throw new AppError('forbidden', 'This API token is read-only; the runtime needs a token with the write scope.', { requiredScope: 'write' });
      }
      const project = await deps.projects.load(caller, projectId, ProjectAction.edit);
      const userId = userOf(caller);
      const list = (await deps.assets.importsOf(project, KIND)).filter((a) => policies.canUseAsset(userId, project.id, a.id));
      return {
        integrations: await Promise.all(
          list.map(async (a) => {
            const folder = integrationFolder(a.name);
            return { id: a.id, name: a.name, folder, writeback: Number((await row(a)).writeback) === 1, files: await deps.files.store.list(project.id, folder) };
          }),
        ),
      };
    },
  };

  return { view, create, update, probe, connectorOf, credentialsOf, api };
}

export type FileIntegrationsService = ReturnType<typeof createFileIntegrationsService>;
export type FileIntegrationsApi = FileIntegrationsService['api'];
