/**
 * File transfers through Atrium against the AWS SDK doing the same by itself, in the same run, on
 * the same S3 (radosgw, ATRIUM_TEST_S3):
 *   - import: POST /projects/{p}/file-integrations/{id}/import (authorization, listing, streamed
 *     GetObject → temp file → checksum → rename, NDJSON progress) vs GetObject → pipeline → file;
 *     The baseline verifies nothing and by default does not fsync; a second baseline column
 *     writes with `flush: true` (one fsync at the end, as Atrium does) to show that share;
 *   - export: POST …/export (file → lib-storage Upload, ETag read back and checked) vs a bare
 *     lib-storage `Upload` of the same file (8 MiB parts, 4 in flight, as the connector uses);
 *   - peak RSS of the Atrium server process (from /proc) during each transfer, over its idle RSS;
 *   - CPU seconds of the server (all threads) per transfer against the bench process's for the SDK.
 * Odd rounds run Atrium first, even rounds the SDK. `--cpu-prof DIR` profiles the server;
 * `--fresh-destination` deletes last round's imported file first (the SDK's is always fresh).
 *
 *   ATRIUM_TEST_S3="$(cat /tmp/shared-s3.json)" npx tsx bench/files/run.ts [--size-mib 1024] [--rounds 3]
 *
 * Starts its own Atrium (SQLite, a temp data directory) and stops it; deletes its objects.
 * Markdown on stdout, progress on stderr, JSON in bench/files/.results/.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { api, cleanupStack, fmt, log, login, machineMarkdown, median, request, ROOT, sampleRss, startAtrium } from '../common/bench-env.js';

const { values: argv } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, rounds: { type: 'string', default: '3' }, 'cpu-prof': { type: 'string' }, 'node-arg': { type: 'string', multiple: true }, 'fresh-destination': { type: 'boolean', default: false } } });
const MiB = 1024 * 1024;
const SIZE = Number(argv['size-mib']) * MiB;
const ROUNDS = Number(argv.rounds);

interface S3Env { endpoint: string; region: string; bucket: string; users: { full: { accessKeyId: string; secretAccessKey: string } } }
if (!process.env.ATRIUM_TEST_S3) throw new Error('Set ATRIUM_TEST_S3 to the JSON line of scripts/services/radosgw.sh start.');
const s3 = JSON.parse(process.env.ATRIUM_TEST_S3) as S3Env;
const PREFIX = `bench-files/${randomUUID()}`;
const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { ...s3.users.full } });

/** CPU seconds a process has used so far, all its threads (utime + stime of /proc/<pid>/stat). */
function cpuOf(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
}

function generated(size: number): Readable {
  const block = Buffer.alloc(MiB, 7);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(MiB, size - sent);
      block.writeUInt32BE(sent / MiB, 0);
      this.push(Buffer.from(block.subarray(0, n)));
      sent += n;
    },
  });
}

