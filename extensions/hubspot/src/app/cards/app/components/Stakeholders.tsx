/** Stakeholders on both sides with their roles; add and remove. */
import { Button, Flex, Input, List, LoadingButton, Select, Tag, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import { STAKEHOLDER_ROLES, type Plan, type Side, type StakeholderRole } from '../contract.js';
import { ROLE_LABELS, SIDE_LABELS } from '../format.js';
import type { PlanController } from '../use-plan.js';

const SIDES: readonly Side[] = ['buyer', 'seller'];

export function Stakeholders({ plan, controller }: { plan: Plan; controller: PlanController }) {
  const [side, setSide] = useState<Side>('buyer');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [role, setRole] = useState<StakeholderRole>('champion');
  const [email, setEmail] = useState('');
  const [nameMissing, setNameMissing] = useState(false);
  const idle = controller.busy === null;

  const add = async (): Promise<void> => {
    if (name.trim() === '') {
      setNameMissing(true);
      return;
    }
    setNameMissing(false);
    const saved = await controller.addStakeholder(
      'stakeholder-add',
      { verb: 'add the stakeholder', done: `${name.trim()} added.` },
      { side, name, title, role, email },
    );
    if (saved) {
      setName('');
      setTitle('');
      setEmail('');
    }
  };

  return (
    <Flex direction="column" gap="md">
      {SIDES.map((s) => {
        const people = plan.stakeholders.filter((p) => p.side === s);
        return (
          <Flex key={s} direction="column" gap="xs">
            <Text format={{ fontWeight: 'demibold' }}>{SIDE_LABELS[s]}</Text>
            {people.length === 0 ? (
              <Text variant="microcopy">Nobody yet.</Text>
            ) : (
              <List testId={`stakeholders-${s}`}>
                {people.map((p) => (
                  <Flex key={p.id} gap="xs" align="center" wrap>
                    <Text inline>{p.title === '' ? p.name : `${p.name}, ${p.title}`}</Text>
                    <Tag variant="default">{ROLE_LABELS[p.role]}</Tag>
                    <LoadingButton
                      testId={`remove-stakeholder-${p.id}`}
                      size="xs"
                      variant="destructive"
                      loading={controller.busy === `stakeholder-remove:${p.id}`}
                      disabled={!idle}
                      onClick={() => {
                        void controller.removeStakeholder(
                          `stakeholder-remove:${p.id}`,
                          { verb: `remove ${p.name}`, done: `${p.name} removed.` },
                          p.id,
                        );
                      }}
                    >
                      Remove
                    </LoadingButton>
                  </Flex>
                ))}
              </List>
            )}
          </Flex>
        );
      })}
      <Flex direction="column" gap="xs">
        <Text format={{ fontWeight: 'demibold' }}>Add a stakeholder</Text>
        <Select
          testId="stakeholder-side"
          label="Side"
          name="side"
          value={side}
          options={SIDES.map((s) => ({ label: SIDE_LABELS[s], value: s }))}
          onChange={(v) => setSide(v === 'seller' ? 'seller' : 'buyer')}
        />
        <Input
          testId="stakeholder-name"
          label="Name"
          name="name"
          required
          value={name}
          error={nameMissing}
          validationMessage={nameMissing ? 'Enter a name.' : ''}
          onChange={setName}
        />
        <Input testId="stakeholder-title" label="Job title" name="title" value={title} onChange={setTitle} />
        <Select
          testId="stakeholder-role"
          label="Role in the decision"
          name="role"
          value={role}
          options={STAKEHOLDER_ROLES.map((r) => ({ label: ROLE_LABELS[r], value: r }))}
          onChange={(v) => setRole(STAKEHOLDER_ROLES.find((r) => r === v) ?? 'other')}
        />
        <Input testId="stakeholder-email" label="Email" name="email" value={email} onChange={setEmail} />
        <Flex gap="xs">
          <LoadingButton
            testId="stakeholder-add"
            size="sm"
            loading={controller.busy === 'stakeholder-add'}
            disabled={!idle}
            onClick={() => void add()}
          >
            Add stakeholder
          </LoadingButton>
          <Button
            size="sm"
            variant="transparent"
            disabled={!idle}
            onClick={() => {
              setName('');
              setTitle('');
              setEmail('');
              setNameMissing(false);
            }}
          >
            Clear
          </Button>
        </Flex>
      </Flex>
    </Flex>
  );
}
