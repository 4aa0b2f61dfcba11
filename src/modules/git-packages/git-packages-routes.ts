/**
 * Git packages of the workspace (assets) and of projects (pins, installs, downloads, runtime):
 * parse, call the packages service's `api`, present. Usage, groups with access and delete with
 * preview and cascade are the assets module's shared routes (registered with these in main.ts).
 */
import { Readable } from 'node:stream';
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, ProjectParams, WsParams, type ZApp } from '../../http/http-schemas.js';
import type { GitPackagesApi } from './git-packages-service.js';
import {
  ArchiveBody,
  ArchiveQuery,
  CreateGitPackageBody,
  GitPackageList,
  GitPackageParams,
  GitPackagePatch,
  ImportPackageBody,
  ImportPackageResult,
  InstallStream,
  ProjectPackageList,
  ProjectPackageParams,
  RuntimePackages,
  SanitizedGitPackageSchema,
  UpdatePinsBody,
  UpdatePinsResult,
} from './git-packages-schema.js';

export function registerGitPackagesRoutes(app: ZApp, s: { packages: GitPackagesApi }): void {
  const tags = ['git-packages'];

  app.get('/workspaces/:ws/git-packages', { schema: { tags, summary: 'Git packages the caller may see, with usage and allowed actions', params: WsParams, response: { 200: GitPackageList, ...errorResponses } } }, async (req) =>
    s.packages.list(callerOf(req), req.params.ws),
  );

  app.post('/workspaces/:ws/git-packages', { schema: { tags, summary: 'Add a git package (admins; Team plan or higher). Resolves the ref first: a wrong token, repository or ref is refused with what is wrong.', params: WsParams, body: CreateGitPackageBody, response: { 201: SanitizedGitPackageSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await s.packages.create(callerOf(req), req.params.ws, req.body)),
  );

  app.get('/workspaces/:ws/git-packages/:id', { schema: { tags, summary: 'A git package', params: GitPackageParams, response: { 200: SanitizedGitPackageSchema, ...errorResponses } } }, async (req) =>
    s.packages.get(callerOf(req), req.params.ws, req.params.id),
  );

  app.patch('/workspaces/:ws/git-packages/:id', { schema: { tags, summary: 'Edit a git package: provider, repository, ref, install commands, network switch (admins). Existing pins do not move.', params: GitPackageParams, body: GitPackagePatch, response: { 200: SanitizedGitPackageSchema, ...errorResponses } } }, async (req) =>
    s.packages.update(callerOf(req), req.params.ws, req.params.id, req.body),
  );

  app.post('/workspaces/:ws/git-packages/:id/update', { schema: { tags, summary: 'Move the pins of a branch package to the branch’s new head (admins; dryRun previews which projects change; audited)', params: GitPackageParams, body: UpdatePinsBody, response: { 200: UpdatePinsResult, ...errorResponses } } }, async (req) =>
    s.packages.updatePins(callerOf(req), req.params.ws, req.params.id, req.body ?? {}),
  );

  // ---- a project's packages
  app.get('/projects/:projectId/packages', { schema: { tags, summary: 'The project’s packages: pinned commit, install status and log', params: ProjectParams, response: { 200: ProjectPackageList, ...errorResponses } } }, async (req) =>
    s.packages.listProject(callerOf(req), req.params.projectId),
  );

  app.post('/projects/:projectId/packages', {
    schema: { tags, summary: 'Import a git package and pin the project to the commit its ref names now (rule 5; rule 7 preview: asset_access_required unless confirm). The install starts at once.', params: ProjectParams, body: ImportPackageBody, response: { 200: ImportPackageResult, 201: ImportPackageResult, ...errorResponses } },
  }, async (req, reply) => {
    const r = await s.packages.importPackage(callerOf(req), req.params.projectId, req.body);
    return reply.status(r.applied ? 201 : 200).send(r);
  });

  app.post('/projects/:projectId/packages/:name/install', {
    schema: { tags, summary: 'Install (or retry) a pinned package (rule 5). Streams NDJSON: status, log lines, then end or error; joins an install already running.', params: ProjectPackageParams, response: { 200: InstallStream, ...errorResponses } },
  }, async (req, reply) => {
    const run = await s.packages.install(callerOf(req), req.params.projectId, req.params.name);
    async function* lines() {
      for await (const ev of run.events) yield `${JSON.stringify(ev)}\n`;
    }
    reply.header('content-type', 'application/x-ndjson; charset=utf-8');
    return reply.send(Readable.from(lines(), { objectMode: false }));
  });

  app.get('/projects/:projectId/packages/:name/archive', {
    schema: { tags, summary: 'Download the installed package as a tar or zip (editors with access — rule 5)', params: ProjectPackageParams, querystring: ArchiveQuery, response: { 200: ArchiveBody, ...errorResponses } },
  }, async (req, reply) => {
    const r = await s.packages.archive(callerOf(req), req.params.projectId, req.params.name, req.query.format ?? 'tar');
    reply.header('content-type', r.format === 'zip' ? 'application/zip' : 'application/x-tar').header('content-disposition', `attachment; filename="${r.filename}"`);
    // Lets a client show progress (the CLI's bar); a zip is made while it streams, its size unknown.
    if (r.size !== null) reply.header('content-length', r.size);
    return reply.send(r.stream);
  });

  app.get('/projects/:projectId/runtime/packages', { schema: { tags, summary: 'The packages the project runtime materializes under packages/<name>/ (each installed first; only those the caller may use — rule 5)', params: ProjectParams, response: { 200: RuntimePackages, ...errorResponses } } }, async (req) =>
    s.packages.runtime(callerOf(req), req.params.projectId),
  );
}
