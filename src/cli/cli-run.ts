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
import { CliError, EXIT, createApi } from './cli-http.js';
import { materializeFiles, writeBackFiles } from './cli-run-files.js';
import { materializePackages } from './cli-run-packages.js';

export async function runWithProjectEnv(opts: { url: string; token: string; project: string; command: string[] }): Promise<number> {
  const [cmd, ...args] = opts.command;
  if (!cmd) throw new CliError('Give the command to run after --, e.g. atrium run --project P -- python job.py', EXIT.usage);
  const api = { api: createApi({ url: opts.url, token: opts.token }), project: opts.project };
  const body = await api.api.json<{ env: Record<string, string> }>(`/api/v1/projects/${encodeURIComponent(opts.project)}/runtime/env`);
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
