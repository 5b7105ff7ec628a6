/**
 * The HTTP application, built from its dependencies and not listening (api/server.ts listens).
 * Registration order states the dependencies: compilers and error mapping, then authentication
 * (which checks every route's declared access), then one explicit register per route module.
 */
import { randomUUID } from 'node:crypto';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from '@fastify/type-provider-zod';
import Fastify, { type FastifyInstance } from 'fastify';
import { authenticationPlugin, type AuthenticationOptions } from './auth/authentication.js';
import { commandKeysPlugin } from './command-keys.js';
import type { LedgerDeps } from './ledger-deps.js';
import { requestLogSerializers } from './logging.js';
import { handleError, handleNotFound, invalidRequest } from './problems/error-handler.js';
import { handleClientError, handleFrameworkError } from './problems/framework-errors.js';
import { problem, sendProblem } from './problems/problem.js';
import { applicationRoutes } from './routes/applications.js';
import { auditRoutes } from './routes/audit.js';
import { caRoutes } from './routes/ca.js';
import { certificateRoutes } from './routes/certificates.js';
import { crlRoutes } from './routes/crl.js';
import { healthRoutes } from './routes/health.js';
import { ocspRoutes } from './routes/ocsp.js';
import { registryChangeRoutes } from './routes/registry-changes.js';
import { MULTI_LINE_FIELDS } from './routes/schemas.js';
import { requestTextViolations } from './text-check.js';

export interface AppDependencies {
  readonly ledger: LedgerDeps;
  readonly auth: AuthenticationOptions;
  /** pino log level; no logging when absent (tests). */
  readonly logLevel?: string;
  /** Where the log goes (standard output when absent); tests read it. */
  readonly logStream?: { write(line: string): void };
}

const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      deps.logLevel === undefined
        ? false
        : { level: deps.logLevel, serializers: requestLogSerializers, ...(deps.logStream === undefined ? {} : { stream: deps.logStream }) },
    genReqId: (request) => {
      const given = request.headers[CORRELATION_HEADER];
      return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    },
    forceCloseConnections: 'idle',
    // The router's and Node's own refusals (bad URL encoding, 414, 431, malformed HTTP) as problem+json.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
    // Our own hook below answers requests that arrive while closing, as problem+json.
    return503OnClosing: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // Requests in flight when shutdown begins finish normally, and their connections close after the
  // reply, so idle keep-alive sockets do not hold the server open; requests that arrive on an open
  // connection while closing get a 503.
  let closing = false;
  app.addHook('onRequest', async (request, reply) => {
    void reply.header(CORRELATION_HEADER, request.id);
    if (closing) {
      void reply.header('connection', 'close');
      return sendProblem(reply, problem(503, 'shutting-down', 'Shutting down', 'The ledger is shutting down; retry against another instance or later.'));
    }
  });
  // Text the store cannot hold (lone surrogates, controls) is refused before validation, on every route.
  app.addHook('preValidation', async (request, reply) => {
    const errors = requestTextViolations(request, (field) => MULTI_LINE_FIELDS.has(field));
    if (errors.length > 0) return sendProblem(reply, invalidRequest(errors));
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  await app.register(authenticationPlugin, deps.auth);
  await app.register(commandKeysPlugin, { store: deps.ledger.store, ids: deps.ledger.ids, claims: deps.ledger.claims });
  await app.register(healthRoutes, { store: deps.ledger.store });
  await app.register(caRoutes, { issuingCas: deps.ledger.issuingCas });
  await app.register(applicationRoutes, { deps: deps.ledger });
  await app.register(certificateRoutes, { deps: deps.ledger });
  await app.register(ocspRoutes, { ocsp: deps.ledger.ocsp, clock: deps.ledger.clock });
  await app.register(crlRoutes, { crls: deps.ledger.crls, history: deps.ledger.crlHistory, clock: deps.ledger.clock });
  await app.register(registryChangeRoutes, { deps: deps.ledger });
  await app.register(auditRoutes, { deps: deps.ledger });
  return app;
}
