/**
 * Installs of pinned packages: one live install per (project, package) that any number of
 * requests follow (its events replayed, then streamed), the artifact built once per key through
 * the cache, the outcome (status, capped log, error) stored on the pin. Never rejects: a failure
 * ends as the pin's `failed` status and an `error` event. Also the archive streams of artifacts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GIT_ERROR_STATUS, GitConnectorError, scrubSecrets } from '../../connectors/git/git-connector.js';
import { AppError } from '../../errors.js';
import type { AssetRow } from '../assets/assets-service.js';
import type { GitProvidersService } from '../git-providers/git-providers-service.js';
import { artifactKey, type PackageCache } from './git-packages-cache.js';
import { buildArtifact, extractArtifact, INSTALL_SANDBOX_VERSION, InstallError, type InstallLimits } from './git-packages-install.js';
import { OWNER, sweepLeftovers } from './git-packages-leftovers.js';
import type { GitPackageRow, GitPackagesRepository, InstallStatus, ProjectPackageRow } from './git-packages-repository.js';

const LOG_CAP = 64 * 1024;

export type InstallEvent =
  | { type: 'status'; status: InstallStatus; commit: string }
  | { type: 'log'; line: string }
  | { type: 'end'; status: InstallStatus; commit: string; artifactKey: string | null; cached: boolean }
  | { type: 'error'; code: string; message: string };

/** One install in progress: its events so far, and whoever follows them. */
interface LiveInstall {
  events: InstallEvent[];
  listeners: Set<() => void>;
  done: boolean;
  promise: Promise<void>;
}

/** A connector's or the install's error as an API error, never with a credential in it. */
export function asAppError(e: unknown, secrets: string[] = []): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof GitConnectorError) return AppError.withStatus(e.code, GIT_ERROR_STATUS[e.code], scrubSecrets(e.message, secrets), e.details);
  if (e instanceof InstallError) return AppError.withStatus(e.code, 422, scrubSecrets(e.message, secrets), e.details);
  return new AppError('internal', 'The package could not be installed because of an unexpected error.');
}

/** The artifact a pin of this package at `commit` installs now. */
export const currentKey = (commit: string, p: Pick<GitPackageRow, 'commands' | 'network'>) =>
  artifactKey({ commit, commands: p.commands, network: p.network, sandboxVersion: INSTALL_SANDBOX_VERSION });

/**
 * An installed pin is outdated when its artifact is not the one the package's current install
 * commands, network switch and sandbox would build: the pin keeps serving what it installed until
 * someone reinstalls (POST …/install), which builds at the same pinned commit.
 */
export function outdatedOf(pin: ProjectPackageRow | undefined, p: Pick<GitPackageRow, 'commands' | 'network'>): { outdated: boolean; outdatedReason: string | null } {
  if (!pin || pin.status !== 'installed' || !pin.artifactKey || pin.artifactKey === currentKey(pin.commit, p)) return { outdated: false, outdatedReason: null };
  const what =
    pin.artifactKey === currentKey(pin.commit, { ...p, network: !p.network })
      ? `The package's network switch was turned ${p.network ? 'on' : 'off'} since this install.`
      : "The package's install commands (or the install sandbox) changed since this install.";
  return { outdated: true, outdatedReason: `${what} Reinstall to build it again at the same pinned commit.` };
}

function capLog(lines: string[]): string {
  const text = lines.join('\n');
  if (text.length <= LOG_CAP) return text;
  return `[… ${text.length - LOG_CAP} earlier characters dropped]\n${text.slice(text.length - LOG_CAP)}`;
}


export interface InstallerOptions {
  /** Scratch space for builds and zips (under the data directory; never bound into a sandbox whole). */
  workDir: string;
  limits: InstallLimits;
}

type InstallerDeps = {
  repo: Pick<GitPackagesRepository, 'pin' | 'setStatus'>;
  providers: Pick<GitProvidersService, 'gitAccess' | 'git'>;
  cache: PackageCache;
  pkgOf(a: AssetRow): Promise<GitPackageRow>;
};

