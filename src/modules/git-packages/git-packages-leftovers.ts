/**
 * Crash leftovers of installs: build and zip directories under `DATA_DIR/package-work/` and
 * partial `<key>.tar.tmp-…` files in the cache. Every scratch name carries its owner — this
 * process's pid and a random id drawn once per process start (`OWNER`) — so a start can tell
 * what a crashed process left from what a live one is writing right now:
 *  - this pid with another start id: an earlier life of this process (a container's pid 1) → gone;
 *  - another pid that no longer runs → gone; one that runs (a CLI, a second server on this
 *    data directory) is left alone unless its file is older than `STALE_MS`;
 *  - a name without an owner (written before owners were recorded) → gone.
 * A data directory is one machine's: pids are not compared across machines.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const START = randomBytes(4).toString('hex');
/** Put in every scratch name this process creates. */
export const OWNER = `${process.pid}x${START}`;
const OWNER_IN_NAME = /(?:^|[.-])(\d+)x([0-9a-f]{8})-/;
export const STALE_MS = 6 * 3600_000;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a scratch entry was left by a process that is gone (or is very old). */
export function isLeftover(name: string, mtimeMs: number, now = Date.now()): boolean {
  const m = OWNER_IN_NAME.exec(name);
  if (!m) return true;
  const pid = Number(m[1]);
  if (pid === process.pid) return m[2] !== START;
  return now - mtimeMs > STALE_MS || !running(pid);
}

/** Removes the leftovers among `dir`'s entries that `scratch` recognises; returns their names. */
export function sweepLeftovers(dir: string, scratch: (name: string) => boolean): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!scratch(name)) continue;
    const p = path.join(dir, name);
    try {
      if (!isLeftover(name, fs.lstatSync(p).mtimeMs)) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}
