/**
 * The progress view, fed events with a fake clock: plain output (a pipe) has a line per file and a
 * percentage line at most every interval, never a carriage return or an escape; a terminal gets a
 * file bar and a total bar (bytes, rate, ETA) redrawn in place, erased before permanent lines.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressView, formatBytes, formatDuration, type TransferEvent } from './cli-files-progress.js';

function sink(tty: boolean) {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    { isTTY: tty, columns: 100 },
  );
  return { out, text: () => text };
}

const MB = 1_000_000;
/** Two files, 30 MB and 10 MB, taking 4 s in all: progress every 500 ms. */
function run(tty: boolean) {
  const s = sink(tty);
  let clock = 1_000_000;
  const view = createProgressView({ out: s.out, verb: { doing: 'Importing', done: 'Imported', where: "from 'Raw'" }, fileLabel: (e) => `${e.key} → ${e.path}`, now: () => clock, plainEveryMs: 1000 });
  const ev = (e: TransferEvent) => view.event(e);
  ev({ type: 'start', direction: 'import', files: 2, bytes: 40 * MB });
  for (let loaded = 0; loaded <= 30 * MB; loaded += 5 * MB) {
    clock += 500;
    ev({ type: 'progress', key: 'big.bin', path: 'external-files/s3/Raw/big.bin', loaded, total: 30 * MB, filesDone: 0, bytesDone: loaded });
  }
  ev({ type: 'file', key: 'big.bin', path: 'external-files/s3/Raw/big.bin', size: 30 * MB, verifiedBy: ['sha256'] });
  clock += 500;
  ev({ type: 'progress', key: 'small.csv', path: 'external-files/s3/Raw/small.csv', loaded: 10 * MB, total: 10 * MB, filesDone: 1, bytesDone: 40 * MB });
  ev({ type: 'file', key: 'small.csv', path: 'external-files/s3/Raw/small.csv', size: 10 * MB, verifiedBy: [], unverifiedReason: 'multipart ETag' });
  ev({ type: 'end', files: 2, bytes: 40 * MB, durationMs: 4000 });
  return s.text();
}

describe('plain progress (not a terminal)', () => {
  const text = run(false);
  const lines = text.trimEnd().split('\n');

  it('says what starts, each file with its place, and the end with the rate', () => {
    expect(lines[0]).toBe("Importing 2 files (40.0 MB) from 'Raw'");
    expect(lines).toContain('  [1/2] big.bin → external-files/s3/Raw/big.bin (30.0 MB, verified by sha256)');
    expect(lines).toContain('  [2/2] small.csv → external-files/s3/Raw/small.csv (10.0 MB, not verified: multipart ETag)');
    expect(lines.at(-1)).toBe('Imported 2 files (40.0 MB) in 4.0s, 10.0 MB/s.');
  });

  it('prints a percentage at most once per interval, with bytes, rate and ETA', () => {
    const pct = lines.filter((l) => /^ {2}\d+% · /.test(l));
    // 3.5 s of progress events every 500 ms, at most one line per second.
    expect(pct.length).toBeGreaterThanOrEqual(2);
    expect(pct.length).toBeLessThanOrEqual(4);
    // First after 1 s: 5 MB of 40 MB moved in that second, so 35 MB left at 5 MB/s.
    expect(pct[0]).toBe('  12% · 5.0 MB of 40.0 MB · 5.0 MB/s · ETA 7s');
  });

  it('never redraws: no carriage return, no escape sequence', () => {
    expect(text).not.toMatch(/[\r\x1b]/);
  });
});

describe('terminal progress', () => {
  const text = run(true);

  it('draws a bar for the file and one for the total, with rate and ETA', () => {
    expect(text).toMatch(/big\.bin +█+░+ +\d+% {2}\d+\.\d MB \/ 30\.0 MB/);
    expect(text).toMatch(/Total 0\/2 +█*░+ +\d+% {2}[\d.]+ MB of 40\.0 MB · [\d.]+ MB\/s · ETA \d+s/);
  });

  it('erases the bars (cursor up, clear down) before each permanent line, and leaves none at the end', () => {
    expect(text).toContain('\x1b[2A');
    expect(text).toContain('\x1b[0J');
    const afterLast = text.slice(text.lastIndexOf('\x1b[0J') + 4);
    expect(afterLast).not.toMatch(/[█░]/);
    expect(afterLast.endsWith('\nImported 2 files (40.0 MB) in 4.0s, 10.0 MB/s.\n')).toBe(true);
    expect(text).toContain('  [1/2] big.bin → external-files/s3/Raw/big.bin (30.0 MB, verified by sha256)\n');
  });
});

describe('formats', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_234_567, '1.2 MB'],
    [123_456_789, '123 MB'],
    [20 * 1024 ** 3, '21.5 GB'],
  ])('%d bytes is %s', (n, s) => expect(formatBytes(n)).toBe(s));

  it.each([
    [0, '0s'],
    [59.4, '59s'],
    [65, '1m 05s'],
    [3725, '1h 02m'],
    [Infinity, '—'],
  ])('%d seconds is %s', (n, s) => expect(formatDuration(n)).toBe(s));
});
