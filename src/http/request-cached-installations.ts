/**
 * The installation store as one request sees it: the installation and the tokens of a tenant are read once
 * per request (memoInRequest), however many CRM calls and store steps the request makes; any write through
 * the store drops what the request remembered, so a refreshed token or a changed setting is read again.
 * A write to an installation or its tokens made by another request counts too: a request that waited on
 * another's token refresh (the refresh is single-flight) reads the refreshed tokens, rather than refresh
 * again from the ones it remembered. Outside a request (CLI, start-up, housekeeping) every read goes to the
 * database.
 */
import { tenantKey, type Tenant } from '../domain/model.js';
import type { InstallationStore } from '../ports/installation-store.js';
import { forgetRequestMemo, memoInRequest } from './request-context.js';

const READS = new Set<PropertyKey>(['getInstallation', 'getTokens']);
/** Methods that neither read what is remembered nor change it (a listing always reads the database). */
const NEUTRAL = new Set<PropertyKey>(['close', 'listInstallations']);
/** Writes that change what the reads return, whichever request makes them. */
const TENANT_WRITES = new Set<PropertyKey>([
  'install',
  'deactivate',
  'updateSettings',
  'saveTokens',
  'setTimeZone',
]);

export function requestCachedInstallations(store: InstallationStore): InstallationStore {
  /** Tenant writes begun or ended in this process: part of each remembered read's key, so any of them ends it. */
  let tenantWrites = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (READS.has(property)) {
        return (tenant: Tenant) =>
          memoInRequest(
            `${String(property)}:${tenantKey(tenant)}:${tenantWrites}`,
            () => method.call(target, tenant) as Promise<unknown>,
          );
      }
      if (NEUTRAL.has(property)) return method.bind(target);
      const tenantWrite = TENANT_WRITES.has(property);
      const forget = (): void => {
        if (tenantWrite) tenantWrites++;
        forgetRequestMemo();
      };
      return (...args: unknown[]) => {
        forget();
        const result = method.apply(target, args);
        // What this request (and, for a tenant write, any request) remembered may be stale once the write lands.
        if (result instanceof Promise) return result.finally(forget);
        return result;
      };
    },
  });
}
