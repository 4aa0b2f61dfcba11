/**
 * Request generators for the API fuzzer, driven by the OpenAPI document: for each operation,
 * path parameters (real ids or hostile strings), query strings (declared, extra, absurd) and
 * bodies (schema-shaped values with one thing wrong, random JSON, broken JSON, random bytes, the
 * wrong content type). Everything is a fast-check arbitrary, so a seed replays a run exactly.
 */
import fc from 'fast-check';

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
}
export interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  format?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
};

export interface Route {
  method: string;
  /** OpenAPI path, e.g. /api/v1/projects/{projectId} */
  path: string;
  op: Operation;
}

export interface FuzzRequest {
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** Which principal sends it: an index into the caller's list of clients. */
  who: number;
}

/** Every operation of the document (methods the API declares, nothing else). */
export function routesOf(doc: OpenApiDoc): Route[] {
  const out: Route[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) out.push({ method: method.toUpperCase(), path: p, op });
    }
  }
  return out;
}

/** Strings an attacker tries in ids, names and free text. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/etc/passwd',
  '\u0000',
  'a\u0000b',
  '%00',
  '\r\nX-Injected: 1',
  "' OR '1'='1",
  "1; DROP TABLE users; --",
  '"; select pg_sleep(10); --',
  "') UNION SELECT password_hash FROM users --",
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\u202egnp.exe',
  '😀',
  '\ud800',
  '\uffff',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'user:',
  'group:',
  'user:../../x',
  'group:public',
  ':memory:',
  'C:\\Windows\\System32',
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  'ws_',
  'prj_',
  'ast_',
  'usr_',
  'A'.repeat(201),
  'é'.repeat(150),
  'x'.repeat(5000),
];

const hostile = fc.constantFrom(...HOSTILE_STRINGS);
const controlChars = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 8 }).map((cs) => String.fromCharCode(...cs));
const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostile },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: controlChars },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => s.repeat(2000)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
);

/** A value that fits `schema` (roughly: enough to get past parsing and reach the handler). */
export function validValue(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((s) => validValue(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') ?? 'null' : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'email') return fc.constantFrom('someone@example.test', 'admin@demo.local', 'guest@demo.local');
      if (schema.format === 'date-time') return fc.constantFrom('2030-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z');
      const min = schema.minLength ?? 0;
      const max = Math.max(min, Math.min(schema.maxLength ?? 40, 40));
      return fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.constantFrom('Demo', 'Data Team', 'DEMO_API_TOKEN', 'select 1', 'NEW_SECRET_1').filter((s) => s.length >= min && s.length <= (schema.maxLength ?? 1e9)));
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
      const max = schema.maximum ?? Math.max(min + 1000, 10);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const parts: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) parts[k] = validValue(s, depth + 1);
      if (Object.keys(parts).length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      return fc.record(parts, { requiredKeys: [...required].filter((k) => k in parts) });
    }
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value of the wrong type for `schema`. */
function wrongValue(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema?.type) ? schema!.type[0] : schema?.type;
  const candidates: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.constant(true),
    fc.integer(),
    fc.double(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, -1e308),
    weirdString,
    fc.jsonValue({ maxDepth: 3 }),
    fc.constant({ __proto__: { admin: true } }),
  ];
  if (type === 'string') candidates.push(fc.string({ minLength: 1000, maxLength: 1000 }).map((s) => s.repeat(70)));
  return fc.oneof(...candidates);
}

/** A schema-shaped object with one thing wrong (or nothing, sometimes). */
function mutatedBody(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const base = validValue(schema);
  const props = Object.keys(schema?.properties ?? {});
  return fc.oneof(
    { weight: 2, arbitrary: base },
    {
      weight: 3,
      arbitrary: props.length
        ? fc.tuple(base, fc.constantFrom(...props), wrongValue(undefined)).map(([b, k, v]) => ({ ...(isObj(b) ? b : {}), [k]: v }))
        : wrongValue(schema),
    },
    {
      weight: 2,
      arbitrary: props.length
        ? fc.tuple(base, fc.constantFrom(...props), weirdString).map(([b, k, v]) => ({ ...(isObj(b) ? b : {}), [k]: v }))
        : weirdString,
    },
    { weight: 1, arbitrary: fc.tuple(base, fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })).map(([b, k, v]) => ({ ...(isObj(b) ? b : {}), [k || 'extra']: v })) },
    { weight: 1, arbitrary: props.length ? fc.tuple(base, fc.constantFrom(...props)).map(([b, k]) => omit(b, k)) : fc.constant({}) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  );
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const omit = (v: unknown, k: string) => {
  if (!isObj(v)) return v;
  const c = { ...v };
  delete c[k];
  return c;
};

/** The body as bytes plus its content type: JSON of a (mutated) value, broken JSON, random bytes, wrong types. */
type Body = { payload?: string | Buffer; contentType?: string };

