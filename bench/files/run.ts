/**
 * File transfers through Atrium against the AWS SDK doing the same by itself, in the same run, on
 * the same S3 (radosgw, ATRIUM_TEST_S3):
 *   - import: POST /projects/{p}/file-integrations/{id}/import (authorization, listing, streamed
 *     GetObject → temp file → checksum → rename, NDJSON progress) vs GetObject → pipeline → file;
 *   - export: POST …/export (file → lib-storage Upload, ETag read back and checked) vs a bare
 *     lib-storage `Upload` of the same file (8 MiB parts, 4 in flight, as the connector uses);
 *   - peak RSS of the Atrium server process (from /proc) during each transfer, over its idle RSS.
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

const { values: argv } = parseArgs({ options: { 'size-mib': { type: 'string', default: '1024' }, rounds: { type: 'string', default: '3' } } });
const MiB = 1024 * 1024;
const SIZE = Number(argv['size-mib']) * MiB;
const ROUNDS = Number(argv.rounds);

interface S3Env { endpoint: string; region: string; bucket: string; users: { full: { accessKeyId: string; secretAccessKey: string } } }
if (!process.env.ATRIUM_TEST_S3) throw new Error('Set ATRIUM_TEST_S3 to the JSON line of scripts/services/radosgw.sh start.');
const s3 = JSON.parse(process.env.ATRIUM_TEST_S3) as S3Env;
const PREFIX = `bench-files/${randomUUID()}`;
const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { ...s3.users.full } });

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

    const server = await startAtrium({ dataDir: path.join(tmp, 'data'), env: { ATRIUM_PROJECT_FILES_MAX_BYTES: String(64 * 1024 * MiB) } });
    cleanup.push(() => server.stop());
    const base = server.url;
    const admin = await login(base, 'admin@demo.local');
    const editor = await login(base, 'editor@demo.local');
    const fi = await api<{ id: string }>(base, 'POST', '/workspaces/demo/file-integrations', admin, { name: 'Bench', bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, pathStyle: true, prefix: PREFIX, writeback: true, accessKeyId: s3.users.full.accessKeyId, secretAccessKey: s3.users.full.secretAccessKey }, 201);
    const projects = await api<{ projects: { id: string; name: string }[] }>(base, 'GET', '/workspaces/demo/projects', editor);
    const project = projects.projects.find((p) => p.name === 'Revenue dashboard')!.id;
    await api(base, 'POST', `/projects/${project}/imports`, editor, { assetId: fi.id }, 201);

    const rows: { round: number; atriumImport: number; sdkGet: number; atriumExport: number; sdkUpload: number; importPeakMiB: number; exportPeakMiB: number; idleMiB: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await new Promise((r) => setTimeout(r, 1000));
      let rss = sampleRss(server.pid, 20);
      let t0 = performance.now();
      const imp = await request(`${base}/api/v1/projects/${project}/file-integrations/${fi.id}/import`, 'POST', editor, { keys: ['big.bin'] });
      const atriumImport = (performance.now() - t0) / 1000;
      const ri = rss.stop();
      if (imp.status !== 200 || !imp.body.includes('"type":"end"')) throw new Error(`import failed: ${imp.status} ${imp.body.slice(-500)}`);

      t0 = performance.now();
      const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/big.bin` }));
      await pipeline(got.Body as Readable, fs.createWriteStream(path.join(tmp, 'sdk.bin')));
      const sdkGet = (performance.now() - t0) / 1000;

      await new Promise((r) => setTimeout(r, 1000));
      rss = sampleRss(server.pid, 20);
      t0 = performance.now();
      const exp = await request(`${base}/api/v1/projects/${project}/file-integrations/${fi.id}/export`, 'POST', editor, { paths: ['external-files/s3/Bench/big.bin'] });
      const atriumExport = (performance.now() - t0) / 1000;
      const re = rss.stop();
      if (exp.status !== 200 || !exp.body.includes('"type":"end"')) throw new Error(`export failed: ${exp.status} ${exp.body.slice(-500)}`);

      t0 = performance.now();
      await new Upload({ client, params: { Bucket: s3.bucket, Key: `${PREFIX}/sdk-export.bin`, Body: fs.createReadStream(path.join(tmp, 'sdk.bin')) }, partSize: 8 * MiB, queueSize: 4 }).done();
      const sdkUpload = (performance.now() - t0) / 1000;
      fs.rmSync(path.join(tmp, 'sdk.bin'));

      const row = { round, atriumImport, sdkGet, atriumExport, sdkUpload, importPeakMiB: (ri.peak - ri.before) / MiB, exportPeakMiB: (re.peak - re.before) / MiB, idleMiB: ri.before / MiB };
      rows.push(row);
      log(`round ${round}: import ${fmt(atriumImport)} s vs SDK ${fmt(sdkGet)} s; export ${fmt(atriumExport)} s vs Upload ${fmt(sdkUpload)} s; peak RSS +${fmt(row.importPeakMiB, 1)} / +${fmt(row.exportPeakMiB, 1)} MiB`);
    }

    const mibs = (s: number) => SIZE / MiB / s;
    const m = (k: keyof (typeof rows)[number]) => median(rows.map((r) => r[k] as number));
    const out = [
      `### File transfers (bench/files, ${SIZE / MiB} MiB object, ${ROUNDS} rounds, medians)`,
      '',
      machineMarkdown(),
      '',
      '| transfer | Atrium | SDK alone, same run | ratio (goal ≥ 0.9×) |',
      '|---|---|---|---|',
      `| import (GetObject → project file) | ${fmt(mibs(m('atriumImport')), 0)} MiB/s | ${fmt(mibs(m('sdkGet')), 0)} MiB/s (GetObject → file) | ${fmt(m('sdkGet') / m('atriumImport'))}× |`,
      `| export (project file → bucket) | ${fmt(mibs(m('atriumExport')), 0)} MiB/s | ${fmt(mibs(m('sdkUpload')), 0)} MiB/s (lib-storage Upload) | ${fmt(m('sdkUpload') / m('atriumExport'))}× |`,
      '',
      `Peak server RSS above idle (${fmt(m('idleMiB'), 0)} MiB) during the transfer (goal ≤ 64 MiB): import +${fmt(m('importPeakMiB'), 1)} MiB, export +${fmt(m('exportPeakMiB'), 1)} MiB (max over rounds: +${fmt(Math.max(...rows.map((r) => r.importPeakMiB)), 1)} / +${fmt(Math.max(...rows.map((r) => r.exportPeakMiB)), 1)} MiB).`,
      '',
      'Per round (seconds): ' + rows.map((r) => `#${r.round} import ${fmt(r.atriumImport)} / SDK ${fmt(r.sdkGet)}, export ${fmt(r.atriumExport)} / Upload ${fmt(r.sdkUpload)}`).join('; '),
    ].join('\n');
    process.stdout.write(`${out}\n`);
    const dir = path.join(ROOT, 'bench/files/.results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `files-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ size: SIZE, rows }, null, 2));
  } finally {
    await cleanup.run();
    client.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
