/**
 * `atrium run`: the project's git packages under `packages/<name>/` of the working directory
 * (DESIGN.md "Project runtime"). The server installs each package the caller may use (rule 5)
 * and lists it with its archive; a package whose install failed is named and skipped, so the
 * command still runs with the others. The runtime route installs silently, so a package not yet
 * installed (or outdated) is installed first through the streaming route, its log on stderr: a
 * long build is visible instead of a pause.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { saveTo } from './cli-http.js';
import { followInstall, outcomeLine } from './cli-packages-install.js';
import type { ProjectPackage } from './cli-packages.js';
import type { RunApi } from './cli-run-files.js';

const run = promisify(execFile);

interface RuntimePackage {
  name: string;
  commit: string | null;
  status: 'installed' | 'failed';
  archivePath: string | null;
  error: { code: string; message: string } | null;
}

/** Installs, log shown, each usable package that is not installed or is outdated. A failure is said and left to the runtime's list. */
async function installPending(r: RunApi, log: (line: string) => void): Promise<void> {
  const { packages } = await r.api.json<{ packages: ProjectPackage[] }>(`/api/v1/projects/${encodeURIComponent(r.project)}/packages`);
  for (const p of packages) {
    if (!p.usable || !p.name || (p.status === 'installed' && !p.outdated)) continue;
    const why = p.status === 'installed' ? `outdated${p.outdatedReason ? ` (${p.outdatedReason})` : ''}` : p.status === 'failed' ? 'not installed (its last install failed)' : 'not installed yet';
    log(`atrium: package ${p.name} is ${why}: installing`);
    log(`atrium: ${outcomeLine(p.name, await followInstall({ api: r.api, project: r.project, name: p.name, out: process.stderr, prefix: 'atrium: ' }))}`);
  }
}

export async function materializePackages(r: RunApi, workDir: string, log: (line: string) => void): Promise<string[]> {
  await installPending(r, log);
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
