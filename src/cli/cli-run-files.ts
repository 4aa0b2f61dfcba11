/**
 * The files part of `atrium run` (DESIGN.md "Project runtime"): downloads the project's imported
 * files — those of each integration the caller may use — into `external-files/s3/<integration>/…`
 * of a fresh working directory, and after the command, for integrations with writeback, sends
 * back the files it created or changed there (uploaded into the project, then exported to the
 * bucket) and says which.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type CliApi, CliError, EXIT, ndjson, saveTo, serverErrorText, type ServerError } from './cli-http.js';

export interface RuntimeIntegration {
  id: string;
  name: string;
  folder: string;
  writeback: boolean;
  files: { path: string; size: number; modified: string }[];
}

/** The server, and the project `atrium run` works in. */
export interface RunApi {
  api: CliApi;
  project: string;
}

const projectPath = (r: RunApi, rest: string) => `/api/v1/projects/${encodeURIComponent(r.project)}${rest}`;

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(fs.createReadStream(file), h);
  return h.digest('hex');
}

/** Every regular file under `dir`, relative, with forward slashes. */
async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.promises.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** Downloads the files into `workDir`; returns what was there (path → sha256) to compare after. */
export async function materializeFiles(r: RunApi, workDir: string, log: (line: string) => void): Promise<{ integrations: RuntimeIntegration[]; before: Map<string, string> }> {
  const { integrations } = await r.api.json<{ integrations: RuntimeIntegration[] }>(projectPath(r, '/runtime/files'));
  const before = new Map<string, string>();
  for (const i of integrations) {
    await fs.promises.mkdir(path.join(workDir, i.folder), { recursive: true });
    for (const f of i.files) {
      const dest = path.resolve(workDir, f.path);
      // The server's paths are normalised; this check keeps a confused server from writing elsewhere.
      if (!dest.startsWith(path.resolve(workDir) + path.sep)) throw new Error(`Refusing a file path outside the working directory: ${f.path}`);
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      await saveTo(await r.api.request(projectPath(r, '/files/content'), { query: { path: f.path } }), dest);
      before.set(f.path, await sha256(dest));
    }
    log(`atrium: ${i.files.length} file(s) of '${i.name}' in ${i.folder}/${i.writeback ? ' (writeback on)' : ''}`);
  }
  return { integrations, before };
}

/** After the command: new or changed files under a writeback integration's folder go back. */
export async function writeBackFiles(r: RunApi, workDir: string, integrations: RuntimeIntegration[], before: Map<string, string>, log: (line: string) => void): Promise<string[]> {
  const sent: string[] = [];
  for (const i of integrations.filter((x) => x.writeback)) {
    const changed: string[] = [];
    for (const rel of await walk(path.join(workDir, i.folder))) {
      const p = `${i.folder}/${rel}`;
      const file = path.join(workDir, i.folder, rel);
      if (before.get(p) === (await sha256(file))) continue;
      const size = (await fs.promises.stat(file)).size;
      await r.api.request(projectPath(r, '/files/content'), { method: 'PUT', query: { path: p }, stream: { body: fs.createReadStream(file), length: size } });
      changed.push(p);
    }
    if (!changed.length) continue;
    const ex = await r.api.request(projectPath(r, `/file-integrations/${encodeURIComponent(i.id)}/export`), { json: { paths: changed } });
    for await (const e of ndjson<{ type: string; key?: string; error?: ServerError }>(ex)) {
      if (e.type === 'file') log(`atrium: exported ${e.key} to '${i.name}'`);
      if (e.type === 'error' && e.error) throw new CliError(`Exporting to '${i.name}' failed: ${serverErrorText(e.error)}`, EXIT.failed, e.error.code);
    }
    sent.push(...changed);
  }
  if (!sent.length && integrations.some((x) => x.writeback)) log('atrium: no new or changed files to write back');
  return sent;
}
