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

const RISK_OWNER_TAGS: Readonly<Record<OwnerSide, string>> = {
  buyer: 'Owned by the buyer',
  seller: 'Owned by us',
  joint: 'Owned by both sides',
};

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
  const [tried, setTried] = useState(false);
  const descriptionMissing = tried && description.trim() === '';
  const idle = controller.busy === null;

  const save = (key: string, verb: string, done: string, risks: RiskInput[]) =>
    controller.saveEdits(key, { verb, done }, [{ edit: 'setRisks', input: { risks } }]);

  const add = async (): Promise<void> => {
    setTried(true);
    if (description.trim() === '') return;
    const saved = await save('risk-add', 'add the risk', 'Risk added.', [
      ...plan.risks.map(asInput),
      { description, mitigation, ownerSide, status: 'open' },
    ]);
    if (saved) {
      setDescription('');
      setMitigation('');
      setTried(false);
    }
  };

  return (
    <Flex direction="column" gap="sm">
      {plan.risks.length === 0 ? (
        <Text testId="risks-empty" variant="microcopy">
          No risks yet. Add anything that could delay or stop the deal.
        </Text>
      ) : (
        <List testId="risks-list">
          {plan.risks.map((r) => (
            <Flex key={r.id} direction="column" gap="flush">
              <Flex gap="xs" align="center" wrap>
                <Text inline format={{ fontWeight: 'demibold' }}>
                  {r.description}
                </Text>
                <Tag testId={`risk-owner-${r.id}`} variant="default">
                  {RISK_OWNER_TAGS[r.ownerSide]}
                </Tag>
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
      <Text format={{ fontWeight: 'demibold' }}>Add a risk</Text>
      <Input
        testId="risk-description"
        label="Risk"
        name="riskDescription"
        required
        placeholder="Legal review could take four weeks"
        value={description}
        error={descriptionMissing}
        validationMessage={descriptionMissing ? 'Describe the risk.' : ''}
        onChange={setDescription}
        onInput={setDescription}
      />
      <Input
        testId="risk-mitigation"
        label="Mitigation"
        name="riskMitigation"
        placeholder="Send our contract in week one"
        value={mitigation}
        onChange={setMitigation}
        onInput={setMitigation}
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
        disabled={!idle}
        onClick={() => void add()}
      >
        Add risk
      </LoadingButton>
    </Flex>
  );
}
