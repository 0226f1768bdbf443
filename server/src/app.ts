import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { DatabaseHandle } from './platform/db/database.js';
import './platform/http/fastify-types.js';
import { registerErrorHandler } from './platform/http/error-handler.js';
import { registerAccessControl } from './platform/policy/require-policy.js';
import { platformRoutes } from './platform/index.js';
import { frontDeskRoutes } from './front-desk/index.js';
import { interopRoutes } from './interop/index.js';
import { examRoomRoutes } from './exam-room/index.js';
import { startAuditSealer } from './platform/audit/seal-audit-chain.js';
import { StaffSessionCache } from './platform/auth/staff-session-cache.js';
import { smtpSender, startReminderWorker } from './front-desk/reminders/index.js';
import { startVitalAlertEscalation } from './exam-room/vitals/index.js';

export interface BuildAppOptions {
  config: Config;
  database: DatabaseHandle;
  /** Extra routes registered before the app is ready (tests use this). */
  extraRoutes?: (app: FastifyInstance) => void | Promise<void>;
}

export const API_BODY_LIMIT = 1024 * 1024;

/** Builds the whole HTTP application on an open database; `main.ts` only adds `listen()`. */
export async function buildApp({ config, database, extraRoutes }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // Request logs carry method, route and status only: URLs can hold search terms (names, birth dates).
            serializers: {
              req: (request: { method: string; routeOptions?: { url?: string } }) => ({ method: request.method, route: request.routeOptions?.url }),
              res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
            },
          },
    bodyLimit: API_BODY_LIMIT,
    genReqId: () => crypto.randomUUID(),
    trustProxy: false,
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('db', database.db);
  app.decorate('engine', database.engine);
  app.decorate('config', config);
  app.decorate('staffSessions', new StaffSessionCache());
  app.decorate('registeredRoutes', []);
  app.decorateRequest('actor', null);
  app.decorateRequest('authProblem', null);
  app.decorateRequest('auditContext', function (this: import('fastify').FastifyRequest) {
    return { actor: this.actor, organizationId: this.actor?.organizationId ?? null, clientAddress: this.ip, requestId: String(this.id) };
  });

  // Security headers (CSP and the rest): configured once and applied to every response. (The
  // Fastify wrapper rebuilds helmet's middleware on every request, a tenth of a read's CPU.)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: config.cookieSecure,
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  registerErrorHandler(app);
  registerAccessControl(app);

  await app.register(platformRoutes, { database });
  await app.register(frontDeskRoutes);
  await app.register(examRoomRoutes);
  await app.register(interopRoutes);
  if (extraRoutes) await app.register(async (scope) => extraRoutes(scope));
  await registerWebApp(app, config.webRoot);
  const stopSealer = startAuditSealer(database.db, config.auditSealIntervalMs, (error) =>
    app.log.error({ err: { name: (error as Error).name, code: (error as { code?: string }).code } }, 'audit sealer round failed'),
  );
  app.addHook('onClose', async () => stopSealer());
  const stopReminders = startReminderWorker(
    database.db,
    { intervalMs: config.reminderIntervalMs, publicBaseUrl: config.publicBaseUrl, smtp: config.smtpUrl ? smtpSender(config.smtpUrl, config.smtpFrom) : undefined },
    (error) => app.log.error({ err: { name: (error as Error).name, code: (error as { code?: string }).code } }, 'reminder worker round failed'),
  );
  app.addHook('onClose', async () => stopReminders());
  const stopEscalation = startVitalAlertEscalation(database.db, { intervalMs: config.vitalAlertEscalationIntervalMs }, (error) =>
    app.log.error({ err: { name: (error as Error).name, code: (error as { code?: string }).code } }, 'vital alert escalation round failed'),
  );
  app.addHook('onClose', async () => stopEscalation());
  await app.ready();
  return app;
}

/** Serves the built single-page app; any other GET that accepts HTML gets index.html (client-side routes). */
async function registerWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  const indexPath = path.join(webRoot, 'index.html');
  const hasWebApp = fs.existsSync(indexPath);
  if (hasWebApp) await app.register(fastifyStatic, { root: webRoot, serve: false });
  const sendIndex = (reply: import('fastify').FastifyReply) =>
    hasWebApp
      ? reply.header('cache-control', 'no-cache').sendFile('index.html')
      : reply.type('text/html').send('<!doctype html><title>Medassist</title><p>The web app is not built. Run <code>npm run build</code>.</p>');
  app.get('/', { config: { policy: 'public' } }, (_request, reply) => sendIndex(reply));
  app.get('/assets/*', { config: { policy: 'public' } }, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    if (!hasWebApp || file.includes('..')) return reply.status(404).send();
    return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(path.posix.join('assets', file));
  });
  app.get('/healthz', { config: { policy: 'public' } }, async () => ({ status: 'ok', engine: app.engine }));
  app.addHook('onRequest', async (request, reply) => {
    const isClientRoute =
      request.method === 'GET' &&
      !request.routeOptions.url &&
      !/^\/(api|fhir|oauth2|assets)(\/|$)/.test(request.url) &&
      (request.headers.accept ?? '').includes('text/html');
    if (isClientRoute) return sendIndex(reply);
  });
}
