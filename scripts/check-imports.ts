/**
 * The import graph's rules, checked: no cycle between folders of src/ (type-only imports count:
 * a cycle of types is still a knot for a reader), `src/http/` imports no module, the kernel files
 * at src/ (errors, ids, context, config) import no folder, nothing imports main.ts but the CLI,
 * and no file is over 400 lines. Tests are left out (they may reach anywhere).
 *   npx tsx scripts/check-imports.ts        exits 1 and lists what breaks a rule
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(process.argv[2] ?? 'src');
const MAX_LINES = 400;
const files = (fs.readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .map((f) => path.join(SRC, f));
// main.ts (the composition root) imports everything: it is its own node, apart from the kernel files.
const folderOf = (file: string) => (path.relative(SRC, file) === 'main.ts' ? 'main' : path.relative(SRC, path.dirname(file)) || '.');
const problems: string[] = [];
const edges = new Map<string, Map<string, string>>(); // folder -> folder -> an example "a.ts -> b.ts"

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  if (lines > MAX_LINES) problems.push(`size: ${path.relative(SRC, file)} has ${lines} lines (over ${MAX_LINES})`);
  for (const imp of ts.preProcessFile(text, true, true).importedFiles) {
    if (!imp.fileName.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), imp.fileName).replace(/\.js$/, '.ts');
    if (!target.startsWith(SRC)) continue;
    const [from, to] = [folderOf(file), folderOf(target)];
    const rel = `${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`;
    if (from === 'http' && to.startsWith('modules')) problems.push(`layer: http/ imports a module: ${rel}`);
    if (from === '.' && to !== '.') problems.push(`layer: a kernel file imports a folder: ${rel}`);
    if (path.relative(SRC, target) === 'main.ts' && from !== 'cli') problems.push(`layer: only the CLI may import the composition root: ${rel}`);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, rel);
  }
}

// Tarjan's strongly connected components over folders: any component of two or more is a cycle.
let next = 0;
const index = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
function visit(v: string): void {
  index.set(v, next);
  low.set(v, next++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
  }
  if (low.get(v) !== index.get(v)) return;
  const component: string[] = [];
  let w: string;
  do {
    w = stack.pop()!;
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length < 2) return;
  const inside = new Set(component);
  const links = component.flatMap((a) => [...(edges.get(a) ?? [])].filter(([b]) => inside.has(b)).map(([, rel]) => `    ${rel}`));
  problems.push(`cycle between folders: ${component.sort().join(', ')}\n${links.join('\n')}`);
}
for (const v of new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])) if (!index.has(v)) visit(v);

if (problems.length) {
  process.stdout.write(`${problems.join('\n')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`OK: ${files.length} files, ${edges.size} folders with outside imports, no cycle between folders, no file over ${MAX_LINES} lines.\n`);
}
