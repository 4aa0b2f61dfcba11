/**
 * The `atrium` entry point stays light: the remote commands (run, files, packages) must not load
 * the server. Walks the static imports from main.ts (type-only imports and `import()` excluded) and
 * fails if one reaches the composition root, the store, the HTTP layer or a server dependency;
 * and `--version` is package.json's version.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../..');

/** Every module main.ts loads at start: relative .ts files followed, packages named. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^import\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('atrium start-up', () => {
  const { files, packages } = staticGraph(path.join(root, 'src/cli/main.ts'));

  it('follows the imports it should (sanity: the walker sees the command modules)', () => {
    const rel = [...files].map((f) => path.relative(root, f));
    expect(rel).toEqual(expect.arrayContaining(['src/cli/cli-files.ts', 'src/cli/cli-packages.ts', 'src/cli/cli-http.ts', 'src/version.ts']));
    expect(packages).toEqual(new Set(['commander', 'cli-progress']));
  });

  it('loads no server module until a server command runs', () => {
    const rel = [...files].map((f) => path.relative(root, f));
    const server = rel.filter((f) => f === 'src/main.ts' || f === 'src/cli/cli-server.ts' || f === 'src/config.ts' || /^src\/(store|http|crypto|sandbox|connectors)\//.test(f) || (/^src\/modules\//.test(f) && f !== 'src/modules/plans.ts'));
    expect(server).toEqual([]);
  });

  it('--version prints package.json’s version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--version'], { cwd: root });
    expect(r.stdout.trim()).toBe(pkg.version);
  }, 30_000);
});
