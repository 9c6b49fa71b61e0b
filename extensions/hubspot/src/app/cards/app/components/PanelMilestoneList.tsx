/**
 * The milestone panel's list, in plan order: each milestone with its visibility and due date, moved up or
 * down, opened in the form, or removed after a confirmation in its row.
 */
import { Button, Flex, List, LoadingButton, Tag, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Milestone } from '../contract.js';
import { formatDate } from '../format.js';
import type { PlanController } from '../use-plan.js';

function PanelMilestoneRow({
  m,
  first,
  last,
  controller,
  confirming,
  onMove,
  onEdit,
  onConfirm,
  onRemove,
}: {
  m: Milestone;
  first: boolean;
  last: boolean;
  controller: PlanController;
  /** The rep asked to remove it: the row asks to confirm. */
  confirming: boolean;
  onMove: (by: -1 | 1) => void;
  onEdit: () => void;
  /** Asks to confirm the removal (true), or cancels it (false). */
  onConfirm: (confirming: boolean) => void;
  onRemove: () => void;
}) {
  const idle = controller.busy === null;
  const removing = controller.busy === `remove:${m.id}`;
  return (
    <Flex direction="column" gap="flush">
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
      {confirming ? (
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
            onClick={onRemove}
          >
            Remove
          </LoadingButton>
          <Button
            testId={`remove-cancel-${m.id}`}
            size="xs"
            variant="transparent"
            disabled={removing}
            onClick={() => onConfirm(false)}
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
            disabled={!idle || first}
            onClick={() => onMove(-1)}
          >
            Move up
          </LoadingButton>
          <LoadingButton
            testId={`down-${m.id}`}
            size="xs"
            loading={controller.busy === `reorder:${m.id}:down`}
            disabled={!idle || last}
            onClick={() => onMove(1)}
          >
            Move down
          </LoadingButton>
          <Button testId={`edit-${m.id}`} size="xs" disabled={!idle} onClick={onEdit}>
            Edit
          </Button>
          <Button
            testId={`remove-${m.id}`}
            size="xs"
            variant="transparent"
            disabled={!idle}
            onClick={() => onConfirm(true)}
          >
            Remove
          </Button>
        </Flex>
      )}
    </Flex>
  );
}

export function PanelMilestoneList({
  ordered,
  controller,
  onEdit,
}: {
  /** The plan's milestones, in order. */
  ordered: readonly Milestone[];
  controller: PlanController;
  onEdit: (m: Milestone) => void;
}) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);

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

  return (
    <List variant="ordered" testId="panel-milestones">
      {ordered.map((m, i) => (
        <PanelMilestoneRow
          key={m.id}
          m={m}
          first={i === 0}
          last={i === ordered.length - 1}
          controller={controller}
          confirming={confirmingId === m.id}
          onMove={(by) => move(m, i, by)}
          onEdit={() => onEdit(m)}
          onConfirm={(confirming) => setConfirmingId(confirming ? m.id : null)}
          onRemove={() => void remove(m)}
        />
      ))}
    </List>
  );
}
