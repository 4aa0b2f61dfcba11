/**
 * Serving a fetched commit's tree (what fetchCommit left at ARCHIVE_REF) as a tar or zip stream
 * from `git archive`, with the commit's own timestamps so archives of one pin are identical. The
 * git process is killed (its whole group) when the reader goes away early.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { GitConnectorError } from './git-errors.js';
import { baseConfig, gitEnv, type GitEnvOptions } from './git-process.js';
import { ARCHIVE_REF } from './git-repo.js';

export function archive(env: GitEnvOptions, destDir: string, format: 'tar' | 'zip', opts: { prefix?: string } = {}): Readable {
  const gitDir = path.join(destDir, 'git');
  if (!existsSync(path.join(gitDir, ARCHIVE_REF))) {
    throw new GitConnectorError('git_failed', 'There is no fetched commit in that directory to archive.');
  }
  if (format !== 'tar' && format !== 'zip') throw new TypeError(`Unknown archive format ${String(format)}`);
  const prefix = opts.prefix ? `${opts.prefix.replace(/\/+$/, '')}/` : '';
  const argv: string[] = [];
  for (const [k, v] of baseConfig(env.allowHttp)) argv.push('-c', `${k}=${v}`);
  argv.push(`--git-dir=${gitDir}`, 'archive', `--format=${format}`, ...(prefix ? [`--prefix=${prefix}`] : []), ARCHIVE_REF);
  const child = env.spawn(env.gitBinary, argv, { cwd: gitDir, env: gitEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out = new PassThrough();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout!.pipe(out, { end: false });
  child.on('error', () => out.destroy(new GitConnectorError('git_failed', 'git could not be started to build the archive.')));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new GitConnectorError('git_failed', 'The archive could not be built.', {}, stderr));
  });
  out.on('close', () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  return out;
}
