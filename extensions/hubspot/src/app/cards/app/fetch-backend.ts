/**
 * The production backend client: POST <origin>/api/<function> through hubspot.fetch (HubSpot signs the
 * request and adds the caller to the URL), a JSON body, a timeout, and every answer parsed with the
 * contract's zod schemas before the card sees it.
 */
import type { BackendError, BackendResult, MapBackend } from './backend.js';
import {
  apiErrorBodySchema,
  RESPONSE_SCHEMAS,
  type CardFunctionName,
  type FunctionOutput,
} from './contract.js';

/** The part of hubspot.fetch the client uses (injected, so that it can be tested without HubSpot). */
export type HubSpotFetch = (
  url: string,
  options: { method: 'POST'; body: Record<string, unknown>; timeout: number },
) => Promise<{ readonly status: number; json(): Promise<unknown> }>;

export interface FetchBackendOptions {
  /** The backend origin, as in permittedUrls.fetch (generated/backend-config.ts). */
  readonly origin: string;
  readonly timeoutMs: number;
  readonly fetch: HubSpotFetch;
}

const TIMED_OUT = Symbol('timed out');

/** Resolves to TIMED_OUT if `promise` has not settled after `ms`, in case the host ignores `timeout`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function readJson(response: { json(): Promise<unknown> }): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    // Not JSON (an HTML error page of a proxy): the caller reports a bad response with the status.
    return undefined;
  }
}

function errorFrom(status: number, body: unknown): BackendError {
  const parsed = apiErrorBodySchema.safeParse(body);
  if (!parsed.success) return { kind: 'bad_response', status };
  const e = parsed.data.error;
  return {
    kind: 'api',
    status,
    code: e.code,
    message: e.message,
    problems: e.problems ?? [],
    currentVersion: e.currentVersion ?? null,
    changesSince: e.changesSince ?? [],
    retryAfterSeconds: e.retryAfterSeconds ?? null,
    requestId: e.requestId,
  };
}

/**
 * A backend of the first release names the deal's account `portalId` (`plan.deal.portalId`); this one reads it
 * as `accountId`, so a card uploaded before the backend is upgraded keeps working in between.
 */
export function fromEarlierBackend(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('plan' in body)) return body;
  const plan: unknown = body.plan;
  if (typeof plan !== 'object' || plan === null || !('deal' in plan)) return body;
  const deal: unknown = plan.deal;
  if (typeof deal !== 'object' || deal === null || !('portalId' in deal) || 'accountId' in deal) return body;
  const { portalId, ...rest } = deal;
  return { ...body, plan: { ...plan, deal: { ...rest, accountId: portalId } } };
}

export function createFetchBackend(options: FetchBackendOptions): MapBackend {
  const origin = options.origin.replace(/\/+$/, '');
  return {
    async call<N extends CardFunctionName>(name: N, input: Record<string, unknown>) {
      let response: { readonly status: number; json(): Promise<unknown> } | typeof TIMED_OUT;
      try {
        response = await withTimeout(
          options.fetch(`${origin}/api/${name}`, { method: 'POST', body: input, timeout: options.timeoutMs }),
          options.timeoutMs + 1_000,
        );
      } catch {
        // hubspot.fetch rejects when the request cannot be made or times out; both mean "no answer".
        return { ok: false, error: { kind: 'unreachable', timedOut: false } };
      }
      if (response === TIMED_OUT) return { ok: false, error: { kind: 'unreachable', timedOut: true } };
      const body = await readJson(response);
      if (response.status < 200 || response.status >= 300) {
        return { ok: false, error: errorFrom(response.status, body) };
      }
      const parsed = RESPONSE_SCHEMAS[name].safeParse(fromEarlierBackend(body));
      if (!parsed.success) return { ok: false, error: { kind: 'bad_response', status: response.status } };
      return { ok: true, value: parsed.data as FunctionOutput<N> } satisfies BackendResult<FunctionOutput<N>>;
    },
  };
}
