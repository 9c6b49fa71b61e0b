/**
 * The RequestVerifier port for HubSpot: the v3 signature (signature.ts) and the caller HubSpot appends to the
 * signed URL's query (portalId, userId, appId, userEmail), turned into the app's Caller.
 */
import { err, ok } from '../../domain/result.js';
import type { RequestVerifier } from '../../ports/request-verifier.js';
import {
  MAX_SIGNATURE_AGE_MS,
  SIGNATURE_HEADER,
  signedCaller,
  TIMESTAMP_HEADER,
  verifySignatureV3,
} from './signature.js';
import { hubSpotTenant } from './tenant.js';

export function hubSpotRequestVerifier(clientSecret: string): RequestVerifier {
  return {
    crmName: 'HubSpot',
    verify(request, now) {
      const signature = request.header(SIGNATURE_HEADER);
      const timestamp = request.header(TIMESTAMP_HEADER);
      const verified = verifySignatureV3({
        method: request.method,
        url: request.url,
        rawBody: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
        signature,
        timestamp,
        clientSecret,
        now,
      });
      if (!verified.ok) return verified;
      if (signature === undefined || timestamp === undefined)
        return err({ code: 'MISSING_SIGNATURE', message: 'The request has no signature.' });
      // Past the window the timestamp check refuses the signature anyway, so the record may go then.
      return ok({ signature, timestamp, expiresAt: Number(timestamp) + MAX_SIGNATURE_AGE_MS });
    },
    callerOf(request) {
      const caller = signedCaller(request.url);
      if (!caller.ok) return caller;
      const { portalId, userId, appId, userEmail } = caller.value;
      return ok({
        tenant: hubSpotTenant(portalId),
        userId: String(userId),
        ...(appId === undefined ? {} : { appId: String(appId) }),
        ...(userEmail === undefined ? {} : { userEmail }),
      });
    },
    // hubspot.fetch signs card calls with the same secret and scheme as webhooks, and HubSpot appends the
    // caller to the query of every card call; the webhook target URL has no query.
    mayBeCardCall: (request) => request.url.includes('?'),
  };
}
