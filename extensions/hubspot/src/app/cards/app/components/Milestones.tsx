/**
 * Milestones grouped by phase: title, owners on both sides, due date with a slip badge against the first
 * agreed date, and a status that changes right in the row. Dates move through MoveDateForm (with a reason);
 * adding, editing, removing and reordering happen in the Manage milestones panel.
 */
import {
  Button,
  Flex,
  Heading,
  LoadingSpinner,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { useState } from 'react';
import {
  daysBetween,
  MILESTONE_STATUSES,
  type Milestone,
  type MilestoneStatus,
  type Plan,
} from '../contract.js';
import { formatDate, ownerName, STATUS_LABELS } from '../format.js';
import type { PlanController } from '../use-plan.js';
import { MilestonePanel, MILESTONE_PANEL_ID } from './MilestonePanel.js';
import { MoveDateForm } from './MoveDateForm.js';

const NO_PHASE = 'No phase';

/** Phases in plan order (the order of their first milestone), each with its milestones in order. */
export function groupByPhase(milestones: readonly Milestone[]): { phase: string; milestones: Milestone[] }[] {
  const groups = new Map<string, Milestone[]>();
  for (const m of [...milestones].sort((a, b) => a.order - b.order)) {
    const phase = m.phase.trim() === '' ? NO_PHASE : m.phase;
    groups.set(phase, [...(groups.get(phase) ?? []), m]);
  }
  return [...groups].map(([phase, ms]) => ({ phase, milestones: ms }));
}

const isOpen = (m: Milestone): boolean => m.status !== 'done' && m.status !== 'skipped';

function DueCell({ milestone, today }: { milestone: Milestone; today: string }) {
  const slip = daysBetween(milestone.baselineDueDate, milestone.dueDate);
  return (
    <Flex direction="column" gap="flush">
      <Text>{formatDate(milestone.dueDate)}</Text>
      <Flex gap="xs" wrap>
        {slip > 0 ? (
          <Tag testId={`slip-${milestone.id}`} variant="warning">{`+${slip} d vs. agreed`}</Tag>
        ) : slip < 0 ? (
          <Tag testId={`slip-${milestone.id}`} variant="success">{`${slip} d vs. agreed`}</Tag>
        ) : null}
        {isOpen(milestone) && milestone.dueDate < today ? (
          <Tag testId={`overdue-${milestone.id}`} variant="error">
            Overdue
          </Tag>
        ) : null}
      </Flex>
    </Flex>
  );
}

function MilestoneRow({
  plan,
  milestone,
  controller,
  today,
  onMove,
}: {
  plan: Plan;
  milestone: Milestone;
  controller: PlanController;
  today: string;
  onMove: () => void;
}) {
  const statusKey = `status:${milestone.id}`;
  const changeStatus = (value: string | number | boolean): void => {
    const status: MilestoneStatus | undefined = MILESTONE_STATUSES.find((s) => s === value);
    if (status === undefined || status === milestone.status) return;
    void controller.updateMilestone(
      statusKey,
      {
        verb: 'change the status',
        done: `“${milestone.title}” is now ${STATUS_LABELS[status].toLowerCase()}.`,
      },
      { milestoneId: milestone.id, status },
    );
  };
  return (
    <TableRow>
      <TableCell>
        <Flex direction="column" gap="flush">
          <Text format={{ fontWeight: 'demibold' }}>{milestone.title}</Text>
          <Flex gap="xs" wrap>
            {/* Shared is the default and needs no mark on every row; only internal steps are flagged. */}
            {milestone.visibility === 'internal' ? (
              <Tag testId={`visibility-${milestone.id}`} variant="warning">
                Internal: hidden from the buyer
              </Tag>
            ) : null}
            {milestone.isClose ? <Tag variant="success">Close</Tag> : null}
          </Flex>
        </Flex>
      </TableCell>
      <TableCell>
        <Text variant="microcopy">{`Ours: ${ownerName(plan, milestone.sellerOwnerId)}`}</Text>
        <Text variant="microcopy">{`Buyer: ${ownerName(plan, milestone.buyerOwnerId)}`}</Text>
      </TableCell>
      <TableCell>
        <DueCell milestone={milestone} today={today} />
        <Button
          testId={`move-date-${milestone.id}`}
          size="xs"
          variant="transparent"
          disabled={controller.busy !== null}
          onClick={onMove}
        >
          Move date
        </Button>
      </TableCell>
      <TableCell>
        <Flex gap="xs" align="center">
          <Select
            testId={`status-${milestone.id}`}
            name={`status-${milestone.id}`}
            variant="transparent"
            value={milestone.status}
            readOnly={controller.busy !== null}
            options={MILESTONE_STATUSES.map((s) => ({ label: STATUS_LABELS[s], value: s }))}
            onChange={changeStatus}
          />
          {controller.busy === statusKey ? (
            <LoadingSpinner testId={`status-saving-${milestone.id}`} size="xs" label="Saving" />
          ) : null}
        </Flex>
      </TableCell>
    </TableRow>
  );
}

export function Milestones({
  plan,
  controller,
  today,
}: {
  plan: Plan;
  controller: PlanController;
  today: string;
}) {
  const [movingId, setMovingId] = useState<string | null>(null);
  const moving = plan.milestones.find((m) => m.id === movingId);
  return (
    <Flex direction="column" gap="sm">
      <Flex justify="between" align="center" wrap>
        <Heading>Milestones</Heading>
        <Button
          testId="manage-milestones"
          variant="primary"
          size="sm"
          overlay={<MilestonePanel plan={plan} controller={controller} />}
        >
          Manage milestones
        </Button>
      </Flex>
      {moving === undefined ? null : (
        <MoveDateForm
          key={moving.id}
          milestone={moving}
          controller={controller}
          onDone={() => setMovingId(null)}
        />
      )}
      {groupByPhase(plan.milestones).map((group) => (
        <Flex key={group.phase} direction="column" gap="xs">
          <Text format={{ fontWeight: 'demibold' }}>{group.phase}</Text>
          <Table testId={`phase-${group.phase}`} density="condensed">
            <TableHead>
              <TableRow>
                <TableHeader>Milestone</TableHeader>
                <TableHeader>Owners</TableHeader>
                <TableHeader>Due</TableHeader>
                <TableHeader>Status</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {group.milestones.map((m) => (
                <MilestoneRow
                  key={m.id}
                  plan={plan}
                  milestone={m}
                  controller={controller}
                  today={today}
                  onMove={() => setMovingId(m.id)}
                />
              ))}
            </TableBody>
          </Table>
        </Flex>
      ))}
    </Flex>
  );
}

export { MILESTONE_PANEL_ID };
