/**
 * Paths of a project's files, as callers send them: hostile until proven otherwise. A path is
 * normalised to forward-slash segments and refused — not repaired — when it is absolute, climbs
 * (`..`), holds a NUL, a backslash, a control character, an empty or `.` segment, or is too long.
 * This is the first fence; the store confines by construction as well (it resolves under the
 * project's root and checks the result, see `resolveUnder`).
 */
import path from 'node:path';
import { AppError } from '../../errors.js';

export const MAX_PATH_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;
export const MAX_DEPTH = 32;

const bad = (p: string, why: string) =>
  new AppError('validation_failed', `'${p.length > 80 ? `${p.slice(0, 80)}…` : p}' is not a usable file path: ${why}.`, { field: 'path' });

/**
 * A project-relative file path ('a/b.csv'), normalised. `allowEmpty` accepts '' (the root, for
 * a folder prefix); a trailing slash is accepted for folders and dropped.
 */
export function normalizeProjectPath(input: string, opts: { allowEmpty?: boolean; folder?: boolean } = {}): string {
  if (typeof input !== 'string') throw bad(String(input), 'it must be text');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(input)) throw bad(input.replace(/[\u0000-\u001f\u007f]/g, '?'), 'it contains a NUL or control character');
  if (input.includes('\\')) throw bad(input, 'use forward slashes, not backslashes');
  if (Buffer.byteLength(input) > MAX_PATH_BYTES) throw bad(input, `it is longer than ${MAX_PATH_BYTES} bytes`);
  if (input.startsWith('/')) throw bad(input, 'it must be relative to the project, not absolute');
  if (/^[a-zA-Z]:/.test(input)) throw bad(input, 'it must be relative to the project, not a drive path');
  let p = input;
  if (opts.folder || opts.allowEmpty) p = p.replace(/\/+$/, '');
  if (p === '') {
    if (opts.allowEmpty) return '';
    throw bad(input, 'it is empty');
  }
  const segs = p.split('/');
  if (segs.length > MAX_DEPTH) throw bad(input, `it is deeper than ${MAX_DEPTH} folders`);
  for (const s of segs) {
    if (s === '') throw bad(input, 'it has an empty segment (//) or a trailing slash');
    if (s === '.' || s === '..') throw bad(input, "it must not contain '.' or '..' segments");
    if (Buffer.byteLength(s) > MAX_SEGMENT_BYTES) throw bad(input, `a name is longer than ${MAX_SEGMENT_BYTES} bytes`);
    if (s.endsWith('.part') && s.startsWith('.')) throw bad(input, 'names like .x.part are reserved for transfers in progress');
  }
  return segs.join('/');
}

/**
 * Resolves a normalised relative path under `root` and checks that the result is inside it —
 * the wall, whatever the text filter above let through.
 */
export function resolveUnder(root: string, rel: string): string {
  const base = path.resolve(root);
  const full = path.resolve(base, rel);
  if (full !== base && !full.startsWith(base + path.sep)) throw bad(rel, 'it leads outside the project');
  return full;
}

/** A file name safe for Content-Disposition: the last segment, with an RFC 5987 UTF-8 form. */
export function contentDisposition(rel: string): string {
  const name = rel.split('/').pop() || 'file';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The folder of an integration's imported files inside a project. */
export const integrationFolder = (integrationName: string): string => `external-files/s3/${safeFolderName(integrationName)}`;

/** An integration name as one path segment (names may hold '/', spaces are fine). */
export function safeFolderName(name: string): string {
  const s = name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').trim();
  if (s === '' || s === '.' || s === '..') return '_';
  return s.slice(0, 200);
}
