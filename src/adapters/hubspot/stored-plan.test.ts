import { anActivityEntry } from '../../domain/test-factories.js';
import { KeyedMutex } from './keyed-mutex.js';
import { activitySince, checkSize, parseHeader, PROPERTY_VALUE_LIMIT, versionActivity, type StoredHeader } from './stored-plan.js';

const header = (activity: StoredHeader['activity'], milestones: StoredHeader['milestones'] = []): StoredHeader =>
  ({ format: 1, storage: 'document', title: '', templateId: null, targetCloseDate: null, goals: [], stakeholders: [], risks: [], activity, milestones }) as StoredHeader;

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

  it('explains a map_plan value that is not in our format', () => {
    expect(parseHeader('{"format":2}')).toEqual({ ok: false, reason: expect.stringMatching(/not in the format this app writes/) });
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
