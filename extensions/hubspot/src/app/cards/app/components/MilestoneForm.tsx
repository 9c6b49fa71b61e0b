/** The milestone panel's form: the fields of a new milestone, or of the one being edited. */
import { Checkbox, DateInput, Flex, Input, Select, Text, TextArea } from '@hubspot/ui-extensions';
import type { Plan, Side } from '../contract.js';
import { formatDate, fromPicker, toPicker, type PickerDate } from '../format.js';
import type { MilestoneForm as FormState } from './use-milestone-form.js';

const OWNER_FIELDS = [
  { side: 'seller', field: 'sellerOwnerId', label: 'Owner on our side' },
  { side: 'buyer', field: 'buyerOwnerId', label: 'Owner on the buyer side' },
] as const;

function ownerOptions(plan: Plan, side: Side) {
  return [
    { label: 'No owner yet', value: '' },
    ...plan.stakeholders.filter((s) => s.side === side).map((s) => ({ label: s.name, value: s.id })),
  ];
}

export function MilestoneForm({ plan, form }: { plan: Plan; form: FormState }) {
  const { editing, draft, set, titleMissing, dueMissing } = form;
  return (
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
          key={form.formKey}
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
      {OWNER_FIELDS.map(({ side, field, label }) => (
        <Select
          key={field}
          testId={`milestone-${side}-owner`}
          label={label}
          name={field}
          value={draft[field]}
          options={ownerOptions(plan, side)}
          onChange={(v) => set(field)(String(v))}
        />
      ))}
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
  );
}