function bodyArb(op: Operation): fc.Arbitrary<Body> {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const json = mutatedBody(schema).map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' }));
  return fc.oneof(
    { weight: 8, arbitrary: json },
    { weight: 1, arbitrary: fc.constant<Body>({}) },
    { weight: 1, arbitrary: json.chain((j) => fc.nat({ max: Math.max(0, (j.payload as string).length - 1) }).map((n) => ({ payload: (j.payload as string).slice(0, n), contentType: 'application/json' }))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => ({ payload: Buffer.from(b), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(json, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'application/json; charset=utf-16', '*/*', 'application/vnd.api+json', ';;;')).map(([j, ct]) => ({ payload: j.payload, contentType: ct })) },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '[', '"', 'nul', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\ufeff{}', '{}{}', '1'.repeat(400), '{"a":1,"a":2}').map((p) => ({ payload: p, contentType: 'application/json' })) },
  );
}

/** Percent-encodes; a lone surrogate becomes the (invalid UTF-8) bytes of its WTF-8 form. */
const enc = (s: string): string => {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent((s as string & { toWellFormed(): string }).toWellFormed()).replace(/%EF%BF%BD/g, '%ED%A0%80');
  }
};

function pathParamArb(name: string, realIds: Record<string, string[]>): fc.Arbitrary<string> {
  const real = realIds[name] ?? [];
  const encodedHostile = weirdString.map(enc);
  const raw = fc.constantFrom('..', '.', '%', '%zz', '%00', '%2F', '..%2F..%2F', 'a/b', '%E0%A4%A', '%C0%AE%C0%AE');
  return real.length
    ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...real).map(enc) }, { weight: 4, arbitrary: encodedHostile }, { weight: 1, arbitrary: raw })
    : fc.oneof({ weight: 4, arbitrary: encodedHostile }, { weight: 1, arbitrary: raw });
}

function queryArb(op: Operation): fc.Arbitrary<string> {
  const declared = (op.parameters ?? []).filter((p) => p.in === 'query');
  const one = (p: { name: string; schema?: JsonSchema }) =>
    fc.oneof(
      validValue(p.schema).map((v) => `${enc(p.name)}=${enc(String(v))}`),
      weirdString.map((v) => `${enc(p.name)}=${enc(v)}`),
      fc.constantFrom('-1', '0', '99999999999999999999', '1e999', 'NaN', 'true', '', '%00', '[]').map((v) => `${enc(p.name)}=${v}`),
      fc.constant(`${enc(p.name)}=1&${enc(p.name)}=2`),
      fc.constant(`${enc(p.name)}[]=x`),
    );
  const extra = fc.oneof(
    fc.tuple(fc.string({ maxLength: 10 }), weirdString).map(([k, v]) => `${enc(k || 'x')}=${enc(v)}`),
    fc.constantFrom('__proto__[admin]=1', 'constructor[prototype][x]=1', 'a'.repeat(3000) + '=1', '&&&', '=', '%', '%zz=1'),
  );
  return fc
    .tuple(fc.subarray(declared), fc.option(extra, { freq: 4 }))
    .chain(([ps, ex]) => (ps.length ? fc.tuple(...ps.map(one)) : fc.constant([] as string[])).map((parts) => [...parts, ...(ex ? [ex] : [])]))
    .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));
}

const headerArb: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ accept: 'text/html' }, { accept: 'application/xml' }, { 'x-request-id': '../../etc' }, { 'x-request-id': 'x'.repeat(300) }, { 'accept-encoding': 'gzip;q=abc' }, { 'x-forwarded-for': 'not an ip' }, { 'if-none-match': '*' }, { range: 'bytes=999999999-' }) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ authorization: 'Bearer atr_not_a_real_token' }, { authorization: 'Basic Zm9vOmJhcg==' }, { authorization: 'Bearer' }, { cookie: 'atrium_session=forged' }, { 'x-csrf-token': 'forged' }) },
);

/** One malformed (or occasionally well-formed) request to one operation. */
export function requestArb(routes: Route[], realIds: Record<string, string[]>, principals: number): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...routes).chain((r) => {
    const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const params = names.length ? fc.tuple(...names.map((n) => pathParamArb(n, realIds))) : fc.constant([] as string[]);
    const body: fc.Arbitrary<Body> = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) || r.op.requestBody ? bodyArb(r.op) : fc.oneof({ weight: 9, arbitrary: fc.constant<Body>({}) }, { weight: 1, arbitrary: bodyArb(r.op) });
    return fc.record({ params, query: queryArb(r.op), body, headers: headerArb, who: fc.nat({ max: principals - 1 }) }).map(({ params, query, body, headers, who }) => {
      let i = 0;
      const url = r.path.replace(/\{\w+\}/g, () => params[i++] ?? 'x') + query;
      return {
        route: `${r.method} ${r.path}`,
        method: r.method,
        url,
        headers: { ...headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
        ...(body.payload !== undefined ? { payload: body.payload } : {}),
        who,
      };
    });
  });
}
