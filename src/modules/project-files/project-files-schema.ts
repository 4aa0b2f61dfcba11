/** A project's files (rule 6: results of the project): request and response shapes. */
import { z } from 'zod';
import { IdParam, ProjectAllowedActions, Timestamp } from '../../http/http-schemas.js';

export const FilePathQuery = z.strictObject({ path: z.string().min(1).max(2048).describe("A project path such as 'external-files/s3/raw/2024/a.csv'") });
export const FileListQuery = z.strictObject({ prefix: z.string().max(2048).optional().describe('Only files under this folder') });
export const FilesParams = z.strictObject({ projectId: IdParam });

export const ProjectFile = z
  .object({
    path: z.string(),
    size: z.number(),
    modified: Timestamp,
    sqlPath: z.string().optional().describe('What a DuckDB SQL cell of this project reads it by, relative to the project files (editors only)'),
  })
  .meta({ id: 'ProjectFile' });
export const ProjectFileUsage = z
  .object({ files: z.number().int(), bytes: z.number(), maxFiles: z.number().int(), maxBytes: z.number() })
  .meta({ id: 'ProjectFileUsage' });
export const ProjectFileList = z.object({ files: z.array(ProjectFile), usage: ProjectFileUsage, allowedActions: ProjectAllowedActions }).meta({ id: 'ProjectFileList' });
/** The 200 of a download is the file's bytes. */
export const FileContent = z.unknown().meta({
  description: 'The file, streamed, with Content-Disposition: attachment.',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
});
