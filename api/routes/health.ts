import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import type { EventStore } from '../../domain/ports/event-store.js';

const healthReply = z.object({
  status: z.literal('ok'),
  store: z.enum(['sqlite', 'eventstoredb']),
  /** The last global position, as a decimal string (positions are 64-bit). */
  position: z.string(),
});

export const healthRoutes: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/health',
    { config: { access: 'public' }, schema: { response: { 200: healthReply } } },
    async () => ({ status: 'ok' as const, store: store.kind, position: (await store.headPosition()).toString() }),
  );
};
