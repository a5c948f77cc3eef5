import { type RouteShorthandOptions } from 'fastify';

import { type RegisterRoutes } from '../route-context';

/**
 * `GET /whoami` (`viewer`): the name and role of the request's token, `{ name, role }`, so
 * that a client (the dashboard, the CLI) shows who is signed in and hides what the role may
 * not do. With authentication off: `{ name: 'anonymous', role: 'admin' }`.
 */
export const registerWhoamiRoutes: RegisterRoutes = (app, { auth }) => {
  const whoami: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'whoami',
        summary: "The request's token: its name (the actor of its actions) and its role",
        tags: ['meta'],
        responses: { 200: '`{ name, role }`: `role` is `viewer`, `operator` or `admin`' },
      },
    },
  };
  app.get('/whoami', whoami, (request) => {
    const caller = auth.callerOf(request);
    if (caller === null) throw new Error('GET /whoami has no caller: is its route public?');
    return { name: caller.name, role: caller.role };
  });
};
