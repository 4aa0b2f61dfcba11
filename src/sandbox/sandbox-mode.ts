/**
 * Which of the two sandbox modes this server uses, and why the rootless one may be refused.
 *
 * - `root`: the server runs as root. bwrap builds the namespaces, `setpriv` gives each sandbox a
 *   uid of its own (sandbox-bwrap.ts). Two walls: namespaces, and a uid that owns nothing.
 * - `rootless`: the server is an ordinary user. bwrap itself creates an unprivileged user namespace
 *   (the sandbox runs as the server's uid on the host, with no capabilities in any namespace, and
 *   may create no further user namespace). One wall: the namespaces. See README.md "Modes".
 *
 * `ATRIUM_SANDBOX_MODE=auto|root|rootless` (default auto: root when the server is root, else
 * rootless). Forcing `rootless` as root is refused: the kernel never applies RLIMIT_NPROC to the
 * host's root uid, so a fork bomb would not stop.
 */
import fs from 'node:fs';
import os from 'node:os';

export type SandboxMode = 'root' | 'rootless';

export type ModeChoice = { ok: true; mode: SandboxMode } | { ok: false; why: string; hint?: string };

/** The mode asked for by the environment and the server's uid, before any probe. */
export function chooseMode(env: string | undefined, uid: number): ModeChoice {
  const wanted = (env ?? '').trim() || 'auto';
  if (wanted !== 'auto' && wanted !== 'root' && wanted !== 'rootless') {
    return { ok: false, why: `ATRIUM_SANDBOX_MODE must be auto, root or rootless (it is "${wanted}")`, hint: 'Unset it to let the server choose.' };
  }
  if (wanted === 'root' && uid !== 0) {
    return { ok: false, why: 'ATRIUM_SANDBOX_MODE=root needs the server to run as root (it gives each sandbox a uid of its own)', hint: 'Unset ATRIUM_SANDBOX_MODE to use the rootless mode.' };
  }
  if (wanted === 'rootless' && uid === 0) {
    return { ok: false, why: 'ATRIUM_SANDBOX_MODE=rootless is for a server that does not run as root (the kernel never limits the processes of root, so a fork bomb in the sandbox would not stop)', hint: 'Unset ATRIUM_SANDBOX_MODE, or set it to root.' };
  }
  if (wanted === 'auto') return { ok: true, mode: uid === 0 ? 'root' : 'rootless' };
  return { ok: true, mode: wanted };
}

function readKnob(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * Why bwrap could not build a rootless sandbox, and how to allow it: names the kernel setting
 * that refuses unprivileged user namespaces when one of the known ones does. `procSys` is for tests.
 */
export function explainUsernsRefusal(bwrapStderr: string, procSys = '/proc/sys'): { why: string; hint: string } {
  const said = bwrapStderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'no message';
  if (/unknown option|unrecognized option/i.test(said)) {
    return { why: `the installed bubblewrap is too old for the rootless mode (${said})`, hint: 'Install bubblewrap 0.8 or newer, or run the server as root.' };
  }
  const why = `the server does not run as root, and bwrap could not create an unprivileged user namespace (${said})`;
  const fixes: string[] = [];
  if (readKnob(`${procSys}/kernel/unprivileged_userns_clone`) === '0') fixes.push('`sysctl -w kernel.unprivileged_userns_clone=1` (the kernel forbids unprivileged user namespaces)');
  if (readKnob(`${procSys}/user/max_user_namespaces`) === '0') fixes.push('`sysctl -w user.max_user_namespaces=15000` (the kernel allows no user namespace at all)');
  if (readKnob(`${procSys}/kernel/apparmor_restrict_unprivileged_userns`) === '1') {
    fixes.push('`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`, or an AppArmor profile for bwrap that allows `userns` (AppArmor restricts unprivileged user namespaces)');
  }
  const allow = fixes.length
    ? `Allow unprivileged user namespaces: ${fixes.join('; ')}`
    : 'Allow unprivileged user namespaces (`sysctl kernel.unprivileged_userns_clone=1` on older Debian kernels, `user.max_user_namespaces` above 0, or `kernel.apparmor_restrict_unprivileged_userns=0` on Ubuntu)';
  return { why, hint: `${allow}, or run the server as root.` };
}

/**
 * Since Linux 5.14 RLIMIT_NPROC is counted per user namespace and uid (ucounts): in a rootless
 * sandbox it counts that sandbox's own processes, not every process of the server's uid. Before,
 * it counted every process of the uid on the host, so the budget is shared (see rootlessNproc).
 */
export function nprocPerNamespace(release = os.release()): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 5 || (major === 5 && minor >= 14);
}

/**
 * The RLIMIT_NPROC to give a rootless sandbox that may start `allowance` processes and threads.
 * On kernels that count per user namespace, the allowance itself. On older ones the limit counts
 * every task of the server's uid (the server's own threads, other sandboxes), so the sandbox gets
 * what runs now plus its allowance: it cannot starve the server beyond that, but concurrent
 * sandboxes share headroom.
 */
export function rootlessNproc(allowance: number, perNamespace: boolean, tasksNow: () => number): number {
  return perNamespace ? allowance : tasksNow() + allowance;
}

/** Tasks (processes and threads, as RLIMIT_NPROC counts them) whose real uid is `uid`. */
export function tasksOfUid(uid: number): number {
  let n = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (name.charCodeAt(0) > 57) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      const u = /^Uid:\s+(\d+)/m.exec(status);
      const t = /^Threads:\s+(\d+)/m.exec(status);
      if (u && Number(u[1]) === uid) n += t ? Number(t[1]) : 1;
    } catch {
      // exited while we looked
    }
  }
  return n;
}
