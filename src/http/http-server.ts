/**
 * Assembles the HTTP server: JSON parsing that rejects bad UTF-8, zod validation that also
 * produces the OpenAPI 3.1 document, authentication, the error shape, health probes, and the
 * route plugins it is handed. Knows no module and no database: the composition root
 * (src/main.ts) gives it an authenticator, a readiness probe, error mappers and the routes.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { AppError } from '../errors.js';
import { type Authenticator, installAuth } from './http-auth.js';
import { type ErrorMapper, frameworkError, installErrorHandling, sendError } from './http-errors.js';
import { LOG_REDACT_PATHS } from './http-logging.js';
import type { ZApp as ZodApp } from './http-schemas.js';
import { PAGE_CSP, registerConsoleRoutes } from './http-console.js';

export type App = FastifyInstance;
export type ZApp = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;

/** A module's routes, registered under /api/v1. */
export type RoutePlugin = (app: ZodApp) => void;

export interface ServerParts {
  authenticator: Authenticator;
  routes: RoutePlugin[];
  /** For /readyz: each check 'ok' or what is wrong. */
  readiness: () => Promise<Record<string, string>>;
  /** Turn errors of other layers (a connector's, say) into AppErrors; first match wins. */
  errorMappers?: ErrorMapper[];
}

export interface ServerOptions {
  logLevel: string;
  logStream?: DestinationStream;
  /** false, a hop count, or the proxies' addresses/CIDRs (see config.ts). */
  trustProxy: false | number | string[];
  bodyLimitBytes: number;
  version: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Where a NUL character (U+0000) sits in a request value, if anywhere. No text of ours may hold
 * one: PostgreSQL refuses it in any text column or parameter (a 500 deep in a service, and on
 * one store only), and no name, id, path or SQL needs it. Refused at the door, on both stores.
 */
function nulPath(v: unknown, at: string, depth = 0): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? at : null;
  if (!v || typeof v !== 'object' || depth > 64) return null;
  for (const [k, x] of Object.entries(v)) {
    if (k.includes('\u0000')) return at;
    const found = nulPath(x, `${at}.${k}`, depth + 1);
    if (found) return found;
  }
  return null;
}

const nulError = (where: string) =>
  new AppError('validation_failed', `Invalid request: ${where}: must not contain a NUL character (\\u0000).`, { issues: [{ path: where, message: 'must not contain a NUL character' }] });

/**
 * `hops` proxies in front of us: the caller is the address the outermost one saw, and the
 * X-Forwarded-For entries left of it (written by the client) are ignored. Fastify 5 reads a
 * bare number as "trust nothing", so the count is spelled out as proxy-addr's trust function
 * (hop 0 is the socket's peer). It trusts that peer blindly: only for a server that is
 * reachable through its proxies alone; a list of proxy addresses does not need that.
 */
const trustHops = (hops: number) => (_address: string, hop: number): boolean => hop < hops;

export async function buildServer(parts: ServerParts, opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: opts.logLevel,
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    trustProxy: typeof opts.trustProxy === 'number' ? trustHops(opts.trustProxy) : opts.trustProxy,
    bodyLimit: opts.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    return503OnClosing: true,
    connectionTimeout: 60_000,
    requestTimeout: 120_000,
    routerOptions: { maxParamLength: 500 },
    // Errors the router raises before any route runs (a URL it cannot decode, a parameter over
    // maxParamLength) get the one error shape and a stable code too, not Fastify's own body.
    frameworkErrors: (err, req, reply) => {
      void sendError(reply, req, frameworkError(err));
    },
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, parts.errorMappers ?? []);

  // The API speaks JSON only: a text/plain body is refused (415) rather than handed to a schema
  // as a string. A route that takes raw bytes registers its own parser in its scope.
  app.removeContentTypeParser('text/plain');
  // JSON bodies: bytes first, so invalid UTF-8 is refused instead of silently replaced.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new AppError('invalid_utf8', 'The request body is not valid UTF-8.'), undefined);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, (k, v) => (k === '__proto__' || k === 'constructor' ? undefined : v));
    } catch {
      return done(new AppError('invalid_json', 'The request body is not valid JSON.'), undefined);
    }
    const nul = nulPath(parsed, 'body');
    if (nul) return done(nulError(nul), undefined);
    done(null, parsed);
  });

  // Path parameters and query strings, decoded: a NUL there is refused the same way.
  app.addHook('preValidation', async (req) => {
    const nul = nulPath(req.params, 'params') ?? nulPath(req.query, 'querystring');
    if (nul) throw nulError(nul);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    // No page of ours may be framed by another site (clickjacking): the console, the API docs.
    if (String(reply.getHeader('content-type') ?? '').includes('text/html')) {
      reply.header('x-frame-options', 'DENY');
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "frame-ancestors 'none'");
    }
    return payload;
  });

  await app.register(fastifyCookie);
  installAuth(app, parts.authenticator);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Atrium API', version: opts.version, description: 'Share data connections, secrets, git packages and S3 buckets with projects, with group-based access enforced everywhere.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (atr_…), created with POST /api/v1/me/tokens.' },
          session: { type: 'apiKey', in: 'cookie', name: 'atrium_session', description: 'Console session; writes also need the X-CSRF-Token header.' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // Schemas with a zod `.meta({ id })` become components.schemas, referenced by name.
    transformObject: jsonSchemaTransformObject,
  });
  // The plugin sets the policy on everything under /api/docs (its own scope); Swagger UI needs
  // no more than the console does (http-console.ts).
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: PAGE_CSP });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks = await parts.readiness();
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });

  const z = app.withTypeProvider<ZodTypeProvider>();
  await app.register(async (api) => {
    const zapi = api.withTypeProvider<ZodTypeProvider>();
    for (const register of parts.routes) register(zapi);
  }, { prefix: '/api/v1' });
  registerConsoleRoutes(z);
  return app;
}
