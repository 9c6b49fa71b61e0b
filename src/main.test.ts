/** The composition root's housekeeping timer (the pruning itself is functions/prune-expired.ts). */
import { Writable } from 'node:stream';
import { createLogger } from './lib/logger.js';
import { startHousekeeping } from './main.js';

const quiet = () =>
  createLogger({ level: 'info', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('installation store housekeeping', () => {
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
