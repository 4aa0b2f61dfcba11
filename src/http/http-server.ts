/**
 * Assembles the HTTP server: JSON parsing that rejects bad UTF-8, zod validation that also
 * produces the OpenAPI 3.1 document, authentication, the error shape, health probes, and the
 * routes of every module. Knows nothing of the database: it receives services.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { AppError } from '../errors.js';
import { installAuth } from './http-auth.js';
import { installErrorHandling } from './http-errors.js';
import { LOG_REDACT_PATHS } from './http-logging.js';
import type { Services } from './http-services.js';
import { registerAuthRoutes } from '../modules/auth/auth-routes.js';
import { registerWorkspacesRoutes } from '../modules/workspaces/workspaces-routes.js';
import { registerGroupsRoutes } from '../modules/groups/groups-routes.js';
import { registerProjectsRoutes } from '../modules/projects/projects-routes.js';
import { registerAuditRoutes } from '../modules/audit/audit-routes.js';
import { registerImportsRoutes } from '../modules/assets/assets-routes.js';
import { registerSecretsRoutes } from '../modules/secrets/secrets-routes.js';
import { registerDataConnectionsRoutes } from '../modules/data-connections/data-connections-routes.js';
import { registerQueriesRoutes } from '../modules/queries/queries-routes.js';
import { registerConsoleRoutes } from './http-console.js';

export type App = FastifyInstance;
export type ZApp = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;

export interface ServerOptions {
  logLevel: string;
  logStream?: DestinationStream;
  trustProxy: boolean;
  bodyLimitBytes: number;
  version: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function buildServer(services: Services, opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: opts.logLevel,
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    trustProxy: opts.trustProxy,
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
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

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
    try {
      const parsed = JSON.parse(text, (k, v) => (k === '__proto__' || k === 'constructor' ? undefined : v));
      done(null, parsed);
    } catch {
      done(new AppError('invalid_json', 'The request body is not valid JSON.'), undefined);
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  await app.register(fastifyCookie);
  installAuth(app, services.auth);

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
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    try {
      await services.store.ping();
      checks.database = 'ok';
    } catch {
      checks.database = 'unavailable';
    }
    checks.accessIndex = services.authz.ready ? 'ok' : 'loading';
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });

  const z = app.withTypeProvider<ZodTypeProvider>();
  await app.register(async (api) => {
    const zapi = api.withTypeProvider<ZodTypeProvider>();
    registerAuthRoutes(zapi, services);
    registerWorkspacesRoutes(zapi, services);
    registerGroupsRoutes(zapi, services);
    registerProjectsRoutes(zapi, services);
    registerAuditRoutes(zapi, services);
    registerImportsRoutes(zapi, services);
    registerSecretsRoutes(zapi, services);
    registerDataConnectionsRoutes(zapi, services);
    registerQueriesRoutes(zapi, services);
  }, { prefix: '/api/v1' });
  registerConsoleRoutes(z);
  return app;
}
