/**
 * The search index lag model (search-index.ts): a record is seen as it was at `now - lag`. HubSpot: "It may
 * take a few moments for newly created or updated CRM objects to appear in search results" (search guide,
 * Limitations: https://developers.hubspot.com/docs/guides/api/crm/search).
 */
import { openSandboxDb } from '../db.js';
import type { CrmRecord } from './model.js';
import {
  MAX_SEARCH_LAG_MS,
  noteWrite,
  rememberedWrites,
  searchVisible,
  setSearchLag,
} from './search-index.js';

const rec = (id: number, stage: string, at: number): CrmRecord => ({
  id,
  properties: { dealstage: stage },
  createdAt: at,
  updatedAt: at,
  archived: false,
  archivedAt: null,
});

describe('search index lag model', () => {
  it('shows each record as it was `lag` ago: absent before its creation, its old values before an update', () => {
    const db = openSandboxDb(':memory:');
    try {
      setSearchLag(db, 7, 1000);
      noteWrite(db, 7, '0-3', 1, null, 10_000);
      noteWrite(db, 7, '0-3', 1, rec(1, 'a', 10_000), 10_500);
      const live = [rec(1, 'b', 10_500)];
      expect(searchVisible(db, 7, '0-3', live, 10_999)).toEqual([]);
      expect(searchVisible(db, 7, '0-3', live, 11_000)).toEqual([rec(1, 'a', 10_000)]);
      expect(searchVisible(db, 7, '0-3', live, 11_500)).toEqual(live);
      // Another portal, or the same portal with no lag, sees the current rows.
      expect(searchVisible(db, 8, '0-3', live, 10_000)).toEqual(live);
      setSearchLag(db, 7, 0);
      expect(searchVisible(db, 7, '0-3', live, 10_500)).toEqual(live);
    } finally {
      db.close();
    }
  });

  it('forgets writes older than the largest lag, also for types nobody searches', () => {
    const db = openSandboxDb(':memory:');
    try {
      for (let id = 1; id <= 1500; id++) noteWrite(db, 7, '2-99', id, null, 0);
      expect(rememberedWrites(db)).toBe(1500);
      for (let id = 2001; id <= 2600; id++) noteWrite(db, 7, '0-3', id, null, MAX_SEARCH_LAG_MS + 1);
      expect(rememberedWrites(db)).toBeLessThanOrEqual(600);
    } finally {
      db.close();
    }
  });
});
