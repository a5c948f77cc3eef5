import { existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import fastifyStatic from '@fastify/static';
import { NotFoundError } from '@sagaflow/core';
import { type FastifyReply, type RouteShorthandOptions } from 'fastify';

import { type RegisterRoutes } from '../route-context';

const ONE_YEAR_MS = 365 * 86_400_000;
/** The page itself: always revalidated (ETag), so that a new build is picked up at once. */
const REVALIDATE = 'no-cache';

/**
 * The page loads its own scripts and styles only, talks to this origin only, and may not be
 * framed. React sets styles through the DOM, which `style-src 'self'` allows.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/**
 * `GET /ui` and `GET /ui/*` (public: the page holds no data; its API calls carry the
 * operator's token): the dashboard's build from `dashboardDir`. `/ui` redirects to `/ui/`
 * (relative asset URLs need the slash);
 * `/ui/assets/…` are the hashed bundles, cached for a year (`immutable`), 404 when unknown;
 * any other file at the top of the build is served revalidated; every other path is the
 * dashboard's own page (`index.html`, `no-cache`), which routes in the browser. Without a
 * build, `/ui/*` answers 404 `DASHBOARD_NOT_BUILT`; the build is looked for on every request, so
 * one made after the start is served.
 */
export const registerDashboardRoutes: RegisterRoutes = (app, { deps, options }) => {
  const root = options.dashboardDir;
  let warned = false;
  const ensureBuilt = (): void => {
    if (existsSync(join(root, 'index.html'))) return;
    if (!warned) {
      warned = true;
      deps.logger.warn('the dashboard is not built: /ui answers 404', { dashboardDir: root });
    }
    throw new NotFoundError(
      'DASHBOARD_NOT_BUILT',
      'the dashboard is not built: its folder (SAGAFLOW_DASHBOARD_DIR, by default apps/dashboard/dist) has no index.html; build it with `npx nx run @sagaflow/dashboard:build`',
    );
  };

  const entry: RouteShorthandOptions = {
    config: {
      access: 'public',
      docs: {
        operationId: 'openDashboard',
        summary: 'The web dashboard: redirects to `/ui/`',
        tags: ['dashboard'],
        responses: {
          302: { description: 'To `/ui/`', headers: { Location: '`/ui/`' } },
        },
      },
    },
  };
  app.get('/ui', entry, (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(`/ui/${query < 0 ? '' : request.url.slice(query)}`, 302);
  });

  const files: RouteShorthandOptions = {
    config: {
      access: 'public',
      docs: {
        operationId: 'getDashboardFile',
        summary: "The web dashboard's page and its assets",
        description:
          "`/ui/assets/…`: hashed bundles, `Cache-Control: public, max-age=31536000, immutable`. Any other path is the dashboard's page (`index.html`, `Cache-Control: no-cache`), which routes in the browser. The page holds no data: it asks for an API token and sends it with its calls.",
        tags: ['dashboard'],
        responses: {
          200: {
            description: 'The file',
            contentTypes: ['text/html', 'text/javascript', 'text/css'],
          },
          404: '`DASHBOARD_NOT_BUILT`: no build in the dashboard folder; `ROUTE_NOT_FOUND`: no such asset',
        },
      },
    },
  };

  // In a scope of their own: the static plugin decorates the replies of these routes only.
  void app.register((scope, _options, done) => {
    void scope.register(fastifyStatic, {
      root,
      serve: false,
      dotfiles: 'deny',
      index: false,
    });
    scope.after(() => {
      scope.get('/ui/*', files, (request, reply) => {
        ensureBuilt();
        const path = (request.params as { '*'?: string })['*'] ?? '';
        void reply.headers(SECURITY_HEADERS);
        if (path.startsWith('assets/')) {
          // Hashed names, whose content never changes: `public, max-age=31536000, immutable`.
          return reply.sendFile(path, { maxAge: ONE_YEAR_MS, immutable: true });
        }
        return isFileIn(root, path)
          ? sendRevalidated(reply, path)
          : sendRevalidated(reply, 'index.html');
      });
    });
    done();
  });
};

function sendRevalidated(reply: FastifyReply, path: string): FastifyReply {
  void reply.header('cache-control', REVALIDATE);
  return reply.sendFile(path, { cacheControl: false });
}

/** A file at the top of `root` (`favicon.ico`), never outside it. */
function isFileIn(root: string, path: string): boolean {
  if (path === '' || path.includes('/') || path.includes(sep)) return false;
  const file = join(root, path);
  if (relative(root, file) !== path) return false;
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
