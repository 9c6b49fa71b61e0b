/**
 * Who called, and whether the CRM really sent the request: what the HTTP layer asks of a CRM before anything
 * runs. Each CRM signs its requests its own way and names the caller its own way; its adapter implements this
 * port, so the HTTP layer never reads a provider's header or query parameter itself.
 */
import type { Tenant } from '../domain/model.js';
import type { Result } from '../domain/result.js';

/** Who called, as the CRM vouched for it in a verified request; never taken from the request's body. */
export interface Caller {
  /** The CRM account the request came from. */
  readonly tenant: Tenant;
  /** The CRM's id of the user, as the CRM writes it. */
  readonly userId: string;
  readonly appId?: string;
  readonly userEmail?: string;
  /**
   * The IANA time zone whose calendar day is "today" for this caller (the account's, once the installation
   * records it). Unset means UTC.
   */
  readonly timeZone?: string;
  /**
   * A digest of this exact request (function, tenant, user and body) from the transport: a save stores it
   * with the version it writes, so the same request sent again after its answer was lost is answered with
   * the success it had instead of a conflict.
   */
  readonly requestDigest?: string;
}

/** A request as received: the full URL the sender called (scheme and host included) and the raw body. */
export interface InboundRequest {
  readonly method: string;
  readonly url: string;
  /** A header's value (names in lower case); undefined when absent. */
  header(name: string): string | undefined;
  readonly body: Uint8Array;
}

/** Why a request is refused: a code for the log and a sentence for whoever sent it. */
export interface VerificationProblem {
  readonly code: string;
  readonly message: string;
}

/** A verified request's signature: recorded once until `expiresAt`, so a replay of it is refused. */
export interface SignatureStamp {
  readonly signature: string;
  readonly timestamp: string;
  /** When the signature leaves its accepted window (ms since the epoch); it may be forgotten then. */
  readonly expiresAt: number;
}

export interface RequestVerifier {
  /** The CRM's name as a user knows it, for error messages ("not signed by <CRM>"). */
  readonly crmName: string;
  /** Checks that the CRM signed this request, at `now` (ms since the epoch). */
  verify(request: InboundRequest, now: number): Result<SignatureStamp, VerificationProblem>;
  /** The caller a verified card request names; a problem when it names none, or names one twice. */
  callerOf(request: InboundRequest): Result<Caller, VerificationProblem>;
  /** True when a verified request could be a card call rather than a webhook delivery (the adapter knows how to tell). */
  mayBeCardCall(request: InboundRequest): boolean;
}
