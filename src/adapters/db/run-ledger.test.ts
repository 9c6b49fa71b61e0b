import { runLedgerContract } from '../../../test/db/run-ledger-contract.js';
import { openSqlite } from './sqlite.js';

describe('SqlRunLedger on SQLite (in memory)', () => {
  runLedgerContract({ open: () => Promise.resolve(openSqlite(':memory:')) });
});
