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
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface RuntimeIntegration {
  id: string;
  name: string;
  folder: string;
  writeback: boolean;
  files: { path: string; size: number; modified: string }[];
}

interface Api {
  base: string;
  token: string;
  project: string;
}

const headers = (api: Api, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${api.token}`, ...extra });
const projectUrl = (api: Api, rest: string) => `${api.base}/api/v1/projects/${encodeURIComponent(api.project)}${rest}`;

async function failure(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  return new Error(body?.error ? `${body.error.message} (${body.error.code})` : `Atrium answered HTTP ${res.status}.`);
}

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
export async function materializeFiles(api: Api, workDir: string, log: (line: string) => void): Promise<{ integrations: RuntimeIntegration[]; before: Map<string, string> }> {
  const res = await fetch(projectUrl(api, '/runtime/files'), { headers: headers(api) });
  if (!res.ok) throw await failure(res);
  const { integrations } = (await res.json()) as { integrations: RuntimeIntegration[] };
  const before = new Map<string, string>();
  for (const i of integrations) {
    await fs.promises.mkdir(path.join(workDir, i.folder), { recursive: true });
    for (const f of i.files) {
      const dest = path.resolve(workDir, f.path);
      // The server's paths are normalised; this check keeps a confused server from writing elsewhere.
      if (!dest.startsWith(path.resolve(workDir) + path.sep)) throw new Error(`Refusing a file path outside the working directory: ${f.path}`);
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      const r = await fetch(projectUrl(api, `/files/content?path=${encodeURIComponent(f.path)}`), { headers: headers(api) });
      if (!r.ok || !r.body) throw await failure(r);
      await pipeline(Readable.fromWeb(r.body as import('node:stream/web').ReadableStream), fs.createWriteStream(dest));
      before.set(f.path, await sha256(dest));
    }
    log(`atrium: ${i.files.length} file(s) of '${i.name}' in ${i.folder}/${i.writeback ? ' (writeback on)' : ''}`);
  }
  return { integrations, before };
}

/** After the command: new or changed files under a writeback integration's folder go back. */
export async function writeBackFiles(api: Api, workDir: string, integrations: RuntimeIntegration[], before: Map<string, string>, log: (line: string) => void): Promise<string[]> {
  const sent: string[] = [];
  for (const i of integrations.filter((x) => x.writeback)) {
    const changed: string[] = [];
    for (const rel of await walk(path.join(workDir, i.folder))) {
      const p = `${i.folder}/${rel}`;
      const file = path.join(workDir, i.folder, rel);
      if (before.get(p) === (await sha256(file))) continue;
      const size = (await fs.promises.stat(file)).size;
      const up = await fetch(projectUrl(api, `/files/content?path=${encodeURIComponent(p)}`), {
        method: 'PUT',
        headers: headers(api, { 'content-type': 'application/octet-stream', 'content-length': String(size) }),
        body: Readable.toWeb(fs.createReadStream(file)) as unknown as BodyInit,
        duplex: 'half',
      } as RequestInit);
      if (!up.ok) throw await failure(up);
      changed.push(p);
    }
    if (!changed.length) continue;
    const ex = await fetch(projectUrl(api, `/file-integrations/${encodeURIComponent(i.id)}/export`), {
      method: 'POST',
      headers: headers(api, { 'content-type': 'application/json' }),
      body: JSON.stringify({ paths: changed }),
    });
    if (!ex.ok) throw await failure(ex);
    const events = (await ex.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; key?: string; error?: { message: string; code: string } });
    const err = events.find((e) => e.type === 'error');
    if (err?.error) throw new Error(`Exporting to '${i.name}' failed: ${err.error.message} (${err.error.code})`);
    for (const e of events) if (e.type === 'file') log(`atrium: exported ${e.key} to '${i.name}'`);
    sent.push(...changed);
  }
  if (!sent.length && integrations.some((x) => x.writeback)) log('atrium: no new or changed files to write back');
  return sent;
}
