/**
 * HubSpot's account information endpoint, `GET /account-info/v3/details` (account-info-v3.json, schema
 * PortalInformationResponse), for the portal of the token that calls it: the gate has authenticated the token,
 * counted the call against the portal's rate limits and checked its `oauth` scope (scopes.ts) before this runs.
 * There is no portal id in the path, so a token can only ever read its own portal's details.
 */
import express, { type Router } from 'express';
import { caller } from '../context.js';
import { sendNotFound } from '../errors.js';
import type { PlatformStore, Portal } from './store.js';
import { timeZoneOffsetMs, utcOffsetText } from './time-zone.js';

/** PortalInformationResponse: the spec's required fields, and `createdAt` and `portalName` of its example. */
export interface AccountDetails {
  portalId: number;
  accountType: 'APP_DEVELOPER' | 'DEVELOPER_TEST' | 'SANDBOX' | 'STANDARD';
  timeZone: string;
  companyCurrency: string;
  additionalCurrencies: string[];
  utcOffset: string;
  utcOffsetMilliseconds: number;
  uiDomain: string;
  dataHostingLocation: string;
  createdAt: number;
  portalName: string;
}

/**
 * What the sandbox answers for the settings it does not model, the same for every portal:
 * - `accountType` STANDARD: a sandbox portal stands for a customer's account the app is installed in, not a
 *   developer, test or HubSpot sandbox account;
 * - `dataHostingLocation` na1 and `uiDomain` app.hubspot.com: the sandbox's credentials are na1 ones
 *   (`pat-na1-…` static tokens, `na1-…` refresh tokens), and app.hubspot.com is na1's UI (the spec's eu1
 *   example has app-eu1.hubspot.com);
 * - `companyCurrency` USD and no `additionalCurrencies`: the sandbox has no currency settings; USD is the
 *   spec example's company currency and the currency the local preview shows amounts in.
 */
export const SANDBOX_ACCOUNT_SETTINGS = {
  accountType: 'STANDARD',
  dataHostingLocation: 'na1',
  uiDomain: 'app.hubspot.com',
  companyCurrency: 'USD',
} as const;

/** A portal's details at the instant `now`: the UTC offset is its time zone's at that instant (DST included). */
export function accountDetails(portal: Portal, now: number): AccountDetails {
  const offset = timeZoneOffsetMs(portal.timeZone, now);
  return {
    portalId: portal.id,
    accountType: SANDBOX_ACCOUNT_SETTINGS.accountType,
    timeZone: portal.timeZone,
    companyCurrency: SANDBOX_ACCOUNT_SETTINGS.companyCurrency,
    additionalCurrencies: [],
    utcOffset: utcOffsetText(offset),
    utcOffsetMilliseconds: offset,
    uiDomain: SANDBOX_ACCOUNT_SETTINGS.uiDomain,
    dataHostingLocation: SANDBOX_ACCOUNT_SETTINGS.dataHostingLocation,
    createdAt: portal.createdAt,
    portalName: portal.name,
  };
}

export function createAccountInfoRouter(deps: { store: PlatformStore; now: () => number }): Router {
  const router = express.Router();
  router.get('/account-info/v3/details', (_req, res) => {
    const portalId = caller(res).portalId;
    // Read at each call, so a time zone changed through the admin API shows at once.
    const portal = deps.store.getPortal(portalId);
    if (!portal) {
      // Only if the portal was removed between the token check and here.
      sendNotFound(res, `No portal ${portalId}`);
      return;
    }
    res.json(accountDetails(portal, deps.now()));
  });
  return router;
}
