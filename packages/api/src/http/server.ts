import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { TRuntime } from '../runtime';
import { registerErrorHandling } from './plugins/error-handling';
import { registerIdempotency } from './plugins/idempotency';
import { ROUTE_MODULES } from './routes';

/** A request id from the client is kept when it looks like one; otherwise we make one. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** The Fastify instance every route module registers on: zod type provider, pino logger. */
export type TApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * Builds the HTTP API over a runtime. Stateless: any number of replicas can serve the same database,
 * Redis and chain. Rate limits live in Redis in Real mode so they hold across replicas.
 */
export async function buildServer(runtime: TRuntime): Promise<TApp> {
  const { config } = runtime;
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // Our onResponse hook logs requests (with route pattern and status) instead of Fastify's per-request lines.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    requestIdHeader: false,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
    },
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    runtime.metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500) {
      request.log.error(
        { reqId: request.id, method: request.method, route, status: reply.statusCode },
        'request failed',
      );
    } else if (route !== '/healthz' && route !== '/metrics') {
      request.log.debug(
        { reqId: request.id, method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime },
        'request',
      );
    }
  });

  // Security headers from helmet, built once: the JSON API gets a strict CSP. (@fastify/helmet would build a
  // new helmet middleware, re-parsing the CSP, on every request.)
  const securityHeaders = helmet({
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  await app.register(cors, {
    origin: config.http.appOrigins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'idempotency-key', 'x-admin-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'idempotency-replayed', 'retry-after'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: true,
    max: config.http.rateLimitPerIpPerMinute,
    timeWindow: 60_000,
    ...(runtime.redis ? { redis: runtime.redis, nameSpace: `${config.redis.prefix}:ratelimit:` } : {}),
    // A rate-limit store that is down must not take the API down with it.
    skipOnError: true,
    allowList: (request) => request.url === '/healthz' || request.url === '/metrics',
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'SGE settlement platform API',
        version: '0.1.0',
        description: 'Errors are JSON {error, message, details?}. See ARCHITECTURE.md.',
      },
      components: {
        securitySchemes: {
          adminKey: { type: 'apiKey', in: 'header', name: 'x-admin-key' },
          bearerAuth: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  registerIdempotency(app, runtime);
  for (const registerRoutes of ROUTE_MODULES) await registerRoutes(app, runtime);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
