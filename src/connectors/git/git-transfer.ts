/**
 * Counting what one operation receives over the network, across all its fetches (the commit, its
 * submodules, and the fallback's extra fetches when a server refuses a commit by id, some of them
 * into a scratch repository), and stopping the budget at the byte limit.
 *
 * Each fetch runs inside `run(packDir, fn)`: its bytes are the larger of git's progress lines and
 * the growth of `packDir` (objects/pack, including the tmp_pack_* being received), polled every
 * 100 ms, so a server that sends no progress is still stopped at the limit. Finished fetches are
 * summed; what a later step moves or deletes does not change the count.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes, parseProgress, type GitBudget } from './git-process.js';
import type { GitProgress } from './git-types.js';

export class TransferMeter {
  private done = 0;
  private current = 0;
  private watching: { dir: string; start: number } | null = null;
  private readonly poll: NodeJS.Timeout;

  constructor(
    private readonly budget: GitBudget,
    private readonly maxBytes: number,
    private readonly progress: (p: GitProgress) => void = () => {},
  ) {
    this.poll = setInterval(() => {
      const w = this.watching;
      if (w) void packBytes(w.dir).then((n) => this.watching === w && this.account(n - w.start), () => {});
    }, 100);
    this.poll.unref();
  }

  /** Bytes received so far by the operation. */
  get received(): number {
    return this.done + this.current;
  }

  /** Runs one fetch into the repository whose pack directory is `packDir`, counting its bytes. */
  async run<T>(packDir: string, fn: () => Promise<T>): Promise<T> {
    const start = await packBytes(packDir);
    this.current = 0;
    this.watching = { dir: packDir, start };
    try {
      return await fn();
    } finally {
      this.watching = null;
      this.account((await packBytes(packDir)) - start);
      this.done += this.current;
      this.current = 0;
    }
  }

  /** git's stderr lines of the fetch under way: progress, and the quick path of the limit. */
  readonly onLine = (line: string): void => {
    const p = parseProgress(line);
    if (!p) return;
    if (p.phase === 'Receiving objects') {
      if (p.bytes !== undefined) this.account(p.bytes);
      this.progress({ phase: 'receiving', receivedBytes: this.received, percent: p.percent, objects: p.done, totalObjects: p.total });
    } else if (p.phase === 'Resolving deltas') {
      this.progress({ phase: 'resolving', receivedBytes: this.received, percent: p.percent, objects: p.done, totalObjects: p.total });
    }
  };

  dispose(): void {
    clearInterval(this.poll);
  }

  private account(bytes: number): void {
    if (bytes > this.current) this.current = bytes;
    if (this.received > this.maxBytes) {
      this.budget.stop({
        code: 'too_large',
        message: `The repository is larger than the limit of ${formatBytes(this.maxBytes)}: the transfer was stopped after ${formatBytes(this.received)}.`,
      });
    }
  }
}

/** Bytes of the packs in `dir`, including the one being received (tmp_pack_*). */
export async function packBytes(dir: string): Promise<number> {
  let total = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    if (!n.endsWith('.pack') && !n.startsWith('tmp_pack')) continue;
    try {
      total += (await stat(path.join(dir, n))).size;
    } catch {
      /* renamed between readdir and stat */
    }
  }
  return total;
}
