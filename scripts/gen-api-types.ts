/**
 * Generates the console's API types (web/src/api/openapi.gen.ts) from the OpenAPI document the
 * server builds from its zod schemas, so the console never re-types the API by hand.
 *
 *   npx tsx scripts/gen-api-types.ts          (npm run gen:api)
 *
 * The document is built in process: an Atrium on a throwaway SQLite data directory, without the
 * demo workspace and without listening on a port. test/openapi-types.test.ts regenerates in
 * memory and fails when the committed file is stale.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { loadConfig } from '../src/config.js';
import { createAtrium } from '../src/main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GENERATED_PATH = path.join(ROOT, 'web/src/api/openapi.gen.ts');
export const REGENERATE_COMMAND = 'npx tsx scripts/gen-api-types.ts';

const HEADER = `/**
 * GENERATED FILE: do not edit. The console's API types, from the OpenAPI document the server
 * builds from its zod schemas (/api/v1/openapi.json).
 * Regenerate after changing a route's schema: ${REGENERATE_COMMAND}
 * (test/openapi-types.test.ts fails while this file is stale.)
 */

`;

/** The OpenAPI document of the current code, from an app that is built but never listens. */
export async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-openapi-'));
  try {
    // An explicit environment (not process.env): no DATABASE_URL or demo seeding leaks in.
    const config = loadConfig({ LOG_LEVEL: 'silent', ATRIUM_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') }, { dataDir, demo: false });
    const atrium = await createAtrium(config, { followIntervalMs: 60_000 });
    try {
      await atrium.app.ready();
      // A JSON round trip drops undefined values and gives openapi-typescript plain data.
      return JSON.parse(JSON.stringify(atrium.app.swagger())) as OpenAPI3;
    } finally {
      await atrium.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The text of web/src/api/openapi.gen.ts for the current code. */
export async function generateApiTypes(): Promise<string> {
  const doc = await buildOpenApiDocument();
  const ast = await openapiTS(doc, { alphabetize: true, silent: true });
  return HEADER + astToString(ast);
}

async function main(): Promise<void> {
  const text = await generateApiTypes();
  const before = fs.existsSync(GENERATED_PATH) ? fs.readFileSync(GENERATED_PATH, 'utf8') : null;
  if (before === text) {
    console.log(`${path.relative(ROOT, GENERATED_PATH)} is up to date.`);
    return;
  }
  fs.writeFileSync(GENERATED_PATH, text);
  console.log(`Wrote ${path.relative(ROOT, GENERATED_PATH)} (${text.split('\n').length} lines).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
