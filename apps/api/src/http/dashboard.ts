import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-status';

/** Where `npm run build:dashboard` writes the dashboard, found from this file in the source tree or in dist/. */
export function dashboardDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'apps', 'dashboard', 'index.html'))) return join(dir, 'apps', 'dashboard', 'dist');
    if (dirname(dir) === dir) return join(process.cwd(), 'apps', 'dashboard', 'dist');
  }
}

/**
 * The admin dashboard at `/admin`: its built files, and index.html for every other path under it
 * (the app's own routes, deep links included). No key is asked here: the app signs in with the
 * admin key and sends it on each API call. Hashed assets are cached for good, index.html never.
 * Without a build, `/admin` says how to make one (503, the error shape), and the API runs as before.
 */
export async function registerDashboard(app: FastifyInstance, root = dashboardDir()): Promise<void> {
  const indexFile = join(root, 'index.html');
  const built = existsSync(indexFile);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/admin/',
      wildcard: false,
      index: false,
      decorateReply: false,
      setHeaders: (res, path) => {
        void res.header('Cache-Control', path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const index = built ? readFileSync(indexFile) : undefined;
  const page = (request: FastifyRequest, reply: FastifyReply) => {
    if (!index)
      return reply.status(503).send(errorBody('ServiceUnavailable', 'The dashboard is not built: run `npm run build:dashboard` (npm start does).', request.id));
    return reply.header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(index);
  };
  app.get('/admin', page);
  app.get('/admin/*', page);
}
