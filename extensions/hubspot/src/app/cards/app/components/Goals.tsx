/** The buyer's goals (what success means after signature) and each milestone's success criteria. */
import { DateInput, Flex, Input, List, LoadingButton, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Goal, Plan } from '../contract.js';
import { formatDate, fromPicker, toPicker, type PickerDate } from '../format.js';
import type { PlanController } from '../use-plan.js';

const asInput = (g: Goal) => ({
  id: g.id,
  description: g.description,
  metric: g.metric,
  target: g.target,
  byDate: g.byDate,
});

function describeGoal(g: Goal): string {
  const measure = [g.metric, g.target].filter((s) => s !== '').join(': ');
  const by = g.byDate === null ? '' : ` by ${formatDate(g.byDate)}`;
  return measure === '' ? `${g.description}${by}` : `${g.description} (${measure}${by})`;
}

export function Goals({ plan, controller }: { plan: Plan; controller: PlanController }) {
  const [description, setDescription] = useState('');
  const [metric, setMetric] = useState('');
  const [target, setTarget] = useState('');
  const [byDate, setByDate] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  // A date picker cannot be emptied through its value: a new key gives the next goal a fresh, empty one.
  const [formKey, setFormKey] = useState(0);
  const descriptionMissing = tried && description.trim() === '';
  const idle = controller.busy === null;
  const criteria = plan.milestones.filter((m) => m.successCriteria.trim() !== '');

  const add = async (): Promise<void> => {
    setTried(true);
    if (description.trim() === '') return;
    const saved = await controller.saveEdits('goal-add', { verb: 'add the goal', done: 'Goal added.' }, [
      {
        edit: 'setGoals',
        input: { goals: [...plan.goals.map(asInput), { description, metric, target, byDate }] },
      },
    ]);
    if (saved) {
      setDescription('');
      setMetric('');
      setTarget('');
      setByDate(null);
      setTried(false);
      setFormKey((k) => k + 1);
    }
  };

  return (
    <Flex direction="column" gap="sm">
      <Text format={{ fontWeight: 'demibold' }}>Goals</Text>
      {plan.goals.length === 0 ? (
        <Text testId="goals-empty" variant="microcopy">
          No goals yet. Add what the buyer wants to achieve and how they will measure it.
        </Text>
      ) : (
        <List testId="goals-list">
          {plan.goals.map((g) => (
            <Flex key={g.id} gap="xs" align="center" wrap>
              <Text inline testId={`goal-text-${g.id}`}>
                {describeGoal(g)}
              </Text>
              <LoadingButton
                testId={`remove-goal-${g.id}`}
                size="xs"
                variant="destructive"
                loading={controller.busy === `goal-remove:${g.id}`}
                disabled={!idle}
                onClick={() => {
                  void controller.saveEdits(
                    `goal-remove:${g.id}`,
                    { verb: 'remove the goal', done: 'Goal removed.' },
                    [
                      {
                        edit: 'setGoals',
                        input: { goals: plan.goals.filter((x) => x.id !== g.id).map(asInput) },
                      },
                    ],
                  );
                }}
              >
                Remove
              </LoadingButton>
            </Flex>
          ))}
        </List>
      )}
      <Text format={{ fontWeight: 'demibold' }}>Add a goal</Text>
      <Input
        testId="goal-description"
        label="Goal"
        name="goalDescription"
        required
        placeholder="Close the books in 3 days instead of 5"
        value={description}
        error={descriptionMissing}
        validationMessage={descriptionMissing ? 'Describe the goal.' : ''}
        onChange={setDescription}
        onInput={setDescription}
      />
      <Input
        testId="goal-metric"
        label="How they measure it"
        name="goalMetric"
        placeholder="Days to close the month"
        value={metric}
        onChange={setMetric}
        onInput={setMetric}
      />
      <Input
        testId="goal-target"
        label="Target"
        name="goalTarget"
        placeholder="3 days"
        value={target}
        onChange={setTarget}
        onInput={setTarget}
      />
      <DateInput
        key={formKey}
        testId="goal-by-date"
        label="By when"
        name="goalByDate"
        format="medium"
        {...(byDate === null ? {} : { value: toPicker(byDate) })}
        onChange={(v: PickerDate | null) => setByDate(fromPicker(v))}
      />
      <LoadingButton
        testId="goal-add"
        size="sm"
        loading={controller.busy === 'goal-add'}
        disabled={!idle}
        onClick={() => void add()}
      >
        Add goal
      </LoadingButton>
      <Text format={{ fontWeight: 'demibold' }}>Success criteria by milestone</Text>
      {criteria.length === 0 ? (
        <Text testId="success-criteria-empty" variant="microcopy">
          No milestone has success criteria yet. Add them in Manage milestones.
        </Text>
      ) : (
        <List testId="success-criteria">
          {criteria.map((m) => (
            <Text key={m.id} testId={`success-criteria-${m.id}`}>{`${m.title}: ${m.successCriteria}`}</Text>
          ))}
        </List>
      )}
    </Flex>
  );
}
