/**
 * The bubblewrap command line: which namespaces, which system paths, which binds, which limits.
 * Pure (apart from checking paths on the host), so the exact confinement can be read and tested.
 *
 * Layout of a sandbox (everything else does not exist inside):
 *   /usr (ro), /bin /lib /lib64 /sbin (symlinks into /usr, as on a merged-/usr Debian), a few /etc
 *   files, /proc (a new PID namespace's), /dev (bwrap's minimal one), /tmp (private tmpfs, capped),
 *   and exactly the caller's binds.
 *
 * Two modes (sandbox-mode.ts), same layout and namespaces, different privilege model:
 *
 * `root` — no user namespace (`--unshare-all` minus `--unshare-user`): bwrap started by root maps
 * the sandbox user to root, and the kernel never applies RLIMIT_NPROC to root, so a fork bomb would
 * not stop. Instead bwrap (root) builds the namespaces and mounts, then `setpriv` drops to a
 * per-sandbox unprivileged uid with no capabilities except, when the caller asks, file DAC
 * override — which only matters for the files bound in. `prlimit` then sets the rlimits, so the
 * limits hold for that uid and cannot be raised again (no CAP_SYS_RESOURCE).
 *
 * `rootless` — the server is not root: bwrap creates an unprivileged user namespace as well
 * (`--unshare-user`, the server's uid mapped to itself, no capabilities, `--disable-userns` so no
 * nested namespace can be made inside). Every process inside is the server's uid on the host: the
 * namespaces (mount, PID, network, IPC) are the only wall. `prlimit` sets the same rlimits; since
 * Linux 5.14 RLIMIT_NPROC counts per user namespace, i.e. this sandbox's own processes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sandboxUnavailable } from './sandbox-errors.js';
import { type SandboxMode, chooseMode, explainUsernsRefusal } from './sandbox-mode.js';

export interface SandboxBind {
  /** Absolute host path. Symlinks are resolved first: a bind never follows a link at mount time. */
  path: string;
  /** Where it appears inside (default: the same path). */
  dest?: string;
  /** `hide`: an empty read-only directory at `dest` (masks what a broader bind would show). */
  mode: 'ro' | 'rw' | 'hide';
  /** A path that may not exist yet is skipped instead of failing (e.g. a `-wal` side file). */
  optional?: boolean;
}

export interface SandboxLimits {
  /** Wall clock, ms (one-shot runs). Default 60 000. */
  wallMs?: number;
  /** RLIMIT_CPU, seconds of CPU for the whole life of the process. Default 60. */
  cpuSeconds?: number;
  /** RLIMIT_AS, bytes of address space per process. Node alone needs ~800 MiB. Default 2 GiB. */
  memoryBytes?: number;
  /** RLIMIT_NPROC for the sandbox's own uid: processes AND threads. Default 128. */
  processes?: number;
  /** stdout+stderr bytes (one-shot runs) before the process group is killed. Default 16 MiB. */
  outputBytes?: number;
  /** Size of the private /tmp (tmpfs). Default 64 MiB. */
  tmpBytes?: number;
  /** RLIMIT_FSIZE: largest file the process may write. Default 1 GiB. */
  fileBytes?: number;
  /** RLIMIT_NOFILE. Default 256. */
  openFiles?: number;
}

export const DEFAULT_LIMITS: Required<SandboxLimits> = {
  wallMs: 60_000,
  cpuSeconds: 60,
  memoryBytes: 2 * 1024 ** 3,
  processes: 128,
  outputBytes: 16 * 1024 ** 2,
  tmpBytes: 64 * 1024 ** 2,
  fileBytes: 1024 ** 3,
  openFiles: 256,
};

export interface BwrapSpec {
  command: string;
  args: string[];
  binds: SandboxBind[];
  cwd?: string;
  network: boolean;
  limits: Required<SandboxLimits>;
  /** root mode: the sandbox's own uid. rootless: the server's uid (mapped to itself inside). */
  uid: number;
  /** Lets the process read (`read`) or also write (`write`) bound files it does not own (root mode only). */
  fileAccess: 'owner' | 'read' | 'write';
  /** Default `root`. */
  mode?: SandboxMode;
  /** RLIMIT_NPROC when it differs from `limits.processes` (rootless on kernels before 5.14). */
  nproc?: number;
  /** gid inside (rootless; default: `uid`). */
  gid?: number;
}

