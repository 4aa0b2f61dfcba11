/**
 * The progress view, fed events with a fake clock: plain output (a pipe) has a line per file and a
 * percentage line at most every interval, never a carriage return or an escape; a terminal (a fake
 * TTY stream, cli-progress drawing on it under vitest's fake timers) gets a file bar and a total
 * bar (bytes, rate, ETA) redrawn in place, finished files logged above them, nothing left at the end.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgressView, formatBytes, formatDuration, printable, type TransferEvent } from './cli-files-progress.js';

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
  // The terminal's bars run on cli-progress's clock (Date.now and its redraw timer): faked by vitest.
  const tick = (ms: number) => (tty ? vi.advanceTimersByTime(ms) : (clock += ms));
  const view = createProgressView({ out: s.out, verb: { doing: 'Importing', done: 'Imported', where: "from 'Raw'" }, fileLabel: (e) => `${e.key} → ${e.path}`, now: () => clock, plainEveryMs: 1000 });
  const ev = (e: TransferEvent) => view.event(e);
  ev({ type: 'start', direction: 'import', files: 2, bytes: 40 * MB });
  for (let loaded = 0; loaded <= 30 * MB; loaded += 5 * MB) {
    tick(500);
    ev({ type: 'progress', key: 'big.bin', path: 'external-files/s3/Raw/big.bin', loaded, total: 30 * MB, filesDone: 0, bytesDone: loaded });
  }
  tick(300);
  ev({ type: 'file', key: 'big.bin', path: 'external-files/s3/Raw/big.bin', size: 30 * MB, verifiedBy: ['sha256'] });
  tick(200);
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

describe('terminal progress (cli-progress on a TTY stream)', () => {
  let text = '';
  beforeAll(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    text = run(true);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it('draws a bar for the file and one for the total, with rate and ETA', () => {
    expect(text).toMatch(/big\.bin +█+░+ +\d+% {2}\d+\.\d MB \/ 30\.0 MB/);
    const totals = [...text.matchAll(/Total 0\/2 +█*░+ +\d+% {2}([\d.]+) MB of 40\.0 MB · ([\d.]+) MB\/s · ETA (\d+)s/g)];
    expect(totals.length).toBeGreaterThanOrEqual(3);
    // 5 MB every 500 ms: the rate shown is at most 10 MB/s, and the ETA what is left at that pace.
    for (const [, done, rate, eta] of totals.slice(1)) {
      expect(Number(rate)).toBeGreaterThan(4);
      expect(Number(rate)).toBeLessThanOrEqual(10);
      expect(Number(eta)).toBeLessThanOrEqual(Math.ceil((40 - Number(done)) / 10) + 1);
    }
    // Both bars start in one column.
    const rows = text.split(/\r|\n|\x1b\[\d*[A-Za-z]/).filter((l) => /[█░]/.test(l));
    expect(new Set(rows.map((l) => l.search(/[█░]/))).size).toBe(1);
  });

  it('hides the cursor while drawing, logs each finished file above the bars, and leaves none at the end', () => {
    expect(text.startsWith("Importing 2 files (40.0 MB) from 'Raw'\n")).toBe(true);
    expect(text).toContain('\x1b[?25l');
    expect(text).toContain('  [1/2] big.bin → external-files/s3/Raw/big.bin (30.0 MB, verified by sha256)\n');
    expect(text).toContain('  [2/2] small.csv → external-files/s3/Raw/small.csv (10.0 MB, not verified: multipart ETag)\n');
    // The bars were drawn again after the first file's line (the log goes above them).
    const afterFirst = text.slice(text.indexOf('[1/2] big.bin'));
    expect(afterFirst).toMatch(/small\.csv +█+/);
    // Cleared (clear screen down), cursor shown again, then the summary: no bar after it.
    const cleared = text.lastIndexOf('\x1b[0J');
    expect(cleared).toBeGreaterThan(text.lastIndexOf('█'));
    expect(text.lastIndexOf('\x1b[?25h')).toBeGreaterThan(text.lastIndexOf('█'));
    expect(text.endsWith('\nImported 2 files (40.0 MB) in 4.0s, 10.0 MB/s.\n') || text.endsWith('\x1b[0JImported 2 files (40.0 MB) in 4.0s, 10.0 MB/s.\n')).toBe(true);
  });

  it('leaves no redraw timer behind once stopped', () => {
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('printable', () => {
  it('keeps an object key’s escape sequences off the terminal', () => {
    const s = sink(false);
    const view = createProgressView({ out: s.out, verb: { doing: 'Importing', done: 'Imported', where: "from 'Raw'" }, fileLabel: (e) => e.key });
    view.event({ type: 'start', direction: 'import', files: 1, bytes: 1 });
    view.event({ type: 'file', key: 'evil\x1b[2J\r.csv', path: 'x', size: 1, verifiedBy: [] });
    expect(s.text()).toContain('  [1/1] evil[2J.csv (1 B, not verified)\n');
    expect(s.text()).not.toMatch(/[\r\x1b]/);
  });

  it('strips escape sequences and carriage returns a build could send to the terminal', () => {
    expect(printable('ok\x1b]0;pwned\x07 \x1b[2Jdone\r')).toBe('ok]0;pwned [2Jdone');
    expect(printable('tab\tstays')).toBe('tab\tstays');
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
