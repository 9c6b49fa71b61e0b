/**
 * The installation store as one request sees it: the installation and the tokens of a tenant are read once
 * per request (memoInRequest), however many CRM calls and store steps the request makes; any write through
 * the store drops what the request remembered, so a refreshed token or a changed setting is read again.
 * Outside a request (CLI, start-up, housekeeping) every read goes to the database.
 */
import { tenantKey, type Tenant } from '../domain/model.js';
import type { InstallationStore } from '../ports/installation-store.js';
import { forgetRequestMemo, memoInRequest } from './request-context.js';

const READS = new Set<PropertyKey>(['getInstallation', 'getTokens']);
/** Methods that neither read what is remembered nor change it. */
const NEUTRAL = new Set<PropertyKey>(['close']);

export function requestCachedInstallations(store: InstallationStore): InstallationStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (READS.has(property)) {
        return (tenant: Tenant) =>
          memoInRequest(
            `${String(property)}:${tenantKey(tenant)}`,
            () => method.call(target, tenant) as Promise<unknown>,
          );
      }
      if (NEUTRAL.has(property)) return method.bind(target);
      return (...args: unknown[]) => {
        forgetRequestMemo();
        const result = method.apply(target, args);
        // What this request remembered may be stale once the write lands (a refreshed token, a setting).
        if (result instanceof Promise) return result.finally(forgetRequestMemo);
        return result;
      };
    },
  });
}
