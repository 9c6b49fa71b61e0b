/**
 * The backend as the card sees it: one call per function, answered with a typed result. Production uses
 * hubspot.fetch (fetch-backend.ts); tests inject a double (test-utils/mocks.ts).
 */
import type {
  ActivityEntry,
  ApiErrorCode,
  CardFunctionName,
  FunctionInput,
  FunctionOutput,
  Problem,
} from './contract.js';

export type BackendError =
  /** The backend answered with its error body (src/contract/errors.ts). */
  | {
      readonly kind: 'api';
      readonly status: number;
      readonly code: ApiErrorCode;
      readonly message: string;
      readonly problems: readonly Problem[];
      readonly currentVersion: number | null;
      readonly changesSince: readonly ActivityEntry[];
      readonly retryAfterSeconds: number | null;
      readonly requestId: string;
    }
  /** No answer: offline, refused, or no answer within the timeout. */
  | { readonly kind: 'unreachable'; readonly timedOut: boolean }
  /** An answer that does not follow the contract (a proxy's error page, an older or newer backend). */
  | { readonly kind: 'bad_response'; readonly status: number };

export type BackendResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: BackendError };

export interface MapBackend {
  call<N extends CardFunctionName>(
    name: N,
    input: FunctionInput<N>,
  ): Promise<BackendResult<FunctionOutput<N>>>;
}

/** The sentence a rep reads for a failure. */
export function describeError(error: BackendError): string {
  switch (error.kind) {
    case 'unreachable':
      return error.timedOut
        ? 'The Mutual Action Plan service did not answer in time. Your change may have been saved: reload the plan before trying again.'
        : 'Could not reach the Mutual Action Plan service. Check your connection and try again.';
    case 'bad_response':
      return `The Mutual Action Plan service sent an answer this card does not understand (HTTP ${error.status}). Reload the page; if it keeps happening, contact your admin.`;
    case 'api': {
      const details = error.problems
        .filter((p) => p.message !== error.message)
        .slice(0, 3)
        .map((p) => p.message);
      const retry = error.retryAfterSeconds === null ? '' : ` Try again in ${error.retryAfterSeconds} s.`;
      return [error.message, ...details].join(' ') + retry;
    }
  }
}
