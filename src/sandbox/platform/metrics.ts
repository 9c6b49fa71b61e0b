/**
 * What tests and benchmarks read back: per-portal call counters by endpoint (method + path template, e.g.
 * `GET /crm/v3/objects/{objectType}/{objectId}`) and a bounded log of recent requests.
 */
import type { Request } from 'express';
import { matchTemplate } from './endpoints.js';

export interface RequestLogEntry {
  time: number;
  portalId: number | null;
  method: string;
  path: string;
  endpoint: string;
  status: number;
  durationMs: number;
}

export const REQUEST_LOG_LIMIT = 1000;

/**
 * The endpoint template of a request, in the specs' `{param}` notation: HubSpot's template for the path if it
 * has one; else the express route that answered (Express leaves `req.route` and `req.baseUrl` of that route
 * on the request); else the literal path with numeric segments replaced by `{id}`, so counters do not grow
 * one key per record.
 */
export function endpointOf(req: Request, method: string, originalPath: string): string {
  const known = matchTemplate(originalPath);
  if (known !== undefined) return `${method} ${known}`;
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') {
    const template = `${req.baseUrl}${route.path}`.replace(/:(\w+)/g, '{$1}');
    return `${method} ${template}`;
  }
  return `${method} ${originalPath.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

export class Metrics {
  private readonly calls = new Map<number, Map<string, number>>();
  private log: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    if (entry.portalId !== null) {
      let counters = this.calls.get(entry.portalId);
      if (!counters) {
        counters = new Map();
        this.calls.set(entry.portalId, counters);
      }
      counters.set(entry.endpoint, (counters.get(entry.endpoint) ?? 0) + 1);
    }
    this.log.push(entry);
    if (this.log.length > REQUEST_LOG_LIMIT * 2) this.log = this.log.slice(-REQUEST_LOG_LIMIT);
  }

  callsOf(portalId: number): Record<string, number> {
    return Object.fromEntries(
      [...(this.calls.get(portalId) ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  /** The newest `limit` entries (oldest first), of one portal or of all. */
  requests(portalId: number | undefined, limit = REQUEST_LOG_LIMIT): RequestLogEntry[] {
    const entries = portalId === undefined ? this.log : this.log.filter((e) => e.portalId === portalId);
    return entries.slice(-Math.min(limit, REQUEST_LOG_LIMIT));
  }

  reset(portalId?: number): void {
    if (portalId === undefined) {
      this.calls.clear();
      this.log = [];
    } else {
      this.calls.delete(portalId);
      this.log = this.log.filter((e) => e.portalId !== portalId);
    }
  }
}
