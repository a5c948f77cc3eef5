import { z } from 'zod';

import { parseRequest } from '../parse-request';
import { limitSchema, tokenSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';

const failedQuerySchema = z.strictObject({
  consumer: z.string().min(1).max(128).optional(),
  limit: limitSchema,
  cursor: tokenSchema.optional(),
});

/**
 * `GET /inbox/failed?consumer=&limit=&cursor=`: FAILED EventProcess records (most recently
 * updated first), with their last error, for operators; `{ items, nextCursor }`.
 */
export const registerInboxRoutes: RegisterRoutes = (app, { deps }) => {
  app.get('/inbox/failed', async (request) => {
    const { consumer, limit, cursor } = parseRequest(failedQuerySchema, request.query, 'query');
    const { items, nextCursor } = await deps.failedInbox.listFailed({
      limit,
      ...(consumer === undefined ? {} : { consumer }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    return { items, nextCursor };
  });
};
