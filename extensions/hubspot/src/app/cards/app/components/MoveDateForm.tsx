/** Moving a due date asks why: the reason goes into the activity log both sides see. */
import { Button, DateInput, Flex, LoadingButton, Text, TextArea, Tile } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Milestone } from '../contract.js';
import { formatDate, fromPicker, toPicker, type PickerDate } from '../format.js';
import type { PlanController } from '../use-plan.js';

export function MoveDateForm({
  milestone,
  controller,
  onDone,
}: {
  milestone: Milestone;
  controller: PlanController;
  onDone: () => void;
}) {
  const [dueDate, setDueDate] = useState<string | null>(milestone.dueDate);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const reasonMissing = reason.trim() === '';
  const dateUnchanged = dueDate === null || dueDate === milestone.dueDate;
  const key = `move:${milestone.id}`;

  const save = async (): Promise<void> => {
    setTried(true);
    if (reasonMissing || dueDate === null || dateUnchanged) return;
    const moved = await controller.updateMilestone(
      key,
      { verb: 'move the due date', done: `“${milestone.title}” is now due ${formatDate(dueDate)}.` },
      { milestoneId: milestone.id, dueDate, reason },
    );
    if (moved) onDone();
  };

  return (
    <Tile testId="move-date-form" compact>
      <Flex direction="column" gap="xs">
        <Text format={{ fontWeight: 'demibold' }}>{`Move “${milestone.title}”`}</Text>
        <Text variant="microcopy">
          {`Due ${formatDate(milestone.dueDate)}; first agreed for ${formatDate(milestone.baselineDueDate)}.`}
        </Text>
        <DateInput
          testId="move-date-input"
          label="New due date"
          name="dueDate"
          format="medium"
          value={toPicker(dueDate ?? milestone.dueDate)}
          error={tried && dateUnchanged}
          validationMessage={tried && dateUnchanged ? 'Pick a date other than the current one.' : ''}
          onChange={(v: PickerDate | null) => setDueDate(fromPicker(v))}
        />
        <TextArea
          testId="move-date-reason"
          label="Why does the date move?"
          name="reason"
          required
          description="Kept in the plan’s activity log, so both sides see why."
          rows={2}
          maxLength={500}
          value={reason}
          error={tried && reasonMissing}
          validationMessage={tried && reasonMissing ? 'Give a reason for the move.' : ''}
          onChange={setReason}
          onInput={setReason}
        />
        <Flex gap="xs">
          <LoadingButton
            testId="move-date-save"
            size="sm"
            loading={controller.busy === key}
            disabled={controller.busy !== null && controller.busy !== key}
            onClick={() => void save()}
          >
            Move date
          </LoadingButton>
          <Button testId="move-date-cancel" size="sm" variant="transparent" onClick={onDone}>
            Cancel
          </Button>
        </Flex>
      </Flex>
    </Tile>
  );
}
