/**
 * The one way this app talks to a HubSpot portal: the real @hubspot/api-client's `apiRequest` (so that auth
 * headers, base path and user agent are HubSpot's own), wrapped in our per-portal throttle and our retry
 * policy, with every response parsed by zod and every failure mapped to a closed CrmError code.
 */
import { Client } from '@hubspot/api-client';
import { z } from 'zod';
import type { Clock } from '../../ports/clock.js';
import { err, ok, type Result } from '../../domain/result.js';
import { crmError, type CrmError } from '../../ports/crm-error.js';
import type { AccessTokenResult, AccessTokenUnavailable } from './oauth/token-provider.js';
import { DEFAULT_RETRY, decideRetry, type AttemptOutcome, type RetrySettings } from './retry-policy.js';
import type { PortalThrottle, RequestKind } from './throttle.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface CrmRequest<T> {
  readonly portalId: string;
  readonly method: HttpMethod;
  /** Path below the API base, e.g. `/crm/v3/objects/deals/batch/read`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: unknown;
  /**
   * True when sending the request twice has the effect of sending it once: reads, upserts by a unique key,
   * updates carrying full values. Only these are retried after a 5xx or a network failure.
   */
  readonly idempotent: boolean;
  readonly kind?: RequestKind;
  /** Parses the successful response body (an empty body parses as `undefined`). */
  readonly schema: z.ZodType<T>;
}

/** One HTTP attempt, as reported to metrics (benchmarks count calls and round trips with it). */
export interface AttemptEvent {
  readonly portalId: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number;
  readonly attempt: number;
  readonly durationMs: number;
}

export interface TransportOptions {
  /** `https://api.hubapi.com`, or the sandbox's base URL. */
  readonly basePath: string;
  /**
   * The portal's current access token: a fixed one (scripts, tests), or the token provider's answer, which
   * may be that there is none (the installation is inactive, or HubSpot cannot refresh it right now).
   */
  readonly accessToken: (portalId: string) => Promise<string | AccessTokenResult>;
  readonly clock: Clock;
  readonly throttle: PortalThrottle;
  readonly retry?: RetrySettings;
  readonly random?: () => number;
  readonly onAttempt?: (event: AttemptEvent) => void;
}

/** HubSpot's error body (the `Error` schema of its specs), plus the rate-limit fields of a 429. */
const hubspotErrorSchema = z
  .object({
    message: z.string().optional(),
    category: z.string().optional(),
    correlationId: z.string().optional(),
    policyName: z.string().optional(),
    errorType: z.string().optional(),
    errors: z
      .array(z.object({ message: z.string().optional(), code: z.string().optional() }).loose())
      .optional(),
  })
  .loose();
type HubSpotErrorBody = z.infer<typeof hubspotErrorSchema>;

