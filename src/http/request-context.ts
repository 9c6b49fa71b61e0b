/**
 * Per-request context: a request id (a sane X-Request-Id from a proxy, or a new one), a pino child logger
 * with trusted bindings only, and the time spent waiting for the CRM (collected through AsyncLocalStorage
 * from the transport's onAttempt events), reported in Server-Timing and the request log line. No bodies and
 * no query strings are logged (the signed query carries the user's e-mail).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Tenant } from '../domain/model.js';
import { requestIdFrom, requestLogger, type Logger } from '../lib/logger.js';

export interface RequestContext {
  readonly requestId: string;
  readonly baseLog: Logger;
  log: Logger;
  readonly startedAt: number;
  /** Milliseconds of wall-clock time during which at least one CRM call was in flight (parallel calls count once). */
  crmMs: number;
  crmCalls: number;
  /** [start, end] of each CRM call, performance.now() time. */
  readonly crmIntervals: [number, number][];
  tenant?: Tenant;
  dealId?: string;
  fn?: string;
  /** Reads made once per request (the installation, its tokens): see memoInRequest. */
  readonly memo: Map<string, Promise<unknown>>;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Total length covered by possibly overlapping intervals. */
function unionLength(intervals: readonly [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = sorted[0] ?? [0, 0];
  for (const [s, e] of sorted.slice(1)) {
    if (s > end) {
      total += end - start;
      [start, end] = [s, e];
    } else if (e > end) end = e;
  }
  return total + (end - start);
}

/** Adds CRM wait time to the request being served (a no-op outside a request: CLI, start-up install). */
export function recordCrmTime(ms: number): void {
  const ctx = storage.getStore();
  if (ctx) {
    const end = performance.now();
    ctx.crmIntervals.push([end - ms, end]);
    ctx.crmMs = unionLength(ctx.crmIntervals);
    ctx.crmCalls++;
  }
}

/**
 * `load()` once per request and key: inside a request the first answer is kept for the rest of it (the
 * installation and its tokens do not change under one request, except by this request's own writes, which
 * call forgetRequestMemo); outside a request (CLI, start-up) every call loads.
 */
export function memoInRequest<T>(key: string, load: () => Promise<T>): Promise<T> {
  const memo = storage.getStore()?.memo;
  if (!memo) return load();
  const known = memo.get(key) as Promise<T> | undefined;
  if (known) return known;
  const loading = load();
  memo.set(key, loading);
  // A failed read is not kept: the next call tries again.
  loading.catch(() => memo.delete(key));
  return loading;
}

/** Drops what this request remembered (after it wrote to the installation store). */
export function forgetRequestMemo(): void {
  storage.getStore()?.memo.clear();
}

/**
 * Runs `fn` as part of the request, so CRM calls made inside it count towards its CRM time. Entered around
 * the function call rather than in the first middleware: stream events of the body parser may run outside
 * the context the middleware entered.
 */
/**
 * Runs `fn` outside any request: work a request starts but does not wait for (a background refresh) keeps none
 * of its memo and adds nothing to its CRM time.
 */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

export function withinRequest<T>(res: Response, fn: () => Promise<T>): Promise<T> {
  return storage.run(context(res), fn);
}

export function context(res: Response): RequestContext {
  const ctx = res.locals.ctx as RequestContext | undefined;
  if (!ctx) throw new Error('request context middleware is not installed');
  return ctx;
}

/** Binds the verified tenant and the deal to the request's logger. */
export function bindRequest(
  res: Response,
  bindings: { tenant?: Tenant; dealId?: string; fn?: string },
): void {
  const ctx = context(res);
  if (bindings.tenant !== undefined) ctx.tenant = bindings.tenant;
  if (bindings.dealId !== undefined) ctx.dealId = bindings.dealId;
  if (bindings.fn !== undefined) ctx.fn = bindings.fn;
  ctx.log = requestLogger(ctx.baseLog, {
    requestId: ctx.requestId,
    ...(ctx.tenant === undefined ? {} : { crm: ctx.tenant.crm, accountId: ctx.tenant.accountId }),
    ...(ctx.dealId === undefined ? {} : { dealId: ctx.dealId }),
  });
}

/** Server-Timing: total, CRM wait and the server's own part (total minus CRM). */
export function setServerTiming(res: Response, now: number): void {
  const ctx = context(res);
  const total = now - ctx.startedAt;
  res.set(
    'Server-Timing',
    `total;dur=${total.toFixed(2)}, crm;dur=${ctx.crmMs.toFixed(2)}, app;dur=${Math.max(0, total - ctx.crmMs).toFixed(2)}`,
  );
}

const nowMs = (): number => performance.now();

export function requestContextMiddleware(base: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('x-request-id');
    // Captured now: routers rewrite req.path; the query is never logged (it carries the user's e-mail).
    const path = req.path;
    const requestId = requestIdFrom(header);
    const ctx: RequestContext = {
      requestId,
      baseLog: base,
      log: requestLogger(base, { requestId }),
      startedAt: nowMs(),
      crmMs: 0,
      crmIntervals: [],
      crmCalls: 0,
      memo: new Map(),
    };
    res.locals.ctx = ctx;
    res.set('X-Request-Id', requestId);
    const originalWriteHead = res.writeHead.bind(res);
    // Server-Timing must be on the headers; writeHead is the last moment to add it for every response.
    res.writeHead = ((...args: Parameters<Response['writeHead']>) => {
      if (!res.headersSent) setServerTiming(res, nowMs());
      return originalWriteHead(...args);
    }) as Response['writeHead'];
    res.on('finish', () => {
      const durationMs = Math.round((nowMs() - ctx.startedAt) * 100) / 100;
      ctx.log.info(
        {
          method: req.method,
          path,
          status: res.statusCode,
          durationMs,
          crmMs: Math.round(ctx.crmMs * 100) / 100,
          crmCalls: ctx.crmCalls,
          ...(ctx.fn === undefined ? {} : { fn: ctx.fn }),
        },
        'request',
      );
    });
    next();
  };
}
