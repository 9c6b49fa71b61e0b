/**
 * What the platform layer (auth) tells the CRM routes about the caller, in `res.locals.sandbox`.
 * The CRM routes trust only this, never a portal id from the request.
 */
import type { Response } from 'express';

export type PortalTier = 'free' | 'starter' | 'professional' | 'enterprise';

export interface CallerContext {
  readonly portalId: number;
  /** Scopes granted to the token (a static private-app token gets every scope its portal's tier allows). */
  readonly scopes: ReadonlySet<string>;
  /** Custom objects exist only on Enterprise portals, as in HubSpot. */
  readonly tier: PortalTier;
}

export function caller(res: Response): CallerContext {
  const ctx = (res.locals as { sandbox?: CallerContext }).sandbox;
  if (!ctx) throw new Error('sandbox: CRM route reached without the auth middleware');
  return ctx;
}
