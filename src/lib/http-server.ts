/** Listening and graceful shutdown: stop accepting, let requests in flight finish, then cut what is left. */
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** http://127.0.0.1:<port> (or the host given). */
  readonly url: string;
  close(graceMs?: number): Promise<void>;
}

export async function listen(
  handler: RequestListener,
  options: { port: number; host?: string },
): Promise<RunningServer> {
  const server = createServer(handler);
  // Slightly above typical proxy idle timeouts, so a proxy never reuses a connection we just closed.
  server.keepAliveTimeout = 65_000;
  server.listen(options.port, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close(graceMs = 10_000) {
      closing ??= new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
