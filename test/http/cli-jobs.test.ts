/**
 * `npm run cli -- jobs` and `jobs run <portalId>` as an operator runs them, in their own process, on the
 * database of a backend running against the sandbox (SQLite: the run happens in the CLI's process).
 */
import { jest } from '@jest/globals';
import { addDays } from '../../src/domain/dates.js';
import { callFunction } from './harness.js';
import { startCli, type CliSetup } from './cli-process.js';

jest.setTimeout(90_000);

let c: CliSetup;
beforeAll(async () => {
  c = await startCli();
});
afterAll(() => c.close());

test('jobs says when no run was recorded; jobs run runs the day once and jobs lists it with its counts', async () => {
  const empty = await c.run('jobs');
  expect(empty.code).toBe(0);
  expect(empty.stdout).toBe(
    'No daily runs recorded yet.\n\nJob queue: in process (SQLite); the running backend keeps it in memory.\n',
  );

  const { portalId } = await c.b.install({ new_portal_tier: 'enterprise' });
  const dealId = await c.b.newDeal(portalId);
  const today = new Date().toISOString().slice(0, 10);
  const applied = await callFunction(
    c.b.h,
    'apply-template',
    { dealId, baseVersion: 0, templateId: 'smb-quick-close', targetCloseDate: addDays(today, 30) },
    { caller: { portalId, userId: 5 }, now: Date.now() },
  );
  expect(applied.status).toBe(200);

  const ran = await c.run('jobs', 'run', String(portalId), '--full');
  expect(ran.stderr).toBe('');
  expect(ran.code).toBe(0);
  expect(ran.stdout).toMatch(
    new RegExp(
      `^Running the full run of portal ${portalId} for \\d{4}-\\d{2}-\\d{2} here \\(SQLite: no shared queue\\)\\.\\.\\.\\nDone: scanned 1, read 1, changed 0, written 0, failed 0, scheduled 1, forgotten 0, unscheduled 0, total 1\\n$`,
    ),
  );

  const listed = await c.run('jobs');
  expect(listed.code).toBe(0);
  const lines = listed.stdout.trim().split('\n');
  expect(lines[0]).toBe('portal\tlocal date\tkind\tstatus\tattempts\tstarted\tduration\tcounts\terror');
  expect(lines[1]).toMatch(
    new RegExp(
      `^hubspot ${portalId}\\t\\d{4}-\\d{2}-\\d{2}\\tfull\\tdone\\t1\\t\\S+Z\\t\\d+\\.\\d s\\tscanned 1, read 1, changed 0, written 0, failed 0, scheduled 1, forgotten 0, unscheduled 0, total 1\\t$`,
    ),
  );

  const again = await c.run('jobs', 'run', String(portalId));
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(
    /^ALREADY_DONE: the full run of hubspot:\d+ for \d{4}-\d{2}-\d{2} is done; a day runs once/,
  );

  const unknown = await c.run('jobs', 'run', '424242');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toBe('NOT_INSTALLED: hubspot:424242 has no active installation\n');
});
