import { pruneExpired, WEBHOOK_EVENT_RETENTION_DAYS } from './prune-expired.js';

describe('installation store housekeeping', () => {
  it('prunes expired install states, webhook ids older than the retention and request signatures past their window', async () => {
    const calls: string[] = [];
    const store = {
      pruneStates: () => (calls.push('states'), Promise.resolve(3)),
      pruneEvents: (days: number) => (calls.push(`events:${days}`), Promise.resolve(5)),
      pruneSignatures: () => (calls.push('signatures'), Promise.resolve(7)),
    };
    expect(await pruneExpired(store)).toEqual({ ok: true, value: { states: 3, events: 5, signatures: 7 } });
    expect(calls).toEqual(['states', `events:${WEBHOOK_EVENT_RETENTION_DAYS}`, 'signatures']);
  });

  it('answers a store that throws (its database is unavailable) with an UNEXPECTED failure instead of throwing', async () => {
    const store = {
      pruneStates: () => Promise.reject(new Error('database is locked')),
      pruneEvents: () => Promise.resolve(0),
      pruneSignatures: () => Promise.resolve(0),
    };
    expect(await pruneExpired(store)).toMatchObject({
      ok: false,
      error: { code: 'UNEXPECTED', message: 'database is locked' },
    });
  });
});
