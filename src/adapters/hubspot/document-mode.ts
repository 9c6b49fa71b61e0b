/**
 * Document mode, for portals without custom objects: the milestones are in the deal's `map_plan` document
 * with the rest of the header. A load is the deal read alone; a save is the deal PATCH alone.
 */
import { err, ok } from '../../domain/result.js';
import { NO_RECORDS, notSaved, tooLarge, type StorageMode } from './storage-mode.js';
import { fitHeader, type DocumentHeader } from './stored-plan.js';

export const documentMode: StorageMode<DocumentHeader> = {
  readForLoad: () => Promise.resolve(ok(NO_RECORDS)),
  loadMilestones: (_deal, header) => ({ milestones: header.milestones, problems: [] }),
  committedMilestones: (_deal, header) => header.milestones,
  readForSave: () => Promise.resolve(ok(NO_RECORDS.records)),

  async save({ plan, common, commit }) {
    const fitted = fitHeader<DocumentHeader>({ ...common, storage: 'document', milestones: plan.milestones });
    if (!fitted.ok) return err(tooLarge(fitted));
    const committed = await commit(fitted.serialised);
    if (!committed.ok) return err(notSaved(committed.error));
    return ok(fitted.header);
  },
};
