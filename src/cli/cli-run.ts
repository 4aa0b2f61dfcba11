/**
 * `atrium run --project P -- CMD ARGS…`: fetches the project's runtime environment (every secret
 * it uses, for a caller with can_edit and access) from a running server and runs CMD with it.
 * The values go only into the child's environment: never printed, never written to disk.
 */
import { spawn } from 'node:child_process';

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
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...body.env } });
    child.on('error', (e) => reject(new Error(`Cannot run '${cmd}': ${e.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
