/**
 * Test support for the git connector: a spawn spy, a /proc scan, and tiny tar/zip listers (so the
 * tests need no unzip on the machine). Only imported by tests; the git server and its fixtures
 * live in scripts/services/ and are imported by the test files themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { defaultSpawn, type SpawnFn } from './git-process.js';

export interface SpawnRecord {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  pid: number | undefined;
}

/** A spawn that records what it was asked to run (argv is what /proc/<pid>/cmdline shows). */
export function spawnSpy(): { spawn: SpawnFn; calls: SpawnRecord[] } {
  const calls: SpawnRecord[] = [];
  const spawn: SpawnFn = (command, args, options) => {
    const child = defaultSpawn(command, args, options);
    calls.push({ command, args: [...args], env: { ...(options.env ?? {}) }, pid: child.pid });
    return child;
  };
  return { spawn, calls };
}

/** Command lines of every process on the machine (what any local user can read). */
export function allCommandLines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      /* exited */
    }
  }
  return out;
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Entries of a (ustar/pax) tar: path → { type, mode, content }. */
export function listTar(buf: Buffer): Map<string, { type: string; mode: number; content: Buffer }> {
  const out = new Map<string, { type: string; mode: number; content: Buffer }>();
  let at = 0;
  let paxPath: string | null = null;
  while (at + 512 <= buf.length) {
    const h = buf.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, b: number): string => h.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(str(124, 136).trim() || '0', 8);
    const type = str(156, 157) || '0';
    const prefix = str(345, 500);
    const name = paxPath ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    const content = buf.subarray(at + 512, at + 512 + size);
    paxPath = null;
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(content.toString('utf8'));
      if (m) paxPath = m[1]!;
    } else if (type !== 'g') {
      out.set(name, { type, mode: parseInt(str(100, 108).trim() || '0', 8), content });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** File names in a zip's central directory. */
export function listZip(buf: Buffer): string[] {
  const names: string[] = [];
  let at = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  while (at >= 0 && at + 46 <= buf.length && buf.readUInt32LE(at) === 0x02014b50) {
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.subarray(at + 46, at + 46 + nameLen).toString('utf8'));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
