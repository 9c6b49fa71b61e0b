/**
 * The deal card: loads the deal's plan through the injected backend and shows either the empty state
 * (create from a template) or the plan. Host hooks give the deal id, the portal's time zone and the actions.
 */
import {
  Accordion,
  Alert,
  ErrorState,
  Flex,
  LoadingButton,
  LoadingSpinner,
  Text,
  useExtensionActions,
  useExtensionContext,
} from '@hubspot/ui-extensions';
import { describeError, type MapBackend } from './backend.js';
import { ActivityLog } from './components/ActivityLog.js';
import { ConflictNotice } from './components/ConflictNotice.js';
import { EmptyPlan } from './components/EmptyPlan.js';
import { Goals } from './components/Goals.js';
import { Milestones } from './components/Milestones.js';
import { PlanHeader } from './components/PlanHeader.js';
import { Risks } from './components/Risks.js';
import { Stakeholders } from './components/Stakeholders.js';
import { ValueSummary } from './components/ValueSummary.js';
import { todayIn } from './format.js';
import { usePlan } from './use-plan.js';

export interface MapCardProps {
  readonly backend: MapBackend;
  /** The rep's calendar day (YYYY-MM-DD); the portal's today when absent. Tests pin it. */
  readonly today?: string;
}

export function MapCard({ backend, today }: MapCardProps) {
  const context = useExtensionContext<'crm.record.tab'>();
  const actions = useExtensionActions<'crm.record.tab'>();
  const dealId = String(context.crm.objectId);
  const day = today ?? todayIn(context.portal.timezone, Date.now());
  const controller = usePlan(backend, dealId, actions);
  const { state, conflict } = controller;

  if (state.phase === 'loading') {
    return <LoadingSpinner testId="plan-loading" label="Loading the mutual action plan" layout="centered" />;
  }
  if (state.phase === 'failed') {
    return (
      <ErrorState testId="plan-error" title="The mutual action plan could not be loaded">
        <Text>{describeError(state.error)}</Text>
        <LoadingButton
          testId="plan-retry"
          loading={controller.busy === 'reload'}
          onClick={() => void controller.reload()}
        >
          Try again
        </LoadingButton>
      </ErrorState>
    );
  }
  const { plan, projection, repairNotice } = state.response;
  const notice = (
    <>
      {conflict === null ? null : (
        <ConflictNotice
          conflict={conflict}
          reloading={controller.busy === 'reload'}
          onReload={() => void controller.reload()}
        />
      )}
      {repairNotice === undefined ? null : (
        <Alert testId="repair-alert" variant="warning" title="Part of this plan could not be read">
          {repairNotice}
        </Alert>
      )}
    </>
  );
  if (plan.milestones.length === 0) {
    return (
      <Flex direction="column" gap="md">
        {notice}
        <EmptyPlan backend={backend} controller={controller} today={day} />
      </Flex>
    );
  }
  return (
    <Flex direction="column" gap="md">
      {notice}
      <PlanHeader plan={plan} projection={projection} />
      <Milestones plan={plan} controller={controller} today={day} />
      <Accordion testId="value-summary-section" title="Value summary" defaultOpen size="sm">
        <ValueSummary saved={plan.valueSummary} controller={controller} />
      </Accordion>
      <Accordion testId="stakeholders-section" title={`Stakeholders (${plan.stakeholders.length})`} size="sm">
        <Stakeholders plan={plan} controller={controller} />
      </Accordion>
      <Accordion testId="goals-section" title="Goals and success criteria" size="sm">
        <Goals plan={plan} controller={controller} />
      </Accordion>
      <Accordion testId="risks-section" title={`Risks (${plan.risks.length})`} size="sm">
        <Risks plan={plan} controller={controller} />
      </Accordion>
      <Accordion testId="activity-section" title="Recent activity" size="sm">
        <ActivityLog activity={plan.activity} />
      </Accordion>
    </Flex>
  );
}
