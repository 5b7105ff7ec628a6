import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import type { EventStore } from '../../domain/ports/event-store.js';

const STORES = z.enum(['sqlite', 'eventstoredb']);

const healthReply = z.object({
  status: z.literal('ok'),
  store: STORES,
  /** The last global position, as a decimal string (positions are 64-bit). */
  position: z.string(),
});

/** While writes fail: why (the store's own probe says when it has passed). */
const unavailableReply = z.object({
  status: z.literal('unavailable'),
  store: STORES,
  reason: z.enum(['store-locked', 'disk-full', 'read-only', 'io-error']),
  position: z.string(),
});

export const healthRoutes: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/health',
    { config: { access: 'public' }, schema: { response: { 200: healthReply, 503: unavailableReply } } },
    async (_request, reply) => {
      const reason = await store.unavailable?.();
      const position = (await store.headPosition()).toString();
      if (reason === undefined) return { status: 'ok' as const, store: store.kind, position };
      return reply.code(503).header('retry-after', '1').send({ status: 'unavailable' as const, store: store.kind, reason, position });
    },
  );
};
