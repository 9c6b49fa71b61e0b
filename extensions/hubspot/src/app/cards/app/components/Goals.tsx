/** The buyer's goals (what success means after signature) and each milestone's success criteria. */
import { DateInput, Flex, Input, List, LoadingButton, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { Goal, Plan } from '../contract.js';
import { formatDate, fromPicker, type PickerDate } from '../format.js';
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
  const idle = controller.busy === null;
  const criteria = plan.milestones.filter((m) => m.successCriteria.trim() !== '');

  const add = async (): Promise<void> => {
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
    }
  };

  return (
    <Flex direction="column" gap="sm">
      <Text format={{ fontWeight: 'demibold' }}>Goals</Text>
      {plan.goals.length === 0 ? (
        <Text variant="microcopy">No goals yet: what will the buyer measure to call this a success?</Text>
      ) : (
        <List testId="goals-list">
          {plan.goals.map((g) => (
            <Flex key={g.id} gap="xs" align="center" wrap>
              <Text inline>{describeGoal(g)}</Text>
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
      <Input
        testId="goal-description"
        label="New goal"
        name="goalDescription"
        value={description}
        onChange={setDescription}
      />
      <Input testId="goal-metric" label="Metric" name="goalMetric" value={metric} onChange={setMetric} />
      <Input testId="goal-target" label="Target" name="goalTarget" value={target} onChange={setTarget} />
      <DateInput
        testId="goal-by-date"
        label="By"
        name="goalByDate"
        format="medium"
        onChange={(v: PickerDate | null) => setByDate(fromPicker(v))}
      />
      <LoadingButton
        testId="goal-add"
        size="sm"
        loading={controller.busy === 'goal-add'}
        disabled={!idle || description.trim() === ''}
        onClick={() => void add()}
      >
        Add goal
      </LoadingButton>
      <Text format={{ fontWeight: 'demibold' }}>Success criteria by milestone</Text>
      {criteria.length === 0 ? (
        <Text variant="microcopy">
          No milestone has success criteria yet (add them in Manage milestones).
        </Text>
      ) : (
        <List testId="success-criteria">
          {criteria.map((m) => (
            <Text key={m.id}>{`${m.title}: ${m.successCriteria}`}</Text>
          ))}
        </List>
      )}
    </Flex>
  );
}
