/**
 * File integrations over HTTP: the workspace asset (admins manage; members with access see), and
 * inside a project browse, import and export (rule 5), streamed as NDJSON progress lines.
 */
import { Readable } from 'node:stream';
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, ProjectParams, WsParams, type ZApp } from '../../http/http-schemas.js';
import {
  BrowseQuery,
  CreateFileIntegrationBody,
  ExportBody,
  FileIntegrationList,
  FileIntegrationPatch,
  ImportBody,
  ObjectListing,
  PermissionReport,
  ProjectFileIntegrationList,
  ProjectIntegrationParams,
  RuntimeFiles,
  SanitizedFileIntegrationSchema,
  TestFileIntegrationBody,
  TransferStream,
  WsIntegrationParams,
} from './file-integrations-schema.js';
import type { FileIntegrationsApi, TransferEvent } from './file-integrations-service.js';

export function registerFileIntegrationsRoutes(app: ZApp, s: { fileIntegrations: FileIntegrationsApi }): void {
  const tags = ['file-integrations'];
  const fi = s.fileIntegrations;

  // ---- the workspace asset
  app.get('/workspaces/:ws/file-integrations', { schema: { tags, summary: 'External file integrations (S3) the caller may see (rule 2); never credentials', params: WsParams, response: { 200: FileIntegrationList, ...errorResponses } } }, async (req) => fi.listWorkspace(callerOf(req), req.params.ws));

  app.post('/workspaces/:ws/file-integrations', {
    schema: { tags, summary: 'Add an S3 bucket (admins; Professional plan or higher). The key is checked first: each missing permission (s3:ListBucket, s3:GetObject, s3:PutObject with writeback) is named and nothing is saved.', params: WsParams, body: CreateFileIntegrationBody, response: { 201: SanitizedFileIntegrationSchema, ...errorResponses } },
  }, async (req, reply) => reply.status(201).send(await fi.createWorkspace(callerOf(req), req.params.ws, req.body)));

  app.post('/workspaces/:ws/file-integrations/test', { schema: { tags, summary: 'Check bucket settings and a key before saving (admins): which permissions it lacks', params: WsParams, body: TestFileIntegrationBody, response: { 200: PermissionReport, ...errorResponses } } }, async (req) =>
    fi.testUnsaved(callerOf(req), req.params.ws, req.body),
  );

  app.get('/workspaces/:ws/file-integrations/:id', { schema: { tags, summary: 'A file integration (never its credentials)', params: WsIntegrationParams, response: { 200: SanitizedFileIntegrationSchema, ...errorResponses } } }, async (req) => fi.getWorkspace(callerOf(req), req.params.ws, req.params.id));

  app.patch('/workspaces/:ws/file-integrations/:id', {
    schema: { tags, summary: 'Edit a file integration (admins); a changed bucket, key or writeback is checked again before saving', params: WsIntegrationParams, body: FileIntegrationPatch, response: { 200: SanitizedFileIntegrationSchema, ...errorResponses } },
  }, async (req) => fi.updateWorkspace(callerOf(req), req.params.ws, req.params.id, req.body));

  app.post('/workspaces/:ws/file-integrations/:id/test', { schema: { tags, summary: 'Check a saved integration’s key against its bucket (admins)', params: WsIntegrationParams, response: { 200: PermissionReport, ...errorResponses } } }, async (req) => fi.testSaved(callerOf(req), req.params.ws, req.params.id));

  // Usage, groups with access and delete (with preview and cascade): registerAssetLifecycleRoutes(…, 'file_integration', 'file-integrations', …).

  // ---- inside a project
  app.get('/projects/:projectId/file-integrations', { schema: { tags, summary: 'The file integrations the project imports, and whether the caller may use each', params: ProjectParams, response: { 200: ProjectFileIntegrationList, ...errorResponses } } }, async (req) => fi.listProject(callerOf(req), req.params.projectId));

  app.get('/projects/:projectId/file-integrations/:id/objects', {
    schema: { tags, summary: 'Browse the bucket: folders and objects of one level, 1,000 at most per page (can_edit and access — rule 5)', params: ProjectIntegrationParams, querystring: BrowseQuery, response: { 200: ObjectListing, ...errorResponses } },
  }, async (req) => fi.browse(callerOf(req), req.params.projectId, req.params.id, req.query));

  /** The NDJSON lines of a transfer (the status was decided before the first line). */
  const ndjson = (run: { events: AsyncIterable<TransferEvent> }) => {
    async function* lines() {
      for await (const ev of run.events) yield `${JSON.stringify(ev)}\n`;
    }
    return Readable.from(lines(), { objectMode: false });
  };
  const clientSignal = (reply: { raw: { on(e: 'close', f: () => void): void; writableFinished: boolean } }) => {
    const c = new AbortController();
    // The client hung up before the end: stop the transfer (the file being moved is discarded).
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) c.abort();
    });
    return c.signal;
  };

  app.post('/projects/:projectId/file-integrations/:id/import', {
    schema: {
      tags,
      summary: 'Import objects (keys, or every object under a prefix) into external-files/s3/<integration>/ (rule 5). Checks and limits come first as HTTP errors; then streams NDJSON: start, progress…, file…, end | error. Each file is verified and placed whole.',
      params: ProjectIntegrationParams,
      body: ImportBody,
      response: { 200: TransferStream, ...errorResponses },
    },
  }, async (req, reply) => {
    const run = await fi.startImport(callerOf(req), req.params.projectId, req.params.id, req.body, clientSignal(reply));
    return reply.header('content-type', 'application/x-ndjson; charset=utf-8').send(ndjson(run));
  });

  app.post('/projects/:projectId/file-integrations/:id/export', {
    schema: {
      tags,
      summary: "Export project files to the bucket — only with writeback (else writeback_disabled). A file under the integration's folder goes to its key there; others keep their project path. Streams NDJSON like import.",
      params: ProjectIntegrationParams,
      body: ExportBody,
      response: { 200: TransferStream, ...errorResponses },
    },
  }, async (req, reply) => {
    const run = await fi.startExport(callerOf(req), req.params.projectId, req.params.id, req.body, clientSignal(reply));
    return reply.header('content-type', 'application/x-ndjson; charset=utf-8').send(ndjson(run));
  });

  app.get('/projects/:projectId/runtime/files', {
    schema: { tags, summary: 'What `atrium run` materializes: each imported integration the caller may use (rule 5), its folder and files (can_edit; a token needs the write scope)', params: ProjectParams, response: { 200: RuntimeFiles, ...errorResponses } },
  }, async (req) => fi.runtimeFiles(callerOf(req), req.params.projectId));
}
