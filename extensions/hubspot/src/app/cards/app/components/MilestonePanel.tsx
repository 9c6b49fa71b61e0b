/**
 * The milestones panel: add, edit, remove (after a confirmation in the row) and reorder. One primary button,
 * at the bottom.
 */
import {
  Button,
  Checkbox,
  DateInput,
  Flex,
  Input,
  List,
  LoadingButton,
  Panel,
  PanelBody,
  PanelFooter,
  PanelSection,
  Select,
  Tag,
  Text,
  TextArea,
  useExtensionActions,
} from '@hubspot/ui-extensions';
import { useEffect, useState } from 'react';
import type { Milestone, Plan, Side, Visibility } from '../contract.js';
import { formatDate, fromPicker, toPicker, type PickerDate } from '../format.js';
import type { PlanController } from '../use-plan.js';

export const MILESTONE_PANEL_ID = 'map-milestone-panel';

interface Draft {
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

function ownerOptions(plan: Plan, side: Side) {
  return [
    { label: 'No owner yet', value: '' },
    ...plan.stakeholders.filter((s) => s.side === side).map((s) => ({ label: s.name, value: s.id })),
  ];
}

export function MilestonePanel({ plan, controller }: { plan: Plan; controller: PlanController }) {
  const actions = useExtensionActions<'crm.record.tab'>();
  const [editingId, setEditingId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [tried, setTried] = useState(false);
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  // A date picker cannot be emptied through its value: a new key gives the next milestone a fresh one.
  const [formKey, setFormKey] = useState(0);
  const ordered = [...plan.milestones].sort((a, b) => a.order - b.order);
  const editing = ordered.find((m) => m.id === editingId);
  const idle = controller.busy === null;
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

  const move = (m: Milestone, index: number, by: -1 | 1): void => {
    const ids = ordered.map((x) => x.id);
    ids.splice(index, 1);
    ids.splice(index + by, 0, m.id);
    const direction = by < 0 ? 'up' : 'down';
    void controller.saveEdits(
      `reorder:${m.id}:${direction}`,
      { verb: `move “${m.title}”`, done: `“${m.title}” moved ${direction}.` },
      [{ edit: 'reorderMilestones', input: { milestoneIds: ids } }],
    );
  };

  const remove = async (m: Milestone): Promise<void> => {
    await controller.saveEdits(
      `remove:${m.id}`,
      { verb: `remove “${m.title}”`, done: `“${m.title}” removed.` },
      [{ edit: 'removeMilestone', input: { milestoneId: m.id } }],
    );
    // Answered either way: removed, or the alert says why not (for example, it is the close milestone).
    setConfirmingId(null);
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

  return (
    <Panel id={MILESTONE_PANEL_ID} title="Manage milestones" width="md" testId="milestone-panel">
      <PanelBody>
        <PanelSection>
          <List variant="ordered" testId="panel-milestones">
            {ordered.map((m, i) => {
              const removing = controller.busy === `remove:${m.id}`;
              return (
                <Flex key={m.id} direction="column" gap="flush">
                  <Flex gap="xs" align="center" wrap>
                    <Text inline testId={`panel-title-${m.id}`} format={{ fontWeight: 'demibold' }}>
                      {m.title}
                    </Text>
                    {m.visibility === 'internal' ? (
                      <Tag testId={`panel-visibility-${m.id}`} variant="warning">
                        Internal
                      </Tag>
                    ) : (
                      <Tag testId={`panel-visibility-${m.id}`} variant="info">
                        Shared with the buyer
                      </Tag>
                    )}
                  </Flex>
                  <Text testId={`panel-details-${m.id}`} variant="microcopy">
                    {`${m.phase.trim() === '' ? 'No phase' : m.phase} · due ${formatDate(m.dueDate)}`}
                  </Text>
                  {confirmingId === m.id ? (
                    <Flex gap="xs" align="center" wrap>
                      <Text inline testId={`remove-confirm-text-${m.id}`}>
                        {`Remove “${m.title}” from the plan? Its history stays in the activity log.`}
                      </Text>
                      <LoadingButton
                        testId={`remove-confirm-${m.id}`}
                        size="xs"
                        variant="destructive"
                        loading={removing}
                        disabled={!idle && !removing}
                        onClick={() => void remove(m)}
                      >
                        Remove
                      </LoadingButton>
                      <Button
                        testId={`remove-cancel-${m.id}`}
                        size="xs"
                        variant="transparent"
                        disabled={removing}
                        onClick={() => setConfirmingId(null)}
                      >
                        Cancel
                      </Button>
                    </Flex>
                  ) : (
                    <Flex gap="xs" wrap>
                      <LoadingButton
                        testId={`up-${m.id}`}
                        size="xs"
                        loading={controller.busy === `reorder:${m.id}:up`}
                        disabled={!idle || i === 0}
                        onClick={() => move(m, i, -1)}
                      >
                        Move up
                      </LoadingButton>
                      <LoadingButton
                        testId={`down-${m.id}`}
                        size="xs"
                        loading={controller.busy === `reorder:${m.id}:down`}
                        disabled={!idle || i === ordered.length - 1}
                        onClick={() => move(m, i, 1)}
                      >
                        Move down
                      </LoadingButton>
                      <Button testId={`edit-${m.id}`} size="xs" disabled={!idle} onClick={() => startEdit(m)}>
                        Edit
                      </Button>
                      <Button
                        testId={`remove-${m.id}`}
                        size="xs"
                        variant="transparent"
                        disabled={!idle}
                        onClick={() => setConfirmingId(m.id)}
                      >
                        Remove
                      </Button>
                    </Flex>
                  )}
                </Flex>
              );
            })}
          </List>
        </PanelSection>
        <PanelSection>
          <Flex direction="column" gap="xs">
            <Text testId="milestone-form-heading" format={{ fontWeight: 'demibold' }}>
              {editing ? `Edit “${editing.title}”` : 'Add a milestone'}
            </Text>
            <Input
              testId="milestone-title"
              label="Title"
              name="title"
              required
              value={draft.title}
              error={titleMissing}
              validationMessage={titleMissing ? 'Give the milestone a title.' : ''}
              onChange={set('title')}
              onInput={set('title')}
            />
            <Input
              testId="milestone-phase"
              label="Phase"
              name="phase"
              description="In the buyer’s words, such as “Validate the solution”."
              value={draft.phase}
              onChange={set('phase')}
              onInput={set('phase')}
            />
            {editing ? (
              <Text testId="milestone-due-note" variant="microcopy">
                {`Due ${formatDate(editing.dueDate)}. To change the date, use Move date in the milestone’s row: it asks for a reason.`}
              </Text>
            ) : (
              <DateInput
                key={formKey}
                testId="milestone-due"
                label="Due date"
                name="dueDate"
                required
                format="medium"
                {...(draft.dueDate === null ? {} : { value: toPicker(draft.dueDate) })}
                error={dueMissing}
                validationMessage={dueMissing ? 'Choose a due date.' : ''}
                onChange={(v: PickerDate | null) => set('dueDate')(fromPicker(v))}
              />
            )}
            <Select
              testId="milestone-seller-owner"
              label="Owner on our side"
              name="sellerOwnerId"
              value={draft.sellerOwnerId}
              options={ownerOptions(plan, 'seller')}
              onChange={(v) => set('sellerOwnerId')(String(v))}
            />
            <Select
              testId="milestone-buyer-owner"
              label="Owner on the buyer side"
              name="buyerOwnerId"
              value={draft.buyerOwnerId}
              options={ownerOptions(plan, 'buyer')}
              onChange={(v) => set('buyerOwnerId')(String(v))}
            />
            <Select
              testId="milestone-visibility"
              label="Visibility"
              name="visibility"
              description="Internal milestones are for your team only; the buyer never sees them."
              value={draft.visibility}
              options={[
                { label: 'Shared with the buyer', value: 'shared' },
                { label: 'Internal', value: 'internal' },
              ]}
              onChange={(v) => set('visibility')(v === 'internal' ? 'internal' : 'shared')}
            />
            <TextArea
              testId="milestone-description"
              label="Description"
              name="description"
              rows={2}
              value={draft.description}
              onChange={set('description')}
              onInput={set('description')}
            />
            <TextArea
              testId="milestone-success-criteria"
              label="Success criteria"
              name="successCriteria"
              description="How both sides will know this milestone is done."
              rows={2}
              value={draft.successCriteria}
              onChange={set('successCriteria')}
              onInput={set('successCriteria')}
            />
            <Checkbox
              testId="milestone-is-close"
              name="isClose"
              checked={draft.isClose}
              onChange={(checked: boolean) => set('isClose')(checked)}
            >
              This is the close milestone (signature)
            </Checkbox>
          </Flex>
        </PanelSection>
      </PanelBody>
      <PanelFooter>
        <Flex gap="xs" justify="end" wrap>
          <Button
            testId="milestone-panel-close"
            variant="secondary"
            onClick={() => actions.closeOverlay(MILESTONE_PANEL_ID)}
          >
            Close
          </Button>
          {editing ? (
            <Button
              testId="milestone-form-cancel"
              variant="secondary"
              disabled={controller.busy === 'milestone-form'}
              onClick={() => startEdit(undefined)}
            >
              Cancel edit
            </Button>
          ) : null}
          <LoadingButton
            testId="milestone-form-save"
            variant="primary"
            loading={controller.busy === 'milestone-form'}
            disabled={!idle}
            onClick={() => void submit()}
          >
            {editing ? 'Save milestone' : 'Add milestone'}
          </LoadingButton>
        </Flex>
      </PanelFooter>
    </Panel>
  );
}
