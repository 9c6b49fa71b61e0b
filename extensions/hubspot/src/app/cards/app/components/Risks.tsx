/** Risks to the deal, with mitigation, whose side owns them and their status. */
import { Flex, Input, List, LoadingButton, Select, Tag, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import {
  OWNER_SIDES,
  RISK_STATUSES,
  type EditInputs,
  type OwnerSide,
  type Plan,
  type Risk,
  type RiskStatus,
} from '../contract.js';
import { OWNER_SIDE_LABELS, RISK_STATUS_LABELS } from '../format.js';
import type { PlanController } from '../use-plan.js';

type RiskInput = EditInputs['setRisks']['risks'][number];

const asInput = (r: Risk): RiskInput => ({
  id: r.id,
  description: r.description,
  mitigation: r.mitigation,
  ownerSide: r.ownerSide,
  status: r.status,
});

export function Risks({ plan, controller }: { plan: Plan; controller: PlanController }) {
  const [description, setDescription] = useState('');
  const [mitigation, setMitigation] = useState('');
  const [ownerSide, setOwnerSide] = useState<OwnerSide>('joint');
  const idle = controller.busy === null;

  const save = (key: string, verb: string, done: string, risks: RiskInput[]) =>
    controller.saveEdits(key, { verb, done }, [{ edit: 'setRisks', input: { risks } }]);

  const add = async (): Promise<void> => {
    const saved = await save('risk-add', 'add the risk', 'Risk added.', [
      ...plan.risks.map(asInput),
      { description, mitigation, ownerSide, status: 'open' },
    ]);
    if (saved) {
      setDescription('');
      setMitigation('');
    }
  };

  return (
    <Flex direction="column" gap="sm">
      {plan.risks.length === 0 ? (
        <Text variant="microcopy">No risks recorded.</Text>
      ) : (
        <List testId="risks-list">
          {plan.risks.map((r) => (
            <Flex key={r.id} direction="column" gap="flush">
              <Flex gap="xs" align="center" wrap>
                <Text inline format={{ fontWeight: 'demibold' }}>
                  {r.description}
                </Text>
                <Tag variant="default">{`${OWNER_SIDE_LABELS[r.ownerSide]} owns it`}</Tag>
              </Flex>
              {r.mitigation === '' ? null : <Text variant="microcopy">{`Mitigation: ${r.mitigation}`}</Text>}
              <Flex gap="xs" align="end" wrap>
                <Select
                  testId={`risk-status-${r.id}`}
                  label="Status"
                  name={`risk-status-${r.id}`}
                  value={r.status}
                  readOnly={!idle}
                  options={RISK_STATUSES.map((s) => ({ label: RISK_STATUS_LABELS[s], value: s }))}
                  onChange={(v) => {
                    const status: RiskStatus = RISK_STATUSES.find((s) => s === v) ?? r.status;
                    if (status === r.status) return;
                    void save(
                      `risk-status:${r.id}`,
                      'update the risk',
                      'Risk updated.',
                      plan.risks.map((x) => (x.id === r.id ? { ...asInput(x), status } : asInput(x))),
                    );
                  }}
                />
                <LoadingButton
                  testId={`remove-risk-${r.id}`}
                  size="xs"
                  variant="destructive"
                  loading={controller.busy === `risk-remove:${r.id}`}
                  disabled={!idle}
                  onClick={() => {
                    void save(
                      `risk-remove:${r.id}`,
                      'remove the risk',
                      'Risk removed.',
                      plan.risks.filter((x) => x.id !== r.id).map(asInput),
                    );
                  }}
                >
                  Remove
                </LoadingButton>
              </Flex>
            </Flex>
          ))}
        </List>
      )}
      <Input
        testId="risk-description"
        label="New risk"
        name="riskDescription"
        value={description}
        onChange={setDescription}
      />
      <Input
        testId="risk-mitigation"
        label="Mitigation"
        name="riskMitigation"
        value={mitigation}
        onChange={setMitigation}
      />
      <Select
        testId="risk-owner-side"
        label="Who owns it"
        name="riskOwnerSide"
        value={ownerSide}
        options={OWNER_SIDES.map((s) => ({ label: OWNER_SIDE_LABELS[s], value: s }))}
        onChange={(v) => setOwnerSide(OWNER_SIDES.find((s) => s === v) ?? 'joint')}
      />
      <LoadingButton
        testId="risk-add"
        size="sm"
        loading={controller.busy === 'risk-add'}
        disabled={!idle || description.trim() === ''}
        onClick={() => void add()}
      >
        Add risk
      </LoadingButton>
    </Flex>
  );
}