export const BWRAP = process.env.ATRIUM_BWRAP_PATH || '/usr/bin/bwrap';
const SETPRIV = '/usr/bin/setpriv';
const PRLIMIT = '/usr/bin/prlimit';

/** Small, secret-free files from /etc that programs need. Network ones only with network. */
const ETC_ALWAYS = ['/etc/ld.so.cache', '/etc/localtime', '/etc/alternatives'];
const ETC_NETWORK = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/gai.conf', '/etc/ssl', '/etc/ca-certificates'];

type Probe = { ok: true; mode: SandboxMode } | { ok: false; why: string; hint?: string };
let available: Probe | null = null;

/** Throws SandboxError('sandbox_unavailable') when no sandbox can be started here. */
export function assertSandboxAvailable(): void {
  sandboxMode();
}

export function sandboxAvailable(): boolean {
  available ??= probe();
  return available.ok;
}

/** The mode every sandbox of this process uses (probed once); throws like assertSandboxAvailable. */
export function sandboxMode(): SandboxMode {
  available ??= probe();
  if (!available.ok) throw sandboxUnavailable(available.why, available.hint);
  return available.mode;
}

function probe(): Probe {
  if (process.platform !== 'linux') return { ok: false, why: 'it needs Linux' };
  const choice = chooseMode(process.env.ATRIUM_SANDBOX_MODE, process.getuid!());
  if (!choice.ok) return choice;
  const needed = [[BWRAP, 'bubblewrap (bwrap)'], ...(choice.mode === 'root' ? [[SETPRIV, 'setpriv (util-linux)']] : []), [PRLIMIT, 'prlimit (util-linux)']] as const;
  for (const [bin, what] of needed) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      return { ok: false, why: `${what} is not installed at ${bin}` };
    }
  }
  if (choice.mode === 'root') return choice;
  // Whether the kernel lets this uid build the sandbox is known only by trying: start a trivial
  // one exactly the way every rootless sandbox starts (namespaces, --disable-userns, prlimit).
  const argv = bwrapArgs({ command: '/bin/true', args: [], binds: [], network: false, limits: { ...DEFAULT_LIMITS, processes: 16 }, uid: process.getuid!(), gid: process.getgid!(), fileAccess: 'owner', mode: 'rootless' });
  const r = spawnSync(BWRAP, argv, { env: {}, encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error) return { ok: false, why: `bwrap could not be started (${r.error.message})` };
  if (r.status !== 0) return { ok: false, ...explainUsernsRefusal(r.stderr ?? '') };
  return choice;
}

/** For tests: forget the cached probe. */
export function resetSandboxProbe(): void {
  available = null;
}

function realBind(b: SandboxBind): { src: string; dest: string } | null {
  if (!path.isAbsolute(b.path)) throw new TypeError(`sandbox bind path must be absolute: ${b.path}`);
  let src: string;
  try {
    src = fs.realpathSync(b.path);
  } catch (e) {
    if (b.optional) return null;
    throw e;
  }
  const dest = b.dest ?? src;
  if (!path.isAbsolute(dest)) throw new TypeError(`sandbox bind destination must be absolute: ${dest}`);
  return { src, dest };
}

