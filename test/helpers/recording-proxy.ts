/**
 * A reverse proxy on 127.0.0.1 that records every exchange between a client (the real @hubspot/api-client)
 * and a server (the sandbox), so that tests can check each one against HubSpot's OpenAPI specs.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './openapi-contract.js';

export interface RecordingProxy {
  baseUrl: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A body that says JSON but is not: keep the text so the contract check reports it.
      return text;
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return text;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestRaw = Buffer.concat(chunks);
      const proxied = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            const responseRaw = Buffer.concat(out);
            const url = new URL(req.url ?? '/', 'http://proxy');
            const query: Record<string, string | string[]> = {};
            for (const key of new Set(url.searchParams.keys())) {
              const all = url.searchParams.getAll(key);
              query[key] = all.length === 1 ? all[0]! : all;
            }
            exchanges.push({
              method: req.method ?? 'GET',
              path: url.pathname,
              query,
              requestHeaders: Object.fromEntries(
                Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
              ),
              requestBody: parseBody(requestRaw, req.headers['content-type']),
              status: up.statusCode ?? 0,
              responseBody: parseBody(responseRaw, up.headers['content-type']),
            });
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(responseRaw);
          });
        },
      );
      proxied.on('error', () => {
        // The upstream dropped the connection (e.g. an injected fault): do the same to the client.
        res.destroy();
      });
      proxied.end(requestRaw);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    exchanges,
    close: () => new Promise<void>((ok, fail) => server.close((e) => (e ? fail(e) : ok()))),
  };
}
