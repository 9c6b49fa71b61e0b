/** The milestones panel: add, edit, remove and reorder. One primary button, at the bottom. */
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
  Text,
  TextArea,
  useExtensionActions,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Milestone, Plan, Side, Visibility } from '../contract.js';
import { formatDate, fromPicker, type PickerDate } from '../format.js';
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
    { label: 'Nobody yet', value: '' },
    ...plan.stakeholders.filter((s) => s.side === side).map((s) => ({ label: s.name, value: s.id })),
  ];
}

export function MilestonePanel({ plan, controller }: { plan: Plan; controller: PlanController }) {
  const actions = useExtensionActions<'crm.record.tab'>();
  const [editingId, setEditingId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [tried, setTried] = useState(false);
  const ordered = [...plan.milestones].sort((a, b) => a.order - b.order);
  const editing = ordered.find((m) => m.id === editingId);
  const idle = controller.busy === null;
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));

  const startEdit = (m: Milestone | undefined): void => {
    setEditingId(m?.id ?? null);
    setDraft(m === undefined ? EMPTY : draftOf(m));
    setTried(false);
  };

  const move = (index: number, by: -1 | 1): void => {
    const ids = ordered.map((m) => m.id);
    const [moved] = ids.splice(index, 1);
    if (moved === undefined) return;
    ids.splice(index + by, 0, moved);
    void controller.saveEdits('reorder', { verb: 'reorder the milestones', done: 'Milestones reordered.' }, [
      { edit: 'reorderMilestones', input: { milestoneIds: ids } },
    ]);
  };

  const submit = async (): Promise<void> => {
    setTried(true);
    if (draft.title.trim() === '' || (editing === undefined && draft.dueDate === null)) return;
    const text = editing
      ? { verb: 'save the milestone', done: `“${draft.title}” saved.` }
      : { verb: 'add the milestone', done: `“${draft.title}” added.` };
    const saved = editing
      ? await controller.saveEdits('milestone-form', text, [
          { edit: 'updateMilestone', input: { milestoneId: editing.id, patch: patchOf(editing, draft) } },
        ])
      : await controller.saveEdits('milestone-form', text, [
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
        ]);
    if (saved) startEdit(undefined);
  };

  return (
    <Panel id={MILESTONE_PANEL_ID} title="Manage milestones" width="md" testId="milestone-panel">
      <PanelBody>
        <PanelSection>
          <List variant="ordered" testId="panel-milestones">
            {ordered.map((m, i) => (
              <Flex key={m.id} direction="column" gap="flush">
                <Text format={{ fontWeight: 'demibold' }}>{m.title}</Text>
                <Text variant="microcopy">
                  {`${m.phase === '' ? 'No phase' : m.phase} · due ${formatDate(m.dueDate)} · ${m.visibility === 'internal' ? 'internal' : 'shared'}`}
                </Text>
                <Flex gap="xs" wrap>
                  <Button
                    testId={`up-${m.id}`}
                    size="xs"
                    disabled={!idle || i === 0}
                    onClick={() => move(i, -1)}
                  >
                    Move up
                  </Button>
                  <Button
                    testId={`down-${m.id}`}
                    size="xs"
                    disabled={!idle || i === ordered.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    Move down
                  </Button>
                  <Button testId={`edit-${m.id}`} size="xs" disabled={!idle} onClick={() => startEdit(m)}>
                    Edit
                  </Button>
                  <LoadingButton
                    testId={`remove-${m.id}`}
                    size="xs"
                    variant="destructive"
                    loading={controller.busy === `remove:${m.id}`}
                    disabled={!idle}
                    onClick={() => {
                      void controller.saveEdits(
                        `remove:${m.id}`,
                        { verb: 'remove the milestone', done: `“${m.title}” removed.` },
                        [{ edit: 'removeMilestone', input: { milestoneId: m.id } }],
                      );
                    }}
                  >
                    Remove
                  </LoadingButton>
                </Flex>
              </Flex>
            ))}
          </List>
        </PanelSection>
        <PanelSection>
          <Flex direction="column" gap="xs">
            <Text format={{ fontWeight: 'demibold' }}>
              {editing ? `Edit “${editing.title}”` : 'Add a milestone'}
            </Text>
            <Input
              testId="milestone-title"
              label="Title"
              name="title"
              required
              value={draft.title}
              error={tried && draft.title.trim() === ''}
              validationMessage={tried && draft.title.trim() === '' ? 'Give the milestone a title.' : ''}
              onChange={set('title')}
            />
            <Input
              testId="milestone-phase"
              label="Phase"
              name="phase"
              description="In the buyer’s words, such as “Validate the solution”."
              value={draft.phase}
              onChange={set('phase')}
            />
            {editing ? (
              <Text variant="microcopy">
                {`Due ${formatDate(editing.dueDate)}. Move the date from the milestone’s row: a move needs a reason.`}
              </Text>
            ) : (
              <DateInput
                testId="milestone-due"
                label="Due date"
                name="dueDate"
                required
                format="medium"
                error={tried && draft.dueDate === null}
                validationMessage={tried && draft.dueDate === null ? 'Choose a due date.' : ''}
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
            />
            <TextArea
              testId="milestone-success-criteria"
              label="Success criteria"
              name="successCriteria"
              description="How both sides will know this milestone is done."
              rows={2}
              value={draft.successCriteria}
              onChange={set('successCriteria')}
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
        <Flex gap="xs" justify="end">
          <Button
            testId="milestone-panel-close"
            variant="secondary"
            onClick={() => actions.closeOverlay(MILESTONE_PANEL_ID)}
          >
            Close
          </Button>
          {editing ? (
            <Button testId="milestone-form-cancel" variant="secondary" onClick={() => startEdit(undefined)}>
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
