/** A project's files over HTTP: list and download (rule 6: viewers, web viewers too), upload and delete (editors). */
import { Readable } from 'node:stream';
import { callerOf } from '../../http/http-auth.js';
import { errorResponses, NoContent, type ZApp } from '../../http/http-schemas.js';
import { FileContent, FileListQuery, FilePathQuery, FilesParams, ProjectFile, ProjectFileList } from './project-files-schema.js';
import type { ProjectFilesApi } from './project-files-service.js';

export function registerProjectFilesRoutes(app: ZApp, s: { files: ProjectFilesApi }, opts: { maxUploadBytes: number }): void {
  const tags = ['files'];

  app.get('/projects/:projectId/files', { schema: { tags, summary: "The project's files (results, rule 6: anyone who can view the project)", params: FilesParams, querystring: FileListQuery, response: { 200: ProjectFileList, ...errorResponses } } }, async (req) =>
    s.files.list(callerOf(req), req.params.projectId, req.query.prefix),
  );

  app.get('/projects/:projectId/files/content', { schema: { tags, summary: 'Download a file, streamed (anyone who can view the project)', params: FilesParams, querystring: FilePathQuery, response: { 200: FileContent, ...errorResponses } } }, async (req, reply) => {
    const f = await s.files.download(callerOf(req), req.params.projectId, req.query.path);
    reply.header('content-type', 'application/octet-stream').header('content-disposition', f.disposition).header('content-length', String(f.size)).header('last-modified', new Date(f.modified).toUTCString());
    return reply.send(f.stream);
  });

  app.delete('/projects/:projectId/files/content', { schema: { tags, summary: 'Delete a file (can_edit)', params: FilesParams, querystring: FilePathQuery, response: { 204: NoContent, ...errorResponses } } }, async (req, reply) => {
    await s.files.remove(callerOf(req), req.params.projectId, req.query.path);
    return reply.status(204).send();
  });

  // Raw bodies only here: the body is the file, streamed to the store as it arrives.
  app.register(async (child) => {
    child.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    const z = child as unknown as ZApp;
    z.put('/projects/:projectId/files/content', {
      bodyLimit: opts.maxUploadBytes,
      schema: { tags, summary: 'Add or replace a file (can_edit); the body is the file (application/octet-stream). The CLI writes runtime results back this way.', params: FilesParams, querystring: FilePathQuery, response: { 200: ProjectFile, ...errorResponses } },
    }, async (req) => {
      // A PUT with no body at all runs no parser (Fastify leaves the body undefined): an empty file.
      const body = req.body instanceof Readable ? req.body : Readable.from([]);
      const len = Number(req.headers['content-length']);
      return s.files.upload(callerOf(req), req.params.projectId, req.query.path, body, Number.isFinite(len) ? len : null);
    });
  });
}