async function main() {
  const cleanup = cleanupStack();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-files-'));
  cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  try {
    log(`uploading a ${SIZE / MiB} MiB object`);
    await new Upload({ client, params: { Bucket: s3.bucket, Key: `${PREFIX}/big.bin`, Body: generated(SIZE) }, partSize: 8 * MiB, queueSize: 4 }).done();
    cleanup.push(() => client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/big.bin` })));
    cleanup.push(() => client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/sdk-export.bin` })));

    // --cpu-prof DIR: the server writes a V8 CPU profile there when it stops.
    const nodeArgs = [...(argv['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(argv['cpu-prof'])] : []), ...(argv['node-arg'] ?? [])];
    const server = await startAtrium({ dataDir: path.join(tmp, 'data'), env: { ATRIUM_PROJECT_FILES_MAX_BYTES: String(64 * 1024 * MiB) }, nodeArgs });
    cleanup.push(() => server.stop());
    const base = server.url;
    const admin = await login(base, 'admin@demo.local');
    const editor = await login(base, 'editor@demo.local');
    const fi = await api<{ id: string }>(base, 'POST', '/workspaces/demo/file-integrations', admin, { name: 'Bench', bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, pathStyle: true, prefix: PREFIX, writeback: true, accessKeyId: s3.users.full.accessKeyId, secretAccessKey: s3.users.full.secretAccessKey }, 201);
    const projects = await api<{ projects: { id: string; name: string }[] }>(base, 'GET', '/workspaces/demo/projects', editor);
    const project = projects.projects.find((p) => p.name === 'Revenue dashboard')!.id;
    await api(base, 'POST', `/projects/${project}/imports`, editor, { assetId: fi.id }, 201);

    type Row = Record<'atriumImport' | 'sdkGet' | 'sdkGetFsync' | 'atriumExport' | 'sdkUpload' | 'importPeakMiB' | 'exportPeakMiB' | 'idleMiB' | 'atriumImportCpu' | 'sdkGetCpu' | 'atriumExportCpu' | 'sdkUploadCpu', number> & { round: number };
    const rows: Row[] = [];
    const sdkFile = path.join(tmp, 'sdk.bin');
    /** Seconds of wall time and of CPU (this process, or the server's from /proc, all threads). */
    async function timed(fn: () => Promise<void>, pid?: number): Promise<{ s: number; cpu: number }> {
      const c0 = pid ? cpuOf(pid) : process.cpuUsage();
      const t0 = performance.now();
      await fn();
      const s = (performance.now() - t0) / 1000;
      const cpu = pid ? cpuOf(pid) - (c0 as number) : ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(c0 as NodeJS.CpuUsage));
      return { s, cpu };
    }
    const sdkGet = (fsync: boolean) => async () => {
      const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/big.bin` }));
      await pipeline(got.Body as Readable, fs.createWriteStream(sdkFile, { flush: fsync }));
    };
    for (let round = 1; round <= ROUNDS; round++) {
      // Odd rounds run Atrium first, even rounds the SDK: neither always gets the warmer caches.
      const atriumFirst = round % 2 === 1;
      await new Promise((r) => setTimeout(r, 1000));
      let sdkPlain = atriumFirst ? null : await timed(sdkGet(false));
      // --fresh-destination: the import writes a new file instead of replacing last round's (untimed).
      if (argv['fresh-destination'] && round > 1) await request(`${base}/api/v1/projects/${project}/files/content?path=${encodeURIComponent('external-files/s3/Bench/big.bin')}`, 'DELETE', editor);
      let rss = sampleRss(server.pid, 20);
      let imp!: Awaited<ReturnType<typeof request>>;
      const ai = await timed(async () => {
        imp = await request(`${base}/api/v1/projects/${project}/file-integrations/${fi.id}/import`, 'POST', editor, { keys: ['big.bin'] });
      }, server.pid);
      const ri = rss.stop();
      if (imp.status !== 200 || !imp.body.includes('"type":"end"')) throw new Error(`import failed: ${imp.status} ${imp.body.slice(-500)}`);
      sdkPlain ??= await timed(sdkGet(false));
      const sdkFsync = await timed(sdkGet(true));

      await new Promise((r) => setTimeout(r, 1000));
      const sdkUp = () => new Upload({ client, params: { Bucket: s3.bucket, Key: `${PREFIX}/sdk-export.bin`, Body: fs.createReadStream(sdkFile) }, partSize: 8 * MiB, queueSize: 3 }).done().then(() => undefined);
      let su = atriumFirst ? null : await timed(sdkUp);
      rss = sampleRss(server.pid, 20);
      let exp!: Awaited<ReturnType<typeof request>>;
      const ae = await timed(async () => {
        exp = await request(`${base}/api/v1/projects/${project}/file-integrations/${fi.id}/export`, 'POST', editor, { paths: ['external-files/s3/Bench/big.bin'] });
      }, server.pid);
      const re = rss.stop();
      if (exp.status !== 200 || !exp.body.includes('"type":"end"')) throw new Error(`export failed: ${exp.status} ${exp.body.slice(-500)}`);
      su ??= await timed(sdkUp);
      fs.rmSync(sdkFile);

      const row: Row = {
        round,
        atriumImport: ai.s,
        atriumImportCpu: ai.cpu,
        sdkGet: sdkPlain.s,
        sdkGetCpu: sdkPlain.cpu,
        sdkGetFsync: sdkFsync.s,
        atriumExport: ae.s,
        atriumExportCpu: ae.cpu,
        sdkUpload: su.s,
        sdkUploadCpu: su.cpu,
        importPeakMiB: (ri.peak - ri.before) / MiB,
        exportPeakMiB: (re.peak - re.before) / MiB,
        idleMiB: ri.before / MiB,
      };
      rows.push(row);
      log(`round ${round}: import ${fmt(ai.s)} s (cpu ${fmt(ai.cpu)}) vs SDK ${fmt(sdkPlain.s)} s (cpu ${fmt(sdkPlain.cpu)}), +fsync ${fmt(sdkFsync.s)} s; export ${fmt(ae.s)} s (cpu ${fmt(ae.cpu)}) vs Upload ${fmt(su.s)} s (cpu ${fmt(su.cpu)}); peak RSS +${fmt(row.importPeakMiB, 1)} / +${fmt(row.exportPeakMiB, 1)} MiB; load ${fmt(os.loadavg()[0] ?? NaN)}`);
    }

    const mibs = (s: number) => SIZE / MiB / s;
    const m = (k: keyof Row) => median(rows.map((r) => r[k]));
    const load = os.loadavg();
    const out = [
      `### File transfers (bench/files, ${SIZE / MiB} MiB object, ${ROUNDS} rounds, medians)`,
      '',
      machineMarkdown(),
      `Load average at the end: ${load.map((l) => fmt(l)).join(' / ')} (1 / 5 / 15 min) on ${os.availableParallelism()} CPUs.`,
      '',
      '| transfer | Atrium | SDK alone, same run | ratio (goal ≥ 0.9×) | CPU s: Atrium server / SDK process |',
      '|---|---|---|---|---|',
      `| import (GetObject → project file) | ${fmt(mibs(m('atriumImport')), 0)} MiB/s | ${fmt(mibs(m('sdkGet')), 0)} MiB/s (GetObject → file, no fsync, no checksum) | ${fmt(m('sdkGet') / m('atriumImport'))}× | ${fmt(m('atriumImportCpu'))} / ${fmt(m('sdkGetCpu'))} |`,
      `| import, baseline with the same fsync | | ${fmt(mibs(m('sdkGetFsync')), 0)} MiB/s (GetObject → file, \`flush: true\`) | ${fmt(m('sdkGetFsync') / m('atriumImport'))}× | |`,
      `| export (project file → bucket) | ${fmt(mibs(m('atriumExport')), 0)} MiB/s | ${fmt(mibs(m('sdkUpload')), 0)} MiB/s (lib-storage Upload, 8 MiB × 4, no ETag check) | ${fmt(m('sdkUpload') / m('atriumExport'))}× | ${fmt(m('atriumExportCpu'))} / ${fmt(m('sdkUploadCpu'))} |`,
      '',
      `Peak server RSS above idle (${fmt(m('idleMiB'), 0)} MiB) during the transfer (goal ≤ 64 MiB): import +${fmt(m('importPeakMiB'), 1)} MiB, export +${fmt(m('exportPeakMiB'), 1)} MiB (max over rounds: +${fmt(Math.max(...rows.map((r) => r.importPeakMiB)), 1)} / +${fmt(Math.max(...rows.map((r) => r.exportPeakMiB)), 1)} MiB).`,
      '',
      'Per round (seconds): ' + rows.map((r) => `#${r.round} import ${fmt(r.atriumImport)} / SDK ${fmt(r.sdkGet)} (fsync ${fmt(r.sdkGetFsync)}), export ${fmt(r.atriumExport)} / Upload ${fmt(r.sdkUpload)}`).join('; '),
    ].join('\n');
    process.stdout.write(`${out}\n`);
    const dir = path.join(ROOT, 'bench/files/.results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `files-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ size: SIZE, load, rows }, null, 2));
  } finally {
    await cleanup.run();
    client.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
