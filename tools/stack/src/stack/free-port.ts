import { createServer } from 'node:net';

import { StackError, StackErrorCode } from './stack-error';

/**
 * Binds `port` on `host` and releases it at once: resolves with the port bound (the one the
 * OS chose when `port` is 0), or null when it is taken. Another process may take the port
 * between this check and its use; the stack then fails to get ready and says so.
 *
 * @example
 * ```ts
 * const port = (await tryPort('127.0.0.1', 8080)) ?? (await tryPort('127.0.0.1', 0));
 * ```
 */
export function tryPort(host: string, port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(null);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : null;
      server.close(() => {
        resolve(bound);
      });
    });
  });
}

/** The preferred port when it is free, else one the OS picks. */
export async function freePort(host: string, preferred: number | null): Promise<number> {
  if (preferred !== null) {
    const port = await tryPort(host, preferred);
    if (port !== null) return port;
  }
  const port = await tryPort(host, 0);
  if (port === null) throw new StackError(StackErrorCode.NoFreePort, `no free TCP port on ${host}`);
  return port;
}
