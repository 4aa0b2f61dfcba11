import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { contentDisposition, integrationFolder, normalizeProjectPath, resolveUnder } from './project-files-paths.js';

const refused = (p: string, opts?: Parameters<typeof normalizeProjectPath>[1]) => {
  try {
    normalizeProjectPath(p, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('validation_failed');
    return (e as AppError).message;
  }
  throw new Error(`'${p}' was accepted`);
};

describe('project file paths', () => {
  it.each([
    ['a.csv', 'a.csv'],
    ['external-files/s3/raw/2024/a b.csv', 'external-files/s3/raw/2024/a b.csv'],
    ['dir/ünïcode.parquet', 'dir/ünïcode.parquet'],
  ])('keeps %s', (input, out) => expect(normalizeProjectPath(input)).toBe(out));

  it.each([
    ['../etc/passwd', "'..'"],
    ['a/../../b', "'..'"],
    ['a/./b', "'..'"],
    ['/etc/passwd', 'absolute'],
    ['C:/x', 'drive'],
    ['a\\..\\b', 'backslash'],
    ['a\u0000b', 'NUL'],
    ['a\nb', 'control'],
    ['a//b', 'empty segment'],
    ['', 'empty'],
    ['x'.repeat(1025), 'longer'],
    [`${'y'.repeat(256)}/a`, 'longer'],
    [Array.from({ length: 40 }, () => 'd').join('/'), 'deeper'],
    ['a/.b.1234.part', 'reserved'],
  ])('refuses %j', (input, why) => expect(refused(input)).toContain(why));

  it('folders may be empty (the root) or end in a slash', () => {
    expect(normalizeProjectPath('', { allowEmpty: true })).toBe('');
    expect(normalizeProjectPath('a/b/', { folder: true })).toBe('a/b');
    refused('../', { folder: true });
  });

  it('resolveUnder confines by construction, whatever the text', () => {
    const root = '/srv/data/project-files/p1';
    expect(resolveUnder(root, 'a/b.csv')).toBe(path.join(root, 'a/b.csv'));
    expect(() => resolveUnder(root, '../p2/x')).toThrow(AppError);
    expect(() => resolveUnder(root, '/etc/passwd')).toThrow(AppError);
    expect(() => resolveUnder(root, '../p1-evil/x')).toThrow(AppError);
  });

  it('Content-Disposition cannot break out of its header', () => {
    const h = contentDisposition('dir/evil";\r\nSet-Cookie: x=1.csv');
    expect(h).not.toMatch(/[\r\n]/);
    expect(h.startsWith('attachment; filename="evil__')).toBe(true);
    expect(contentDisposition('données.csv')).toContain("filename*=UTF-8''donn%C3%A9es.csv");
  });

  it('integration folders are one segment', () => {
    expect(integrationFolder('Raw data')).toBe('external-files/s3/Raw data');
    expect(integrationFolder('a/../b')).toBe('external-files/s3/a_.._b');
    expect(integrationFolder('..')).toBe('external-files/s3/_');
  });
});
