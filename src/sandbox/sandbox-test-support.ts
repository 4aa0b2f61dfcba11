/** Shared by the sandbox tests (not a test file itself): is a process gone, who runs as a uid. */
import fs from 'node:fs';

/** Host pids of every process whose real uid is `uid`. */
export function processesOfUid(uid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && Number(m[1]) === uid && !/^State:\s+Z/m.test(status)) out.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** True once `pid` no longer exists (waits up to `ms` for the kernel to reap it). */
export async function isGone(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    let alive = true;
    try {
      process.kill(pid, 0);
      // A zombie still answers kill(0): count it as gone when its state says so.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) Z /.test(stat)) alive = false;
    } catch {
      alive = false;
    }
    if (!alive) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
