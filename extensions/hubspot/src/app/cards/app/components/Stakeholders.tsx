/** Stakeholders on both sides with their roles; add, and remove after a confirmation. */
import { Button, Flex, Input, List, LoadingButton, Select, Tag, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import {
  STAKEHOLDER_ROLES,
  type Plan,
  type Side,
  type Stakeholder,
  type StakeholderRole,
} from '../contract.js';
import { ROLE_LABELS, SIDE_LABELS } from '../format.js';
import type { PlanController } from '../use-plan.js';

const SIDES: readonly Side[] = ['buyer', 'seller'];

const EMPTY_SIDE: Readonly<Record<Side, string>> = {
  buyer: 'No one from the buyer yet. Add who decides, who signs and who will use it.',
  seller: 'No one from your team yet.',
};

function StakeholderRow({
  person,
  controller,
  confirming,
  onConfirm,
  onDone,
}: {
  person: Stakeholder;
  controller: PlanController;
  confirming: boolean;
  onConfirm: () => void;
  onDone: () => void;
}) {
  const key = `stakeholder-remove:${person.id}`;
  const removing = controller.busy === key;
  const remove = async (): Promise<void> => {
    await controller.removeStakeholder(
      key,
      { verb: `remove ${person.name}`, done: `${person.name} removed from the plan.` },
      person.id,
    );
    // Answered either way: removed, or the alert says why not (for example, they still own milestones).
    onDone();
  };
  return (
    <Flex direction="column" gap="flush">
      <Flex gap="xs" align="center" wrap>
        <Text inline>{person.title === '' ? person.name : `${person.name}, ${person.title}`}</Text>
        <Tag variant="default">{ROLE_LABELS[person.role]}</Tag>
        {confirming ? null : (
          <Button
            testId={`remove-stakeholder-${person.id}`}
            size="xs"
            variant="transparent"
            disabled={controller.busy !== null}
            onClick={onConfirm}
          >
            Remove
          </Button>
        )}
      </Flex>
      {confirming ? (
        <Flex gap="xs" align="center" wrap>
          <Text inline testId={`confirm-remove-stakeholder-text-${person.id}`}>
            {`Remove ${person.name} from the plan?`}
          </Text>
          <LoadingButton
            testId={`confirm-remove-stakeholder-${person.id}`}
            size="xs"
            variant="destructive"
            loading={removing}
            disabled={controller.busy !== null && !removing}
            onClick={() => void remove()}
          >
            Remove
          </LoadingButton>
          <Button
            testId={`cancel-remove-stakeholder-${person.id}`}
            size="xs"
            variant="transparent"
            disabled={removing}
            onClick={onDone}
          >
            Cancel
          </Button>
        </Flex>
      ) : null}
    </Flex>
  );
}

export function Stakeholders({ plan, controller }: { plan: Plan; controller: PlanController }) {
  const [side, setSide] = useState<Side>('buyer');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [role, setRole] = useState<StakeholderRole>('champion');
  const [email, setEmail] = useState('');
  const [tried, setTried] = useState(false);
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const nameMissing = tried && name.trim() === '';
  const idle = controller.busy === null;

  const clear = (): void => {
    setName('');
    setTitle('');
    setEmail('');
    setTried(false);
  };

  const add = async (): Promise<void> => {
    setTried(true);
    if (name.trim() === '') return;
    const saved = await controller.addStakeholder(
      'stakeholder-add',
      { verb: 'add the stakeholder', done: `${name.trim()} added.` },
      { side, name, title, role, email },
    );
    if (saved) clear();
  };

  return (
    <Flex direction="column" gap="md">
      {SIDES.map((s) => {
        const people = plan.stakeholders.filter((p) => p.side === s);
        return (
          <Flex key={s} direction="column" gap="xs">
            <Text format={{ fontWeight: 'demibold' }}>{SIDE_LABELS[s]}</Text>
            {people.length === 0 ? (
              <Text testId={`stakeholders-${s}-empty`} variant="microcopy">
                {EMPTY_SIDE[s]}
              </Text>
            ) : (
              <List testId={`stakeholders-${s}`}>
                {people.map((p) => (
                  <StakeholderRow
                    key={p.id}
                    person={p}
                    controller={controller}
                    confirming={confirmingId === p.id}
                    onConfirm={() => setConfirmingId(p.id)}
                    onDone={() => setConfirmingId(null)}
                  />
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
          validationMessage={nameMissing ? 'Enter the stakeholder’s name.' : ''}
          onChange={setName}
          onInput={setName}
        />
        <Input
          testId="stakeholder-title"
          label="Job title"
          name="title"
          value={title}
          onChange={setTitle}
          onInput={setTitle}
        />
        <Select
          testId="stakeholder-role"
          label="Role in the decision"
          name="role"
          value={role}
          options={STAKEHOLDER_ROLES.map((r) => ({ label: ROLE_LABELS[r], value: r }))}
          onChange={(v) => setRole(STAKEHOLDER_ROLES.find((r) => r === v) ?? 'other')}
        />
        <Input
          testId="stakeholder-email"
          label="Email"
          name="email"
          placeholder="name@company.com"
          value={email}
          onChange={setEmail}
          onInput={setEmail}
        />
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
          <Button testId="stakeholder-clear" size="sm" variant="transparent" disabled={!idle} onClick={clear}>
            Clear
          </Button>
        </Flex>
      </Flex>
    </Flex>
  );
}
