/**
 * The state of the milestone panel's form: adding a milestone, or editing one (only the fields that changed
 * are sent). After a save, a cancel or the edited milestone leaving the plan, it goes back to adding.
 */
import { useEffect, useState } from 'react';
import type { Milestone, Visibility } from '../contract.js';
import type { PlanController } from '../use-plan.js';

export interface Draft {
  title: string;
  phase: string;
  description: string;
  sellerOwnerId: string;
  buyerOwnerId: string;
  visibility: Visibility;
  successCriteria: string;
  isClose: boolean;
  dueDate: string | null;
}

const EMPTY: Draft = {
  title: '',
  phase: '',
  description: '',
  sellerOwnerId: '',
  buyerOwnerId: '',
  visibility: 'shared',
  successCriteria: '',
  isClose: false,
  dueDate: null,
};

const draftOf = (m: Milestone): Draft => ({
  title: m.title,
  phase: m.phase,
  description: m.description,
  sellerOwnerId: m.sellerOwnerId ?? '',
  buyerOwnerId: m.buyerOwnerId ?? '',
  visibility: m.visibility,
  successCriteria: m.successCriteria,
  isClose: m.isClose,
  dueDate: m.dueDate,
});

const orNull = (id: string): string | null => (id === '' ? null : id);

/** The fields of `draft` that differ from `m`, as an updateMilestone patch. */
function patchOf(m: Milestone, draft: Draft) {
  const before = draftOf(m);
  return {
    ...(draft.title !== before.title ? { title: draft.title } : {}),
    ...(draft.phase !== before.phase ? { phase: draft.phase } : {}),
    ...(draft.description !== before.description ? { description: draft.description } : {}),
    ...(draft.sellerOwnerId !== before.sellerOwnerId ? { sellerOwnerId: orNull(draft.sellerOwnerId) } : {}),
    ...(draft.buyerOwnerId !== before.buyerOwnerId ? { buyerOwnerId: orNull(draft.buyerOwnerId) } : {}),
    ...(draft.visibility !== before.visibility ? { visibility: draft.visibility } : {}),
    ...(draft.successCriteria !== before.successCriteria ? { successCriteria: draft.successCriteria } : {}),
    ...(draft.isClose !== before.isClose ? { isClose: draft.isClose } : {}),
  };
}

export interface MilestoneForm {
  /** The milestone being edited; undefined while adding. */
  readonly editing: Milestone | undefined;
  readonly draft: Draft;
  /** Tried to save without a title / (adding) without a due date. */
  readonly titleMissing: boolean;
  readonly dueMissing: boolean;
  /** Changes when the form starts over: a date picker cannot be emptied through its value, a new key can. */
  readonly formKey: number;
  readonly set: <K extends keyof Draft>(key: K) => (value: Draft[K]) => void;
  /** Edits `m`, or goes back to adding (undefined). */
  readonly startEdit: (m: Milestone | undefined) => void;
  readonly submit: () => Promise<void>;
}

export function useMilestoneForm(ordered: readonly Milestone[], controller: PlanController): MilestoneForm {
  const [editingId, setEditingId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [tried, setTried] = useState(false);
  // A date picker cannot be emptied through its value: a new key gives the next milestone a fresh one.
  const [formKey, setFormKey] = useState(0);
  const editing = ordered.find((m) => m.id === editingId);
  const titleMissing = tried && draft.title.trim() === '';
  const dueMissing = tried && editing === undefined && draft.dueDate === null;
  // The milestone being edited left the plan (removed here or in a reload): the form must not keep its
  // values, or "Add milestone" would bring it back as a copy.
  const editedGone = editingId !== null && editing === undefined;
  useEffect(() => {
    if (editedGone) {
      setEditingId(null);
      setDraft(EMPTY);
      setTried(false);
      setFormKey((k) => k + 1);
    }
  }, [editedGone]);
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));

  const startEdit = (m: Milestone | undefined): void => {
    setEditingId(m?.id ?? null);
    setDraft(m === undefined ? EMPTY : draftOf(m));
    setTried(false);
    setFormKey((k) => k + 1);
  };

  const submit = async (): Promise<void> => {
    setTried(true);
    if (draft.title.trim() === '' || (editing === undefined && draft.dueDate === null)) return;
    if (editing) {
      const patch = patchOf(editing, draft);
      // Nothing changed: there is nothing to save, so the form simply goes back to adding.
      if (Object.keys(patch).length === 0) {
        startEdit(undefined);
        return;
      }
      const saved = await controller.saveEdits(
        'milestone-form',
        { verb: 'save the milestone', done: `“${draft.title.trim()}” saved.` },
        [{ edit: 'updateMilestone', input: { milestoneId: editing.id, patch } }],
      );
      if (saved) startEdit(undefined);
      return;
    }
    const saved = await controller.saveEdits(
      'milestone-form',
      { verb: 'add the milestone', done: `“${draft.title.trim()}” added.` },
      [
        {
          edit: 'addMilestone',
          input: {
            title: draft.title,
            phase: draft.phase,
            description: draft.description,
            sellerOwnerId: orNull(draft.sellerOwnerId),
            buyerOwnerId: orNull(draft.buyerOwnerId),
            visibility: draft.visibility,
            successCriteria: draft.successCriteria,
            dueDate: draft.dueDate ?? '',
            ...(draft.isClose ? { isClose: true } : {}),
          },
        },
      ],
    );
    if (saved) startEdit(undefined);
  };

  return { editing, draft, titleMissing, dueMissing, formKey, set, startEdit, submit };
}