export class HubSpotTransport {
  private readonly clients = new Map<string, { token: string; client: Client }>();
  private readonly retry: RetrySettings;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    // Jitter only spreads retries out; it needs no cryptographic quality.
    this.random = options.random ?? Math.random;
  }

  /** One client per portal, rebuilt only when its token changes. */
  private clientFor(portalId: string, token: string): Client {
    const cached = this.clients.get(portalId);
    if (cached && cached.token === token) return cached.client;
    // No limiterOptions and no retries: the SDK's limiter and retry settings are process-wide, so every
    // client we build turns them off and our throttle and retry policy are the only ones in force.
    const client = new Client({
      accessToken: token,
      basePath: this.options.basePath,
      numberOfApiCallRetries: 0,
    });
    this.clients.set(portalId, { token, client });
    return client;
  }

  async request<T>(req: CrmRequest<T>): Promise<Result<T, CrmError>> {
    const kind = req.kind ?? 'general';
    for (let attempt = 1; ; attempt++) {
      const answered = await this.options.throttle.acquire(req.portalId, kind);
      let answer: string | AccessTokenResult;
      try {
        answer = await this.options.accessToken(req.portalId);
      } catch (error) {
        // A failing installation store, not a missing token: it propagates, with the slot closed as answered.
        answered();
        throw error;
      }
      if (typeof answer !== 'string' && !answer.ok) {
        // Nothing is sent without a token: the slot is closed as answered, and the caller gets a CrmError.
        answered();
        return err(noAccessToken(answer.error));
      }
      const token = typeof answer === 'string' ? answer : answer.value;
      const client = this.clientFor(req.portalId, token);
      const started = this.options.clock.now();
      let response: Response;
      try {
        response = await client.apiRequest({
          method: req.method,
          path: req.path,
          ...(req.query ? { qs: toQuery(req.query) } : {}),
          ...(req.body !== undefined ? { body: req.body } : {}),
        });
        answered();
      } catch {
        answered();
        // fetch rejects only when no HTTP answer came back (connection refused, reset, DNS): the outcome
        // of the request is unknown, which the retry policy handles; the error text is not shown to users.
        this.report(req, 0, attempt, started);
        const decision = decideRetry(
          { kind: 'network_error' },
          attempt,
          req.idempotent,
          this.retry,
          this.random,
        );
        if (decision.retry) {
          await this.options.clock.sleep(decision.delayMs);
          continue;
        }
        return err(
          crmError(
            'CRM_UNAVAILABLE',
            'HubSpot could not be reached. Nothing was lost; try again in a moment.',
            0,
            {
              retryAfterMs: this.retry.baseDelayMs * 10,
            },
          ),
        );
      }
      this.report(req, response.status, attempt, started);
      const text = await response.text();

      if (response.ok) {
        const parsed = req.schema.safeParse(text.length === 0 ? undefined : safeJson(text));
        if (parsed.success) return ok(parsed.data);
        return err(
          crmError(
            'CRM_BAD_RESPONSE',
            'HubSpot answered in a shape this app does not understand.',
            response.status,
            {
              details: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
            },
          ),
        );
      }

      const body = hubspotErrorSchema.safeParse(safeJson(text));
      const errorBody: HubSpotErrorBody = body.success ? body.data : {};
      const outcome = classify(response, errorBody);
      if (outcome.kind === 'rate_limited' && outcome.policy !== 'DAILY') {
        this.options.throttle.pause(req.portalId, kind, outcome.waitMs ?? this.retry.rateLimitWaitMs);
      }
      const decision = decideRetry(outcome, attempt, req.idempotent, this.retry, this.random);
      if (decision.retry) {
        await this.options.clock.sleep(decision.delayMs);
        continue;
      }
      return err(toCrmError(response.status, outcome, errorBody));
    }
  }

  private report(req: CrmRequest<unknown>, status: number, attempt: number, started: number): void {
    this.options.onAttempt?.({
      portalId: req.portalId,
      method: req.method,
      path: req.path,
      status,
      attempt,
      durationMs: this.options.clock.now() - started,
    });
  }
}

/** No token to send: the app's access is gone (an admin must reinstall), or HubSpot cannot renew it right now. */
function noAccessToken(unavailable: AccessTokenUnavailable): CrmError {
  const details = { details: [unavailable.message] };
  return unavailable.reason === 'inactive'
    ? crmError(
        'CRM_ACCESS_REVOKED',
        'HubSpot no longer accepts this app’s access for this account. An admin should reinstall the app.',
        0,
        details,
      )
    : crmError('CRM_UNAVAILABLE', 'HubSpot could not be reached to renew access. Try again in a moment.', 0, {
        ...details,
        retryAfterMs: 5_000,
      });
}

function toQuery(
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    // HubSpot reads repeated list parameters (properties, associations) as comma-separated values.
    out[key] = typeof value === 'string' ? value : value.join(',');
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON (an HTML error page from a proxy, say): the caller treats it as an unknown body.
    return undefined;
  }
}

function classify(response: Response, body: HubSpotErrorBody): AttemptOutcome {
  const status = response.status;
  if (status === 429) {
    const policy = body.policyName;
    const interval = Number(response.headers.get('x-hubspot-ratelimit-interval-milliseconds'));
    const retryAfter = Number(response.headers.get('retry-after'));
    const waitMs = retryAfter > 0 ? retryAfter * 1_000 : undefined;
    const known =
      policy === 'TEN_SECONDLY_ROLLING' || policy === 'SECONDLY' || policy === 'DAILY' ? policy : 'UNKNOWN';
    // After a ten-secondly 429 the window frees up gradually; a tenth of it is a fair first wait.
    const fromInterval =
      known === 'TEN_SECONDLY_ROLLING' && interval > 0 ? Math.ceil(interval / 10) : undefined;
    const wait = waitMs ?? fromInterval;
    return { kind: 'rate_limited', policy: known, ...(wait !== undefined ? { waitMs: wait } : {}) };
  }
  if (status >= 500) return { kind: 'server_error', status };
  return { kind: 'client_error', status };
}

