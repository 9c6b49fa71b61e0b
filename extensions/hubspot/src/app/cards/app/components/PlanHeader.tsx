/** The plan at a glance: progress, health, phase, next step, projected close against the target, slip. */
import {
  DescriptionList,
  DescriptionListItem,
  Flex,
  Heading,
  ProgressBar,
  StatusTag,
  Tag,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import type { Health, Plan, Projection } from '../contract.js';
import { formatDate, HEALTH_LABELS, HEALTH_VARIANTS, NEXT_MOVE_LABELS, plural } from '../format.js';

const PROGRESS_VARIANTS: Partial<Record<Health, 'success' | 'warning' | 'danger'>> = {
  on_track: 'success',
  complete: 'success',
  at_risk: 'warning',
  off_track: 'danger',
};

export function PlanHeader({ plan, projection }: { plan: Plan; projection: Projection }) {
  const variant = PROGRESS_VARIANTS[projection.health];
  return (
    <Tile compact>
      <Flex direction="column" gap="sm">
        <Flex justify="between" align="center" wrap>
          <Heading>{plan.title === '' ? 'Where the plan stands' : plan.title}</Heading>
          <StatusTag testId="health-tag" variant={HEALTH_VARIANTS[projection.health]}>
            {HEALTH_LABELS[projection.health]}
          </StatusTag>
        </Flex>
        <ProgressBar
          testId="plan-progress"
          title="Plan progress"
          value={projection.progress}
          maxValue={100}
          showPercentage
          valueDescription={`${projection.milestonesDone} of ${plural(projection.milestonesTotal, 'milestone')} done`}
          {...(variant === undefined ? {} : { variant })}
        />
        <DescriptionList direction="row">
          <DescriptionListItem label="Current phase">
            <Text testId="current-phase">{projection.phase ?? '—'}</Text>
          </DescriptionListItem>
          <DescriptionListItem label="Next step">
            <Text testId="next-step">
              {projection.nextStep === null
                ? 'Nothing open can start now'
                : `${projection.nextStep} · due ${formatDate(projection.nextStepDue)}`}
            </Text>
            {projection.nextStepOwnerSide === null ? null : (
              <Tag testId="next-step-owner" variant="info">
                {NEXT_MOVE_LABELS[projection.nextStepOwnerSide]}
              </Tag>
            )}
          </DescriptionListItem>
          <DescriptionListItem label="Projected close">
            <Text testId="projected-close">
              {`${formatDate(projection.projectedCloseDate)} · target ${formatDate(plan.targetCloseDate)}`}
            </Text>
          </DescriptionListItem>
          <DescriptionListItem label="Slip">
            <Text testId="slip">
              {projection.slipDays === 0 ? 'On schedule' : `${plural(projection.slipDays, 'day')} late`}
            </Text>
          </DescriptionListItem>
          <DescriptionListItem label="Overdue">
            <Text testId="overdue">
              {projection.overdueCount === 0
                ? 'None'
                : `${plural(projection.overdueCount, 'milestone')} (${projection.buyerOverdueCount} on the buyer side)`}
            </Text>
          </DescriptionListItem>
        </DescriptionList>
      </Flex>
    </Tile>
  );
}
