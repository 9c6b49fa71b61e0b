/**
 * A card that exercises the preview host's side of HubSpot's worker contract, one testId per check:
 * context, hubspot.fetch (signed, through the backend's real verification), actions (addAlert,
 * fetchCrmObjectProperties, refreshObjectProperties, closeOverlay), useCrmProperties, overlays, input events,
 * and a component the host does not implement.
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  ButtonRow,
  DateInput,
  Flex,
  Heading,
  hubspot,
  Input,
  Modal,
  ModalBody,
  ModalFooter,
  Panel,
  PanelBody,
  Text,
} from '@hubspot/ui-extensions';
import { CrmPropertyList, useCrmProperties } from '@hubspot/ui-extensions/crm';
import { BACKEND_CONFIG } from '../../../extensions/hubspot/src/app/cards/generated/backend-config';

type Api = Parameters<Parameters<typeof hubspot.extend<'crm.record.tab'>>[0]>[0];

function HostContractCard({ context, actions }: Api) {
  const [fetched, setFetched] = useState('not called');
  const [committed, setCommitted] = useState('');
  const [typed, setTyped] = useState('');
  const [date, setDate] = useState('');
  const [fetchedName, setFetchedName] = useState('');
  const { properties } = useCrmProperties(['dealname']);

  const callBackend = async () => {
    setFetched('calling');
    try {
      const res = await hubspot.fetch(`${BACKEND_CONFIG.origin}/api/list-templates`, {
        method: 'POST',
        body: {},
      });
      const body = (await res.json()) as { templates?: unknown[]; error?: { code?: string } };
      setFetched(
        `${res.status} ${body.templates ? `${body.templates.length} templates` : (body.error?.code ?? 'no body')}`,
      );
    } catch (error) {
      setFetched(`rejected: ${error instanceof Error ? error.message : 'unknown'}`);
    }
  };
  const callUnlisted = async () => {
    try {
      await hubspot.fetch('https://not-permitted.example/api/list-templates', { method: 'POST', body: {} });
      setFetched('unlisted origin answered');
    } catch {
      setFetched('unlisted origin rejected');
    }
  };

  return (
    <Flex direction="column" gap="sm">
      <Heading>Host contract</Heading>
      <Text testId="ctx">{`${context.location} deal ${context.crm.objectId} portal ${context.portal.id} user ${context.user.email}`}</Text>
      <Text testId="crm-dealname">{`useCrmProperties: ${properties.dealname ?? '…'}`}</Text>
      <Text testId="fetch-result">{fetched}</Text>
      <Text testId="fetched-name">{fetchedName}</Text>
      <ButtonRow>
        <Button testId="call-backend" variant="primary" onClick={() => void callBackend()}>
          Call backend
        </Button>
        <Button testId="call-unlisted" onClick={() => void callUnlisted()}>
          Call unlisted origin
        </Button>
        <Button
          testId="alert"
          onClick={() => actions.addAlert({ type: 'success', title: 'Saved', message: 'From the card' })}
        >
          Alert
        </Button>
        <Button
          testId="fetch-props"
          onClick={() =>
            void actions
              .fetchCrmObjectProperties(['dealname'])
              .then((p) => setFetchedName(`fetched: ${p.dealname ?? ''}`))
          }
        >
          Fetch properties
        </Button>
        <Button
          testId="open-modal"
          overlay={
            <Modal id="test-modal" title="A modal">
              <ModalBody>
                <Text testId="modal-text">Inside the modal</Text>
              </ModalBody>
              <ModalFooter>
                <Button testId="close-modal" onClick={() => actions.closeOverlay('test-modal')}>
                  Close via action
                </Button>
              </ModalFooter>
            </Modal>
          }
        >
          Open modal
        </Button>
        <Button
          testId="open-panel"
          overlay={
            <Panel id="test-panel" title="A panel">
              <PanelBody>
                <Text testId="panel-text">Inside the panel</Text>
              </PanelBody>
            </Panel>
          }
        >
          Open panel
        </Button>
      </ButtonRow>
      <Input testId="name-input" label="Name" name="name" onInput={setTyped} onChange={setCommitted} />
      <Text testId="typed">{`typed: ${typed}`}</Text>
      <Text testId="committed">{`committed: ${committed}`}</Text>
      <DateInput
        testId="date-input"
        label="Date"
        name="date"
        onChange={(v) => setDate(v ? `${v.year}-${v.month + 1}-${v.date}` : 'cleared')}
      />
      <Text testId="date-value">{`date: ${date}`}</Text>
      <Alert title="A card alert" variant="warning">
        Drawn by the host
      </Alert>
      <CrmPropertyList properties={['dealname']} direction="row" />
    </Flex>
  );
}

hubspot.extend<'crm.record.tab'>((api) => <HostContractCard {...api} />);
