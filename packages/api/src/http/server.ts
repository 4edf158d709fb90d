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
import { fastifyTrustProxy } from '../config/trust-proxy';
import { lazyChildLogger } from '../logging/lazy-child-logger';
import type { Logger } from '../logging/logger';
import type { TRuntime } from '../runtime';
import { clientIpKey } from './plugins/client-ip-key';
import { registerErrorHandling } from './plugins/error-handling';
import { registerIdempotency } from './plugins/idempotency';
import { refusingNulText } from './plugins/refuse-nul-text';
import { rateLimitNamespace, sharedRateLimitStore } from './plugins/shared-rate-limit-store';
import { ROUTE_MODULES } from './routes';

/** A request id from the client is kept when it looks like one; otherwise we make one. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** The headers a helmet middleware sets on a response (it sets the same ones on every response). */
function staticHelmetHeaders(middleware: ReturnType<typeof helmet>): [string, string][] {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let failure: unknown = null;
  middleware({ headers: {} } as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error ?? null;
  });
  if (failure) throw failure;
  return [...headers];
}

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
    trustProxy: fastifyTrustProxy(config.http.trustProxy),
    requestIdHeader: false,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
    },
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  // Each request's logger is created only if the request logs something (see lazy-child-logger.ts).
  app.setChildLoggerFactory((logger, bindings, options) =>
    lazyChildLogger(logger as unknown as Logger, bindings, options),
  );
  app.setValidatorCompiler(refusingNulText(validatorCompiler));
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app, runtime.errorReporter);

  // Hooks on every request are callback hooks: an async hook costs a promise and a microtask per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    runtime.metrics.httpRequestDuration.observe(
      { method: request.method, route, status },
      reply.elapsedTime / 1000,
    );
    runtime.metrics.httpRequestsTotal.inc({ route, status });
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
    done();
  });

  // Security headers from helmet, the ones that protect a JSON API (OWASP's REST Security Cheat Sheet): a CSP
  // that allows nothing and no framing, X-Frame-Options DENY, nosniff, HSTS, no referrer, and a resource policy
  // that lets the app's origin read responses. Helmet's document-only headers (COOP, Origin-Agent-Cluster, DNS
  // prefetch, IE8 downloads, Flash cross-domain policies, the retired XSS auditor) are left out: every header
  // costs each response its validation at writeHead. (The one HTML page, Mock mode's checkout, sets its own CSP.)
  // The headers do not depend on the request, so helmet runs once at startup (its middleware chain per request
  // cost ~5 % of accepting a registration; @fastify/helmet even rebuilds it per request), and they go into
  // Fastify's reply headers, not the raw response: a raw header makes Node merge and re-validate every reply
  // header at writeHead.
  const securityHeaders = staticHelmetHeaders(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      xFrameOptions: { action: 'deny' },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    for (const [name, value] of securityHeaders) reply.header(name, value);
    done();
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
    // Real mode: counted in Redis across replicas, flushed in batches (see shared-rate-limit-store.ts).
    ...(runtime.redis
      ? { store: sharedRateLimitStore(runtime.redis, rateLimitNamespace(config.redis.prefix)) }
      : {}),
    // A rate-limit store that is down must not take the API down with it.
    skipOnError: true,
    // IPv6 clients per /64, IPv4-mapped IPv6 as IPv4 (client-ip-key.ts); request.ip honours TRUST_PROXY.
    keyGenerator: (request) => clientIpKey(request.ip),
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
