/**
 * The sandbox CRM server: a local HubSpot portal over HTTP (see app.ts for what it serves). This is the
 * entry point the app, the tests and the benchmarks use; it binds the real CRM data plane.
 */
import * as crm from '../crm/index.js';
import { startSandbox, type CrmModule, type Sandbox, type SandboxOptions } from './app.js';

export {
  DEFAULT_DEMO_TOKEN,
  DEFAULT_DEV_APP,
  type DevAppOptions,
  type Sandbox,
  type SandboxOptions,
} from './app.js';

const realCrm: CrmModule = {
  migrateCrm: crm.migrateCrm,
  createPortalCrm: crm.createPortalCrm,
  // createPortalCrm adds only what a portal lacks: on an existing portal it adds the standard objects added since.
  upgradePortalCrm: crm.createPortalCrm,
  seedDemoPortal: crm.seedDemoPortal,
  deletePortalCrm: crm.deletePortalCrm,
  createCrmRouter: crm.createCrmRouter,
  setSearchLag: crm.setSearchLag,
  searchLag: crm.searchLag,
};

/** Opens (or creates) the sandbox database, makes sure the demo portal exists, and starts listening. */
export function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  return startSandbox(options, realCrm);
}