const embeddedProblemSchema = z
  .array(
    z
      .object({
        name: z.string().optional(),
        error: z.string().optional(),
        message: z.string().optional(),
        localizedErrorMessage: z.string().optional(),
      })
      .loose(),
  )
  .max(1_000);

/**
 * The per-property problems HubSpot embeds in a VALIDATION_ERROR message as a JSON list after a sentence:
 * `Property values were not valid: [{"isValid":false,"message":...,"error":"INVALID_OPTION","name":...,
 * "localizedErrorMessage":...,"portalId":...}]` (HubSpot's error-handling guide and its changelog examples).
 * Undefined when the message holds no such list.
 */
export function embeddedProblems(message: string | undefined): string[] | undefined {
  if (!message) return undefined;
  const start = message.indexOf(': [');
  if (start < 0 || !message.endsWith(']')) return undefined;
  const parsed = embeddedProblemSchema.safeParse(safeJson(message.slice(start + 2)));
  if (!parsed.success) return undefined;
  const out = parsed.data
    .map((p) => {
      const text = p.localizedErrorMessage ?? p.message ?? p.error ?? '';
      return p.name && text && !text.includes(p.name) ? `${p.name}: ${text}` : text;
    })
    .filter((m) => m.length > 0);
  return out.length > 0 ? out : undefined;
}

/**
 * Details of an error body: the problems embedded in the message when there are some (HubSpot does not
 * always send `errors[]`), else the messages of `errors[]`.
 */
export function errorDetails(body: {
  message?: string | undefined;
  errors?: readonly { message?: string | undefined; code?: string | undefined }[] | undefined;
}): string[] {
  const embedded = embeddedProblems(body.message);
  if (embedded) return embedded;
  return (body.errors ?? []).map((e) => e.message ?? e.code ?? '').filter((m) => m.length > 0);
}

/** HubSpot's message without the JSON list it embeds (the list becomes the details). */
function validationMessage(message: string | undefined): string | undefined {
  if (message === undefined || embeddedProblems(message) === undefined) return message;
  return `${message.slice(0, message.indexOf(': [')).trim()}.`;
}

function toCrmError(status: number, outcome: AttemptOutcome, body: HubSpotErrorBody): CrmError {
  const correlation = body.correlationId ? { correlationId: body.correlationId } : {};
  const details = errorDetails(body);
  const withDetails = details.length > 0 ? { ...correlation, details } : correlation;
  if (outcome.kind === 'rate_limited') {
    return outcome.policy === 'DAILY'
      ? crmError(
          'CRM_DAILY_LIMIT',
          "This HubSpot account has used today's API allowance. Changes can be saved again after midnight (the account's time zone).",
          status,
          correlation,
        )
      : crmError(
          'CRM_RATE_LIMITED',
          'HubSpot is busy with this account right now. Try again in a few seconds.',
          status,
          {
            ...correlation,
            retryAfterMs: outcome.waitMs ?? 1_000,
          },
        );
  }
  switch (status) {
    case 401:
      return crmError(
        'CRM_UNAUTHORIZED',
        'HubSpot no longer accepts this app’s access. An admin should reinstall the app.',
        status,
        correlation,
      );
    case 403:
      return crmError(
        'CRM_FORBIDDEN',
        'This app is not allowed to do that in this HubSpot account (a missing permission or product tier).',
        status,
        withDetails,
      );
    case 404:
      return crmError('CRM_NOT_FOUND', 'HubSpot could not find that record.', status, correlation);
    case 409:
      return crmError(
        'CRM_CONFLICT',
        body.message ?? 'HubSpot refused a duplicate value.',
        status,
        withDetails,
      );
    default:
      if (status >= 500) {
        return crmError(
          'CRM_UNAVAILABLE',
          'HubSpot is having trouble right now. Nothing was lost; try again in a moment.',
          status,
          {
            ...correlation,
            retryAfterMs: 2_000,
          },
        );
      }
      return crmError(
        'CRM_VALIDATION',
        validationMessage(body.message) ?? 'HubSpot refused the change.',
        status,
        withDetails,
      );
  }
}
