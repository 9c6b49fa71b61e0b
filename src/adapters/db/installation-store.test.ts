import { installationStoreContract } from '../../../test/db/installation-store-contract.js';
import { openSqlite } from './sqlite.js';

describe('SqlInstallationStore on SQLite (in memory)', () => {
  installationStoreContract({ open: () => Promise.resolve(openSqlite(':memory:')) });
});
