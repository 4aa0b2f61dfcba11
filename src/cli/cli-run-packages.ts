/**
 * `atrium run`: the project's git packages under `packages/<name>/` of the working directory
 * (DESIGN.md "Project runtime"). The server installs each package the caller may use (rule 5)
 * and lists it with its archive; a package whose install failed is named and skipped, so the
 * command still runs with the others.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { saveTo } from './cli-http.js';
import type { RunApi } from './cli-run-files.js';

const run = promisify(execFile);

interface RuntimePackage {
  name: string;
  commit: string | null;
  status: 'installed' | 'failed';
  archivePath: string | null;
  error: { code: string; message: string } | null;
}

export async function materializePackages(r: RunApi, workDir: string, log: (line: string) => void): Promise<string[]> {
  const body = await r.api.json<{ packages: RuntimePackage[] }>(`/api/v1/projects/${encodeURIComponent(r.project)}/runtime/packages`);
  const done: string[] = [];
  for (const p of body.packages) {
    if (p.status !== 'installed' || !p.archivePath) {
      log(`atrium: package ${p.name} is not installed (${p.error?.message ?? 'unknown error'}); skipped`);
      continue;
    }
    // The server checks names; this keeps a confused server from writing outside packages/.
    if (path.basename(p.name) !== p.name || p.name.startsWith('.')) throw new Error(`Refusing a package name that is not a plain directory name: ${p.name}`);
    const dest = path.join(workDir, 'packages', p.name);
    await fs.promises.mkdir(dest, { recursive: true });
    const tarFile = path.join(workDir, 'packages', `.${p.name}.tar`);
    await saveTo(await r.api.request(p.archivePath), tarFile);
    await run('tar', ['--no-same-owner', '-C', dest, '-xf', tarFile]);
    await fs.promises.rm(tarFile, { force: true });
    log(`atrium: packages/${p.name} @ ${p.commit?.slice(0, 12)}`);
    done.push(p.name);
  }
  return done;
}