/** The full argv for spawn(BWRAP, argv). */
export function bwrapArgs(spec: BwrapSpec): string[] {
  const l = spec.limits;
  const rootless = spec.mode === 'rootless';
  const a: string[] = [];
  // No capabilities in the new user namespace (none are kept for a uid other than 0 there anyway),
  // and no nested user namespace: a process inside can never gain capabilities to remount.
  if (rootless) a.push('--unshare-user', '--uid', String(spec.uid), '--gid', String(spec.gid ?? spec.uid), '--disable-userns', '--cap-drop', 'ALL');
  a.push('--unshare-ipc', '--unshare-pid', '--unshare-uts', '--unshare-cgroup-try');
  if (!spec.network) a.push('--unshare-net');
  a.push('--die-with-parent', '--new-session', '--hostname', 'sandbox');
  a.push('--ro-bind', '/usr', '/usr');
  for (const d of ['bin', 'sbin', 'lib', 'lib64']) {
    let target: string | null = null;
    try {
      target = fs.readlinkSync(`/${d}`);
    } catch {
      target = null;
    }
    if (target) a.push('--symlink', target, `/${d}`);
    else if (fs.existsSync(`/${d}`)) a.push('--ro-bind', `/${d}`, `/${d}`);
  }
  // Created 0755 so that a missing file below is ENOENT (which programs expect), not EACCES.
  a.push('--perms', '0755', '--dir', '/etc');
  for (const p of [...ETC_ALWAYS, ...(spec.network ? ETC_NETWORK : [])]) a.push('--ro-bind-try', p, p);
  a.push('--proc', '/proc', '--dev', '/dev');
  a.push('--size', String(l.tmpBytes), '--perms', '1777', '--tmpfs', '/tmp');
  // bwrap creates missing parents of a bind as root-only (0700) directories; a process that is
  // not root could not walk through them (access(2) ignores capabilities), so make them 0755.
  const made = new Set<string>(['/', '/usr', '/proc', '/dev', '/tmp', '/etc']);
  const parents = (dest: string) => {
    const chain: string[] = [];
    for (let d = path.posix.dirname(dest); !made.has(d); d = path.posix.dirname(d)) chain.unshift(d);
    for (const d of chain) {
      a.push('--perms', '0755', '--dir', d);
      made.add(d);
    }
  };
  for (const b of spec.binds) {
    if (b.mode === 'hide') {
      if (!b.dest || !path.isAbsolute(b.dest)) throw new TypeError('a hidden path needs an absolute dest');
      parents(b.dest);
      a.push('--tmpfs', b.dest, '--remount-ro', b.dest);
      made.add(b.dest);
      continue;
    }
    const r = realBind(b);
    if (!r) continue;
    parents(r.dest);
    a.push(b.mode === 'rw' ? '--bind' : '--ro-bind', r.src, r.dest);
    made.add(r.dest);
  }
  if (spec.cwd) a.push('--chdir', spec.cwd);
  // bwrap's own environment becomes /proc/1/environ inside: the caller spawns it with the
  // sandbox's explicit env only, so nothing else is there.
  // Soft CPU limit first (SIGXCPU, reported as 'cpu'), the hard one a second later (SIGKILL).
  const limits = [PRLIMIT, `--cpu=${l.cpuSeconds}:${l.cpuSeconds + 1}`, `--as=${l.memoryBytes}`, `--nproc=${spec.nproc ?? l.processes}`, `--fsize=${l.fileBytes}`, `--nofile=${l.openFiles}`, '--core=0', '--'];
  if (rootless) {
    // bwrap already runs the command as the (unprivileged) uid, with no_new_privs and no capabilities.
    a.push('--', ...limits, spec.command, ...spec.args);
    return a;
  }
  const caps = spec.fileAccess === 'write' ? '+dac_override' : spec.fileAccess === 'read' ? '+dac_read_search' : '';
  a.push(
    '--',
    SETPRIV,
    `--reuid=${spec.uid}`,
    `--regid=${spec.uid}`,
    '--clear-groups',
    '--no-new-privs',
    `--inh-caps=-all${caps ? `,${caps}` : ''}`,
    `--ambient-caps=-all${caps ? `,${caps}` : ''}`,
    `--bounding-set=-all${caps ? `,${caps}` : ''}`,
    '--',
    ...limits,
    spec.command,
    ...spec.args,
  );
  return a;
}

/**
 * Each live sandbox gets its own uid, so RLIMIT_NPROC (counted per uid) is its own budget: one
 * sandbox's fork bomb cannot starve another. The uids have no passwd entry and own no file.
 */
const UID_BASE = Number(process.env.ATRIUM_SANDBOX_UID_BASE ?? 1_900_000_000);
const UID_SLOTS = 50_000;
const liveUids = new Set<number>();

export function allocateUid(): number {
  let slot = Math.floor(Math.random() * UID_SLOTS);
  for (let i = 0; i < UID_SLOTS; i++, slot = (slot + 1) % UID_SLOTS) {
    const uid = UID_BASE + slot;
    if (!liveUids.has(uid)) {
      liveUids.add(uid);
      return uid;
    }
  }
  throw new Error('no free sandbox uid');
}

export function releaseUid(uid: number): void {
  liveUids.delete(uid);
}
