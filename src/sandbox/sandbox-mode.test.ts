/**
 * Which sandbox mode a server gets, and what it is told when none can work. The rootless mode
 * itself, run by a server that is not root, is tested in sandbox-rootless.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { assertSandboxAvailable, bwrapArgs, DEFAULT_LIMITS, resetSandboxProbe, sandboxAvailable, sandboxMode } from './sandbox-bwrap.js';
import { chooseMode, explainUsernsRefusal, nprocPerNamespace, rootlessNproc } from './sandbox-mode.js';

const procSys = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-sbx-mode-'));
afterAll(() => fs.rmSync(procSys, { recursive: true, force: true }));

function knobs(values: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(procSys, 'sys-'));
  for (const [file, v] of Object.entries(values)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), `${v}\n`);
  }
  return dir;
}

describe('chooseMode', () => {
  it.each([
    [undefined, 0, 'root'],
    [undefined, 1000, 'rootless'],
    ['auto', 0, 'root'],
    ['', 1000, 'rootless'],
    ['root', 0, 'root'],
    ['rootless', 1000, 'rootless'],
  ])('ATRIUM_SANDBOX_MODE=%s as uid %i → %s', (env, uid, mode) => {
    expect(chooseMode(env, uid)).toEqual({ ok: true, mode });
  });

  it.each([
    ['root', 1000, /needs the server to run as root/],
    ['rootless', 0, /for a server that does not run as root.*fork bomb/],
    ['container', 0, /must be auto, root or rootless \(it is "container"\)/],
  ])('ATRIUM_SANDBOX_MODE=%s as uid %i is refused', (env, uid, why) => {
    const c = chooseMode(env, uid);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.why).toMatch(why);
  });
});

describe('explainUsernsRefusal', () => {
  const denied = 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.\n';

  it('names the Debian switch when it is off', () => {
    const e = explainUsernsRefusal(denied, knobs({ 'kernel/unprivileged_userns_clone': '0', 'user/max_user_namespaces': '1000' }));
    expect(e.why).toMatch(/could not create an unprivileged user namespace \(bwrap: No permissions/);
    expect(e.hint).toMatch(/sysctl -w kernel\.unprivileged_userns_clone=1/);
    expect(e.hint).not.toMatch(/apparmor/);
  });

  it('names AppArmor when it restricts user namespaces, and a zero namespace budget', () => {
    const e = explainUsernsRefusal('bwrap: setting up uid map: Permission denied', knobs({ 'kernel/apparmor_restrict_unprivileged_userns': '1', 'user/max_user_namespaces': '0' }));
    expect(e.hint).toMatch(/kernel\.apparmor_restrict_unprivileged_userns=0/);
    expect(e.hint).toMatch(/user\.max_user_namespaces=15000/);
    expect(e.hint).toMatch(/or run the server as root/);
  });

  it('gives every known switch when none of them is visibly off, and spots a bwrap too old', () => {
    expect(explainUsernsRefusal(denied, knobs({})).hint).toMatch(/unprivileged_userns_clone=1.*max_user_namespaces.*apparmor_restrict_unprivileged_userns=0/);
    expect(explainUsernsRefusal('bwrap: Unknown option --disable-userns', knobs({})).why).toMatch(/too old for the rootless mode/);
  });
});

describe('RLIMIT_NPROC of a rootless sandbox', () => {
  it.each([
    ['6.1.0-27-amd64', true],
    ['5.14.0-362.el9.x86_64', true],
    ['5.10.0-28-amd64', false],
    ['4.18.0-513.el8.x86_64', false],
    ['weird', false],
  ])('kernel %s counts per user namespace: %s', (release, per) => {
    expect(nprocPerNamespace(release)).toBe(per);
  });

  it('is the allowance where the kernel counts per namespace, else what runs now plus the allowance', () => {
    expect(rootlessNproc(128, true, () => 5000)).toBe(128);
    expect(rootlessNproc(128, false, () => 5000)).toBe(5128);
  });
});

describe('bwrapArgs by mode', () => {
  const spec = { command: '/bin/true', args: [], binds: [], network: false, limits: DEFAULT_LIMITS, uid: 4242, fileAccess: 'write' as const };

  it('root: no user namespace, setpriv to the sandbox uid with only the asked file capability', () => {
    const a = bwrapArgs(spec);
    expect(a).not.toContain('--unshare-user');
    expect(a.join(' ')).toMatch(/-- \/usr\/bin\/setpriv --reuid=4242 --regid=4242 --clear-groups --no-new-privs --inh-caps=-all,\+dac_override .* -- \/usr\/bin\/prlimit .*--nproc=128 /);
  });

  it('rootless: a user namespace, no nested one, no capability, no setpriv; the same namespaces and limits', () => {
    const a = bwrapArgs({ ...spec, mode: 'rootless', gid: 4343, nproc: 99 });
    const s = a.join(' ');
    expect(s).toMatch(/^--unshare-user --uid 4242 --gid 4343 --disable-userns --cap-drop ALL --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup-try --unshare-net --die-with-parent --new-session /);
    expect(s).not.toMatch(/setpriv|dac_override/);
    expect(s).toMatch(/-- \/usr\/bin\/prlimit --cpu=60:61 --as=2147483648 --nproc=99 --fsize=1073741824 --nofile=256 --core=0 -- \/bin\/true$/);
  });
});

describe('the probe as root', () => {
  const saved = process.env.ATRIUM_SANDBOX_MODE;
  afterEach(() => {
    if (saved === undefined) delete process.env.ATRIUM_SANDBOX_MODE;
    else process.env.ATRIUM_SANDBOX_MODE = saved;
    resetSandboxProbe();
  });

  it('uses root mode by default, and refuses a forced rootless mode with a reason', () => {
    expect(process.getuid!()).toBe(0);
    delete process.env.ATRIUM_SANDBOX_MODE;
    resetSandboxProbe();
    expect(sandboxMode()).toBe('root');
    process.env.ATRIUM_SANDBOX_MODE = 'rootless';
    resetSandboxProbe();
    expect(sandboxAvailable()).toBe(false);
    expect(() => assertSandboxAvailable()).toThrow(expect.objectContaining({ code: 'sandbox_unavailable', message: expect.stringMatching(/does not run as root.*Unset ATRIUM_SANDBOX_MODE/s) }));
  });
});
