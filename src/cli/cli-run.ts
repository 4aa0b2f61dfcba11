/**
 * `atrium run --project P -- CMD ARGS…`: fetches the project's runtime environment (every secret
 * it uses, for a caller with can_edit and access) from a running server and runs CMD with it.
 * The values go only into the child's environment: never printed, never written to disk.
 * CMD runs in a fresh working directory holding the project's imported files
 * (`external-files/s3/<integration>/…`, cli-run-files.ts) and its git packages (`packages/<name>/`,
 * cli-run-packages.ts); when it succeeds, files it created or
 * changed under an integration with writeback are exported back, and the CLI says which.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { materializeFiles, writeBackFiles } from './cli-run-files.js';
import { materializePackages } from './cli-run-packages.js';

export async function runWithProjectEnv(opts: { url: string; token: string; project: string; command: string[] }): Promise<number> {
  const base = opts.url.replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/projects/${encodeURIComponent(opts.project)}/runtime/env`, { headers: { authorization: `Bearer ${opts.token}` } });
  } catch (e) {
    throw new Error(`Cannot reach Atrium at ${base}: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { env?: Record<string, string>; error?: { code: string; message: string } } | null;
  if (!res.ok || !body?.env) {
    throw new Error(body?.error ? `${body.error.message} (${body.error.code})` : `Atrium answered HTTP ${res.status}.`);
  }
  const [cmd, ...args] = opts.command;
  if (!cmd) throw new Error('Give the command to run after --, e.g. atrium run --project P -- python job.py');
  const api = { base, token: opts.token, project: opts.project };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'atrium-run-'));
  try {
    const { integrations, before } = await materializeFiles(api, workDir, log);
    await materializePackages(api, workDir, log);
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: 'inherit', cwd: workDir, env: { ...process.env, ...body.env } });
      child.on('error', (e) => reject(new Error(`Cannot run '${cmd}': ${e.message}`)));
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    if (code === 0) await writeBackFiles(api, workDir, integrations, before, log);
    else if (integrations.some((i) => i.writeback)) log(`atrium: the command failed (exit ${code}); nothing was written back`);
    return code;
  } finally {
    await fs.promises.rm(workDir, { recursive: true, force: true });
  }
}
