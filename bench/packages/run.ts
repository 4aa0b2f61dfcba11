/**
 * Git packages: a cold import through Atrium against doing the same by hand, a warm import, and
 * the server's memory, on a generated repository of realistic shape served by the local git
 * smart-HTTP server (git http-backend behind the token-checking Node server):
 *   - cold: POST /projects/{p}/packages (resolve the branch, import, pin) + the install stream to
 *     its end (fetch exactly the commit, run the install commands in the sandbox, tar the result
 *     into the content-addressed cache) vs `git clone --depth 1` + the same commands run by hand
 *     (no sandbox, no tar);
 *   - warm: the same package imported into another project and installed (a cache lookup);
 *   - peak RSS of the Atrium server process during each cold import, over its idle RSS.
 *
 *   npx tsx bench/packages/run.ts [--files 20000] [--file-bytes 1024] [--history-mib 200] [--rounds 3]
 *
 * Starts its own Atrium (SQLite, a temp data directory) and git server, and stops them.
 * Markdown on stdout, progress on stderr, JSON in bench/packages/.results/.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLargeRepo } from '../../scripts/services/git-fixtures.js';
import { startGitServer } from '../../scripts/services/git-server.js';
import { api, cleanupStack, fmt, log, login, machineMarkdown, mb, median, request, ROOT, sampleRss, startAtrium } from '../common/bench-env.js';

const { values: argv } = parseArgs({
  options: { files: { type: 'string', default: '20000' }, 'file-bytes': { type: 'string', default: '1024' }, 'history-mib': { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } },
});
const FILES = Number(argv.files);
const FILE_BYTES = Number(argv['file-bytes']);
const HISTORY = Number(argv['history-mib']) * 1024 * 1024;
const ROUNDS = Number(argv.rounds);
const TOKEN = `glpat-bench-${Math.random().toString(36).slice(2)}`;
/** What a package's install typically does: read every file once, write a little. */
const COMMANDS = ['mkdir -p dist', 'find . -type f -name "*.ts" | sort > dist/ts-files.txt', 'cat pkg0/mod0/* | sha256sum > dist/digest.txt', 'wc -l dist/ts-files.txt'];

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} → ${code}: ${err.slice(-500)}`))));
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function main() {
  const cleanup = cleanupStack();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-packages-'));
  cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    log(`generating ${FILES} files, ${HISTORY / 1024 / 1024} MiB of history…`);
    const gen = await timed(() => createLargeRepo(path.join(tmp, 'repos'), 'bench/large', { files: FILES, fileBytes: FILE_BYTES, historyBytes: HISTORY, commits: Math.max(1, Math.round(HISTORY / (FILES * FILE_BYTES)) * 20) }));
    const repo = gen.value;
    const packBytes = fs.readdirSync(path.join(repo.path, 'objects', 'pack')).reduce((s, f) => s + fs.statSync(path.join(repo.path, 'objects', 'pack', f)).size, 0);
    log(`generated in ${fmt(gen.ms / 1000, 1)} s: ${mb(repo.bytesWritten)} MiB written, packed ${mb(packBytes)} MiB`);
    const git = await startGitServer({ root: path.join(tmp, 'repos'), tokens: { [TOKEN]: { repos: '*' } } });
    cleanup.push(() => git.close());
    const atrium = await startAtrium({ dataDir: path.join(tmp, 'data'), env: { ATRIUM_GIT_ALLOW_HTTP_LOOPBACK: 'true', ATRIUM_PACKAGE_INSTALL_TIMEOUT_MS: '600000' } });
    cleanup.push(() => atrium.stop());
    const admin = await login(atrium.url, 'admin@demo.local');
    const provider = await api(atrium.url, 'POST', '/workspaces/demo/git-providers', admin, { name: 'Bench git', kind: 'gitlab', config: { baseUrl: git.url }, credentials: { token: TOKEN } });

    const rows: { round: number; coldMs: number; byHandMs: number; warmMs: number; rssBefore: number; rssPeak: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // A new package per round: other commands, another key, so the cold import really is cold.
      const commands = [...COMMANDS, `echo round ${round}`];
      const pkg = await api<{ id: string; name: string }>(atrium.url, 'POST', '/workspaces/demo/git-packages', admin, { name: `large-${round}`, providerId: provider.id, repository: 'bench/large', ref: { kind: 'branch', name: 'main' }, installCommands: commands });
      const a = await api<{ id: string }>(atrium.url, 'POST', '/workspaces/demo/projects', admin, { name: `bench cold ${round}` });
      const b = await api<{ id: string }>(atrium.url, 'POST', '/workspaces/demo/projects', admin, { name: `bench warm ${round}` });
      const install = async (projectId: string) => {
        const t0 = performance.now();
        await api(atrium.url, 'POST', `/projects/${projectId}/packages`, admin, { packageId: pkg.id, confirm: true });
        const t1 = performance.now();
        const r = await request(`${atrium.url}/api/v1/projects/${projectId}/packages/${pkg.name}/install`, 'POST', admin);
        const last = JSON.parse(r.body.trim().split('\n').pop()!);
        if (last.type !== 'end') throw new Error(`install failed: ${r.body.slice(-1000)}`);
        log(`  import (resolve + pin) ${fmt(t1 - t0, 1)} ms, install ${fmt(performance.now() - t1, 1)} ms`);
        return last as { cached: boolean };
      };
      const rss = sampleRss(atrium.pid, 20);
      const cold = await timed(() => install(a.id));
      const mem = rss.stop();
      if (cold.value.cached) throw new Error('the cold import hit the cache');
      const warm = await timed(() => install(b.id));
      if (!warm.value.cached) throw new Error('the warm import missed the cache');

      const dir = path.join(tmp, `clone-${round}`);
      const header = `Authorization: Basic ${Buffer.from(`oauth2:${TOKEN}`).toString('base64')}`;
      const byHand = await timed(async () => {
        await sh('git', ['clone', '--quiet', '--depth', '1', '--no-tags', git.repoUrl('bench/large'), dir], { env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: header } });
        await sh('/bin/sh', ['-ec', commands.join('\n')], { cwd: dir });
      });
      fs.rmSync(dir, { recursive: true, force: true });
      rows.push({ round, coldMs: cold.ms, byHandMs: byHand.ms, warmMs: warm.ms, rssBefore: mem.before, rssPeak: mem.peak });
      log(`round ${round}: cold ${fmt(cold.ms, 0)} ms, by hand ${fmt(byHand.ms, 0)} ms, warm ${fmt(warm.ms, 1)} ms, RSS +${mb(mem.peak - mem.before)} MiB`);
    }

    const cold = median(rows.map((r) => r.coldMs));
    const warm = median(rows.map((r) => r.warmMs));
    // Rounds run back to back on a shared machine: compare each cold import with the clone of its own round.
    const ratio = median(rows.map((r) => r.coldMs / r.byHandMs));
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const out = [
      `### Git packages (bench/packages)`,
      '',
      `Repository: ${FILES.toLocaleString('en-US')} files, ${mb(repo.bytesWritten)} MiB of content written over its history (pack ${mb(packBytes)} MiB). Install commands: ${COMMANDS.length + 1} shell lines reading the tree. ${ROUNDS} round(s); load average at the end ${load} on ${os.cpus().length} CPUs.`,
      '',
      '| round | cold import | `git clone --depth 1` + commands by hand | cold / by hand | warm import | server RSS over idle (peak) |',
      '|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.round} | ${fmt(r.coldMs, 0)} ms | ${fmt(r.byHandMs, 0)} ms | ${fmt(r.coldMs / r.byHandMs, 2)}× | ${fmt(r.warmMs, 1)} ms | +${mb(r.rssPeak - r.rssBefore)} MiB (idle ${mb(r.rssBefore)} MiB) |`),
      '',
      `Medians: cold ${fmt(cold, 0)} ms; cold / by hand ${fmt(ratio, 2)}× (goal ≤ 1.2×); warm ${fmt(warm, 1)} ms = ${fmt((100 * warm) / cold, 1)} % of cold (goal ≤ 5 % or ≤ 50 ms).`,
      '',
      machineMarkdown(),
    ].join('\n');
    process.stdout.write(`${out}\n`);
    const resDir = path.join(ROOT, 'bench/packages/.results');
    fs.mkdirSync(resDir, { recursive: true });
    fs.writeFileSync(path.join(resDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ files: FILES, fileBytes: FILE_BYTES, history: HISTORY, packBytes, rows }, null, 2));
  } finally {
    await cleanup.run();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
