import { Writable } from 'node:stream';
import { createLogger } from '../lib/logger.js';
import { pruneInstallationStore, startHousekeeping, WEBHOOK_EVENT_RETENTION_DAYS } from './housekeeping.js';

const quiet = () =>
  createLogger({ level: 'info', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('installation store housekeeping', () => {
  it('prunes expired install states, webhook ids older than the retention and request signatures past their window', async () => {
    const calls: string[] = [];
    const store = {
      pruneStates: () => (calls.push('states'), Promise.resolve(3)),
      pruneEvents: (days: number) => (calls.push(`events:${days}`), Promise.resolve(5)),
      pruneSignatures: () => (calls.push('signatures'), Promise.resolve(7)),
    };
    expect(await pruneInstallationStore(store, quiet())).toEqual({ states: 3, events: 5, signatures: 7 });
    expect(calls).toEqual(['states', `events:${WEBHOOK_EVENT_RETENTION_DAYS}`, 'signatures']);
  });

  it('runs at start and then on its interval, and stops when told', async () => {
    let runs = 0;
    const store = {
      pruneStates: () => (runs++, Promise.resolve(0)),
      pruneEvents: () => Promise.resolve(0),
      pruneSignatures: () => Promise.resolve(0),
    };
    const house = startHousekeeping(store, quiet(), 20);
    await new Promise((r) => setTimeout(r, 75));
    house.stop();
    const seen = runs;
    expect(seen).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(seen);
  });

  it('keeps running after a failed prune', async () => {
    let runs = 0;
    const store = {
      pruneStates: () => (runs++, Promise.reject(new Error('database is locked'))),
      pruneEvents: () => Promise.resolve(0),
      pruneSignatures: () => Promise.resolve(0),
    };
    const house = startHousekeeping(store, quiet(), 20);
    await new Promise((r) => setTimeout(r, 70));
    house.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});
