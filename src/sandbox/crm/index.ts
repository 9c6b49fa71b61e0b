/**
 * The sandbox CRM's data plane: HubSpot's objects, properties, schemas, associations and owners APIs for
 * the portal of each request. The platform (src/sandbox/platform) owns the server, auth and admin routes.
 */
export { migrateCrm } from './migrations.js';
export { createPortalCrm, deletePortalCrm, seedDemoPortal } from './portal.js';
export { createCrmRouter } from './router.js';
export { searchLag, setSearchLag } from './search-index.js';
export type { CrmDeps } from './objects-api.js';
