import { anActivityEntry } from '../../domain/test-factories.js';
import { KeyedMutex } from '../locks/keyed-mutex.js';
import {
  activitySince,
  changesSinceVersion,
  checkSize,
  fitHeader,
  nextActivity,
  parseHeader,
  PROPERTY_VALUE_LIMIT,
  versionActivity,
  type StoredActivity,
  type StoredHeader,
} from './stored-plan.js';

const header = (
  activity: StoredHeader['activity'],
  milestones: StoredHeader['milestones'] = [],
): StoredHeader =>
  ({
    format: 1,
    storage: 'document',
    title: '',
    templateId: null,
    targetCloseDate: null,
    goals: [],
    stakeholders: [],
    risks: [],
    activity,
    milestones,
  }) as StoredHeader;

describe('the stored plan header', () => {
  it('keeps the version of entries already stored and gives new entries the new version', () => {
    const a = anActivityEntry({ text: 'A' });
    const b = anActivityEntry({ text: 'B', at: '2026-11-03T10:00:00.000Z' });
    const c = anActivityEntry({ text: 'C', at: '2026-11-04T10:00:00.000Z' });
    const stored = versionActivity([a, b], [], 2);
    expect(stored.map((e) => e.v)).toEqual([2, 2]);
    const next = versionActivity([b, c], stored, 3);
    expect(next.map((e) => [e.text, e.v])).toEqual([
      ['B', 2],
      ['C', 3],
    ]);
    expect(activitySince(header(next), 2).map((e) => e.text)).toEqual(['C']);
    expect(activitySince(header(next), 1).map((e) => e.text)).toEqual(['B', 'C']);
  });

  it('tells two identical entries apart by position, so a repeated action keeps both versions', () => {
    const same = anActivityEntry({ text: 'Same' });
    const first = versionActivity([same], [], 1);
    expect(versionActivity([same, same], first, 2).map((e) => e.v)).toEqual([1, 2]);
  });

  it('refuses a header over 65,536 characters with its size and the largest parts, and accepts one at the limit', () => {
    const big = header([{ ...anActivityEntry(), text: 'x'.repeat(70_000), v: 1 }]);
    const res = checkSize(JSON.stringify(big), big);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.limit).toBe(PROPERTY_VALUE_LIMIT);
      expect(res.size).toBe(JSON.stringify(big).length);
      expect(res.message).toMatch(/^This plan takes 70,\d{3} characters/);
      expect(res.message).toMatch(/The largest parts are activity log: 70,/);
    }
    expect(checkSize('x'.repeat(PROPERTY_VALUE_LIMIT), big)).toEqual({ ok: true });
  });

  const entries = (n: number, textLength: number, firstVersion = 1): StoredActivity[] =>
    Array.from({ length: n }, (_, i) => ({
      ...anActivityEntry({
        text: `${i}:`.padEnd(textLength, 'x'),
        at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
      }),
      v: firstVersion + i,
    }));

  it('fits an oversized header by dropping only the oldest activity entries, and records the newest version it dropped from', () => {
    const big = header(entries(200, 1_000));
    expect(JSON.stringify(big).length).toBeGreaterThan(PROPERTY_VALUE_LIMIT);
    const fitted = fitHeader(big);
    if (!fitted.ok) throw new Error('expected the header to fit');
    expect(fitted.serialised.length).toBeLessThanOrEqual(PROPERTY_VALUE_LIMIT);
    expect(fitted.serialised).toBe(JSON.stringify(fitted.header));
    expect(fitted.dropped).toBeGreaterThan(100);
    // The newest entries stay, in order, and dropping one entry fewer would not have fitted.
    expect(fitted.header.activity).toEqual(big.activity.slice(fitted.dropped));
    expect(fitted.header.activityTrimmedThrough).toBe(fitted.dropped);
    const oneMore = { ...big, activity: big.activity.slice(fitted.dropped - 1) };
    expect(JSON.stringify(oneMore).length).toBeGreaterThan(PROPERTY_VALUE_LIMIT);
    // Everything else is untouched.
    expect({ ...fitted.header, activity: [], activityTrimmedThrough: undefined }).toEqual({
      ...big,
      activity: [],
      activityTrimmedThrough: undefined,
    });
  });

  it('leaves a header that fits as it is, and refuses one that does not fit even with an empty log', () => {
    const small = header(entries(3, 50));
    expect(fitHeader(small)).toEqual({
      ok: true,
      header: small,
      serialised: JSON.stringify(small),
      dropped: 0,
    });
    const tooBig = header(entries(5, 100), [{ id: 'm', recordId: '1'.repeat(70_000), stamp: 's' }]);
    const res = fitHeader(tooBig);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.size).toBe(JSON.stringify({ ...tooBig, activity: [], activityTrimmedThrough: 5 }).length);
      expect(res.message).toMatch(/Old activity entries are dropped before a plan is refused/);
    }
  });

  it('knows the changes since a version are incomplete when that version is older than the entries that were dropped', () => {
    const fitted = fitHeader(header(entries(200, 1_000)));
    if (!fitted.ok) throw new Error('expected the header to fit');
    const oldest = fitted.header.activity[0]!.v;
    const since = (base: number) => changesSinceVersion(fitted.header, base);
    expect(since(oldest - 1)).toMatchObject({ complete: true });
    expect(since(oldest - 1).changes).toHaveLength(fitted.header.activity.length);
    expect(since(3)).toMatchObject({ complete: false });
    expect(since(3).changes).toHaveLength(fitted.header.activity.length);
    expect(since(199)).toEqual({
      complete: true,
      changes: [expect.objectContaining({ text: expect.stringMatching(/^199:/) })],
    });
    expect(changesSinceVersion(header(entries(2, 10)), 0).complete).toBe(true);
  });

  it('counts stored entries the edited log dropped (the domain keeps the newest 200) as trimmed', () => {
    const stored = entries(4, 10);
    const kept = stored.slice(2).map(({ v: _v, ...e }) => e);
    const added = anActivityEntry({ text: 'new', at: '2026-12-01T00:00:00.000Z' });
    const next = nextActivity([...kept, added], stored, 0, 9);
    expect(next.activity.map((a) => a.v)).toEqual([3, 4, 9]);
    expect(next.trimmedThrough).toBe(2);
    expect(nextActivity(kept, stored.slice(2), 2, 9).trimmedThrough).toBe(2);
  });

  it('explains a map_plan value that is not in our format', () => {
    expect(parseHeader('{"format":2}')).toEqual({
      ok: false,
      reason: expect.stringMatching(/not in the format this app writes/),
    });
    expect(parseHeader('nope')).toEqual({ ok: false, reason: expect.stringMatching(/not hold valid JSON/) });
  });
});

describe('KeyedMutex', () => {
  it('runs tasks of one key one after another, even when one fails, and tasks of different keys together', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = mutex.run('deal-1', async () => {
      log.push('1 start');
      await gate;
      log.push('1 end');
      throw new Error('boom');
    });
    const second = mutex.run('deal-1', () => {
      log.push('2 start');
      return Promise.resolve(2);
    });
    const other = mutex.run('deal-2', () => {
      log.push('other');
      return Promise.resolve('x');
    });
    await other;
    expect(log).toEqual(['1 start', 'other']);
    release();
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['1 start', 'other', '1 end', '2 start']);
    expect(mutex.size).toBe(0);
  });
});