export function createPackageInstaller(deps: InstallerDeps, opts: InstallerOptions) {
  const { repo, cache } = deps;
  const live = new Map<string, LiveInstall>();
  // Build and zip directories a crash left behind (never a live process's).
  sweepLeftovers(opts.workDir, (name) => /^(build|zip)-/.test(name));
  // sharedBuilds: joined another caller's build; remoteHits: downloaded from the shared (S3) tier.
  const stats = { builds: 0, sandboxRuns: 0, cacheHits: 0, sharedBuilds: 0, remoteHits: 0 };

  const liveKey = (projectId: string, assetId: string) => `${projectId}:${assetId}`;

  /** Starts (or joins) the install of a project's pin. Never rejects: failures end in the pin's status. */
  function startInstall(projectId: string, a: AssetRow): LiveInstall {
    const k = liveKey(projectId, a.id);
    const running = live.get(k);
    if (running && !running.done) return running;
    const l: LiveInstall = { events: [], listeners: new Set(), done: false, promise: Promise.resolve() };
    const emit = (e: InstallEvent) => {
      l.events.push(e);
      for (const f of l.listeners) f();
    };
    live.set(k, l);
    l.promise = (async () => {
      const lines: string[] = [];
      const log = (line: string) => {
        lines.push(line);
        emit({ type: 'log', line });
      };
      const pin = await repo.pin(projectId, a.id);
      if (!pin) {
        emit({ type: 'error', code: 'not_found', message: `'${a.name}' is not pinned in this project: import it first.` });
        return;
      }
      let secrets: string[] = [];
      try {
        const p = await deps.pkgOf(a);
        const key = currentKey(pin.commit, p);
        await repo.setStatus(projectId, a.id, { status: 'installing', error: null, log: '', commit: pin.commit });
        emit({ type: 'status', status: 'installing', commit: pin.commit });
        log(`${a.name} @ ${pin.commit} (artifact ${key.slice(0, 16)})`);
        const warm = await cache.lookup(key);
        let cached = !!warm;
        if (warm) {
          stats.cacheHits++;
          log('artifact found in the cache: nothing to fetch or run');
        } else {
          const r = await cache.getOrBuild(
            key,
            async (tmp) => {
              stats.builds++;
              const access = await deps.providers.gitAccess(p.providerId, p.repository);
              secrets = access.secrets;
              await buildArtifact({ git: deps.providers.git, access, commit: pin.commit, commands: p.commands, network: p.network, limits: opts.limits, workRoot: opts.workDir, tmpPath: tmp, log, onSandboxRun: () => stats.sandboxRuns++ });
            },
            log,
          );
          if (r.source === 'shared') {
            stats.remoteHits++;
            cached = true;
          } else if (r.hit) {
            stats.cacheHits++;
            cached = true;
            log('artifact found in the cache: nothing to fetch or run');
          } else if (r.shared) {
            stats.sharedBuilds++;
            cached = true;
            log('an identical install was running for another project: its artifact is shared');
          }
        }
        log('installed');
        await repo.setStatus(projectId, a.id, { status: 'installed', artifactKey: key, log: capLog(lines), error: null, commit: pin.commit });
        emit({ type: 'end', status: 'installed', commit: pin.commit, artifactKey: key, cached });
      } catch (e) {
        const err = asAppError(e, secrets);
        log(`failed: ${err.message}`);
        await repo.setStatus(projectId, a.id, { status: 'failed', log: capLog(lines), error: { code: String(err.code), message: err.message }, commit: pin.commit }).catch(() => {});
        emit({ type: 'error', code: String(err.code), message: err.message });
      }
    })().finally(() => {
      l.done = true;
      for (const f of l.listeners) f();
    });
    return l;
  }

  /** The events of an install from its start, following it until it ends. */
  async function* follow(l: LiveInstall): AsyncGenerator<InstallEvent> {
    let i = 0;
    for (;;) {
      while (i < l.events.length) yield l.events[i++]!;
      if (l.done) return;
      await new Promise<void>((r) => {
        const f = () => {
          l.listeners.delete(f);
          r();
        };
        l.listeners.add(f);
      });
    }
  }

  /** A tar or zip of the artifact; the file stays in the cache until the stream closes. */
  /** The artifact as a tar (its size known: the file itself) or a zip (made on the fly, size unknown). */
  async function archiveStream(file: string, key: string, format: 'tar' | 'zip'): Promise<{ stream: Readable; size: number | null }> {
    if (format === 'tar') {
      // The size of the very file that is streamed (opened first), for Content-Length.
      const handle = await fsp.open(file, 'r');
      const { size } = await handle.stat();
      const s = handle.createReadStream();
      void cache.hold(key, () => new Promise<void>((r) => s.once('close', () => r())));
      return { stream: s, size };
    }
    await fsp.mkdir(opts.workDir, { recursive: true, mode: 0o700 });
    const dir = await fsp.mkdtemp(path.join(opts.workDir, `zip-${OWNER}-`));
    try {
      await cache.hold(key, () => extractArtifact(file, dir));
    } catch (e) {
      await fsp.rm(dir, { recursive: true, force: true });
      throw e;
    }
    // -y keeps symbolic links as links: an artifact's link never makes the server read its target.
    const z = spawn('zip', ['-q', '-r', '-y', '-X', '-', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    z.once('close', () => void fsp.rm(dir, { recursive: true, force: true }));
    return { stream: z.stdout, size: null };
  }

  return {
    start: startInstall,
    follow,
    archiveStream,
    /** Whether an install of this pin runs now. */
    running: (projectId: string, assetId: string) => {
      const l = live.get(liveKey(projectId, assetId));
      return !!l && !l.done;
    },
    stats: () => ({ ...stats }),
    /** Resolves once no install runs (tests, shutdown). */
    async idle() {
      await Promise.all([...live.values()].map((l) => l.promise));
    },
  };
}

export type PackageInstaller = ReturnType<typeof createPackageInstaller>;
