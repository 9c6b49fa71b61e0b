/**
 * The milestones panel: the list (reorder, remove after a confirmation in the row, open in the form) and
 * the form that adds or edits a milestone. One primary button, at the bottom.
 */
import {
  Button,
  Flex,
  LoadingButton,
  Panel,
  PanelBody,
  PanelFooter,
  PanelSection,
  useExtensionActions,
} from '@hubspot/ui-extensions';
import type { Plan } from '../contract.js';
import type { PlanController } from '../use-plan.js';
import { MilestoneForm } from './MilestoneForm.js';
import { PanelMilestoneList } from './PanelMilestoneList.js';
import { useMilestoneForm } from './use-milestone-form.js';

export const MILESTONE_PANEL_ID = 'map-milestone-panel';

export function MilestonePanel({ plan, controller }: { plan: Plan; controller: PlanController }) {
  const actions = useExtensionActions<'crm.record.tab'>();
  const ordered = [...plan.milestones].sort((a, b) => a.order - b.order);
  const form = useMilestoneForm(ordered, controller);
  const { editing } = form;
  const idle = controller.busy === null;

  return (
    <Panel id={MILESTONE_PANEL_ID} title="Manage milestones" width="md" testId="milestone-panel">
      <PanelBody>
        <PanelSection>
          <PanelMilestoneList ordered={ordered} controller={controller} onEdit={form.startEdit} />
        </PanelSection>
        <PanelSection>
          <MilestoneForm plan={plan} form={form} />
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
              onClick={() => form.startEdit(undefined)}
            >
              Cancel edit
            </Button>
          ) : null}
          <LoadingButton
            testId="milestone-form-save"
            variant="primary"
            loading={controller.busy === 'milestone-form'}
            disabled={!idle}
            onClick={() => void form.submit()}
          >
            {editing ? 'Save milestone' : 'Add milestone'}
          </LoadingButton>
        </Flex>
      </PanelFooter>
    </Panel>
  );
}
