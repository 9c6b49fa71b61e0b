import { Accordion, Button, Input, List, LoadingButton, Select, Text } from '@hubspot/ui-extensions';
import type { BackendResult } from '../app/backend.js';
import type { PlanResponse } from '../app/contract.js';
import { aPlan, aStakeholder, DEAL_ID, deferred, FakeBackend } from '../test-utils/mocks.js';
import { fire, renderLoaded, textOf, typeText } from '../test-utils/render.js';

/** The test plan plus a buyer-side stakeholder who owns no milestone (so the backend lets them go). */
const withOtto = () =>
  new FakeBackend(
    aPlan({
      stakeholders: [
        ...aPlan().stakeholders,
        aStakeholder({ id: 's-otto', name: 'Otto Ops', title: 'IT lead', role: 'technical_evaluator' }),
      ],
    }),
  );

describe('adding a stakeholder', () => {
  test('sends add-stakeholder with what the rep typed, lists them on their side, and empties the form', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Select, 'stakeholder-side'), 'onChange', 'buyer');
    typeText(card.findByTestId(Input, 'stakeholder-name'), 'Fiona Finance');
    typeText(card.findByTestId(Input, 'stakeholder-title'), 'CFO');
    fire(card.findByTestId(Select, 'stakeholder-role'), 'onChange', 'economic_buyer');
    typeText(card.findByTestId(Input, 'stakeholder-email'), 'fiona@acme.example');
    fire(card.findByTestId(LoadingButton, 'stakeholder-add'), 'onClick');
    await card.waitFor(() =>
      expect(textOf(card.findByTestId(List, 'stakeholders-buyer'))).toContain('Fiona'),
    );

    expect(backend.callsOf('add-stakeholder')).toEqual([
      {
        side: 'buyer',
        name: 'Fiona Finance',
        title: 'CFO',
        role: 'economic_buyer',
        email: 'fiona@acme.example',
        dealId: DEAL_ID,
        baseVersion: 3,
      },
    ]);
    expect(textOf(card.findByTestId(List, 'stakeholders-buyer'))).toContain(
      'Fiona Finance, CFOEconomic buyer',
    );
    expect(textOf(card.findByTestId(List, 'stakeholders-seller'))).not.toContain('Fiona');
    expect(card.findByTestId(Accordion, 'stakeholders-section').props.title).toBe('Stakeholders (3)');
    expect(card.findByTestId(Input, 'stakeholder-name').props.value).toBe('');
    expect(card.findByTestId(Input, 'stakeholder-title').props.value).toBe('');
    expect(card.findByTestId(Input, 'stakeholder-email').props.value).toBe('');
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Fiona Finance added.' }]);
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(1);
  });

  test('without a name, asks for one and sends nothing; typing a name clears the message', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(LoadingButton, 'stakeholder-add'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(Input, 'stakeholder-name').props.error).toBe(true));
    expect(card.findByTestId(Input, 'stakeholder-name').props.validationMessage).toBe(
      'Enter the stakeholder’s name.',
    );
    expect(backend.callsOf('add-stakeholder')).toEqual([]);

    typeText(card.findByTestId(Input, 'stakeholder-name'), 'F');
    await card.waitFor(() => expect(card.findByTestId(Input, 'stakeholder-name').props.error).toBe(false));
  });

  test('a refused stakeholder shows the backend’s reason and keeps everything the rep typed', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Select, 'stakeholder-side'), 'onChange', 'seller');
    typeText(card.findByTestId(Input, 'stakeholder-name'), 'Sara Solutions');
    typeText(card.findByTestId(Input, 'stakeholder-title'), 'Solutions engineer');
    fire(card.findByTestId(Select, 'stakeholder-role'), 'onChange', 'solutions_engineer');
    typeText(card.findByTestId(Input, 'stakeholder-email'), 'sara at example');
    fire(card.findByTestId(LoadingButton, 'stakeholder-add'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    // The backend's own validation (the fake backend runs the domain): the email is refused.
    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not add the stakeholder',
      message: 'The email must be an email address such as name@company.com.',
    });
    expect(card.findByTestId(Select, 'stakeholder-side').props.value).toBe('seller');
    expect(card.findByTestId(Input, 'stakeholder-name').props.value).toBe('Sara Solutions');
    expect(card.findByTestId(Input, 'stakeholder-title').props.value).toBe('Solutions engineer');
    expect(card.findByTestId(Select, 'stakeholder-role').props.value).toBe('solutions_engineer');
    expect(card.findByTestId(Input, 'stakeholder-email').props.value).toBe('sara at example');
    expect(textOf(card.findByTestId(List, 'stakeholders-seller'))).not.toContain('Sara');
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(0);
  });

  test('shows it is working while the add is saving, and other actions wait', async () => {
    const backend = new FakeBackend();
    const answer = deferred<void>();
    backend.override('add-stakeholder', async (input) => {
      await answer.promise;
      return backend.answerAsBackend('add-stakeholder', input);
    });
    const card = await renderLoaded(backend);

    typeText(card.findByTestId(Input, 'stakeholder-name'), 'Fiona Finance');
    fire(card.findByTestId(LoadingButton, 'stakeholder-add'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'stakeholder-add').props.loading).toBe(true),
    );
    expect(card.findByTestId(Button, 'remove-stakeholder-s-seller').props.disabled).toBe(true);

    answer.resolve();
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'stakeholder-add').props.loading).toBe(false),
    );
    expect(card.findByTestId(Button, 'remove-stakeholder-s-seller').props.disabled).toBe(false);
  });
});

describe('removing a stakeholder', () => {
  test('asks first; Cancel keeps them and sends nothing', async () => {
    const backend = withOtto();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-stakeholder-s-otto'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(Text, 'confirm-remove-stakeholder-text-s-otto').text).toBe(
        'Remove Otto Ops from the plan?',
      ),
    );
    expect(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-otto').props.variant).toBe(
      'destructive',
    );
    expect(backend.callsOf('remove-stakeholder')).toEqual([]);

    fire(card.findByTestId(Button, 'cancel-remove-stakeholder-s-otto'), 'onClick');
    await card.waitFor(() =>
      expect(card.maybeFindByTestId(LoadingButton, 'confirm-remove-stakeholder-s-otto')).toBeNull(),
    );
    expect(backend.callsOf('remove-stakeholder')).toEqual([]);
    expect(textOf(card.findByTestId(List, 'stakeholders-buyer'))).toContain('Otto Ops');
  });

  test('once confirmed, sends remove-stakeholder and takes them off the list', async () => {
    const backend = withOtto();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-stakeholder-s-otto'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-otto')).toBeTruthy(),
    );
    fire(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-otto'), 'onClick');
    await card.waitFor(() =>
      expect(textOf(card.findByTestId(List, 'stakeholders-buyer'))).not.toContain('Otto Ops'),
    );

    expect(backend.callsOf('remove-stakeholder')).toEqual([
      { dealId: DEAL_ID, baseVersion: 3, stakeholderId: 's-otto' },
    ]);
    expect(textOf(card.findByTestId(List, 'stakeholders-buyer'))).toContain('Bea Buyer');
    expect(card.findByTestId(Accordion, 'stakeholders-section').props.title).toBe('Stakeholders (2)');
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Otto Ops removed from the plan.' }]);
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(1);
  });

  test('shows it is working while the removal is saving', async () => {
    const backend = withOtto();
    const answer = deferred<BackendResult<PlanResponse>>();
    backend.override('remove-stakeholder', () => answer.promise);
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-stakeholder-s-otto'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-otto')).toBeTruthy(),
    );
    fire(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-otto'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-otto').props.loading).toBe(true),
    );
    expect(card.findByTestId(Button, 'cancel-remove-stakeholder-s-otto').props.disabled).toBe(true);
    expect(card.findByTestId(LoadingButton, 'stakeholder-add').props.disabled).toBe(true);

    answer.resolve(backend.answerAsBackend('remove-stakeholder', backend.callsOf('remove-stakeholder')[0]!));
    await card.waitFor(() => expect(card.maybeFindByTestId(Button, 'remove-stakeholder-s-otto')).toBeNull());
  });

  test('someone who owns milestones stays, and the alert names the milestones to reassign first', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-stakeholder-s-buyer'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-buyer')).toBeTruthy(),
    );
    fire(card.findByTestId(LoadingButton, 'confirm-remove-stakeholder-s-buyer'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(backend.callsOf('remove-stakeholder')).toEqual([
      { dealId: DEAL_ID, baseVersion: 3, stakeholderId: 's-buyer' },
    ]);
    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not remove Bea Buyer',
      message:
        '“Bea Buyer” cannot be removed while they own milestones “Discovery call”, “Tailored demo” and “Order form signed”; give them another owner first.',
    });
    expect(textOf(card.findByTestId(List, 'stakeholders-buyer'))).toContain('Bea Buyer');
    // The question is answered: the row is back to its normal state, ready for another try later.
    await card.waitFor(() =>
      expect(card.maybeFindByTestId(LoadingButton, 'confirm-remove-stakeholder-s-buyer')).toBeNull(),
    );
    expect(card.findByTestId(Button, 'remove-stakeholder-s-buyer').props.disabled).toBe(false);
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(0);
  });
});

describe('stakeholder lists', () => {
  test('an empty side says who to add', async () => {
    const card = await renderLoaded(
      new FakeBackend(
        aPlan({
          stakeholders: [aPlan().stakeholders[1]!],
          milestones: aPlan().milestones.map((m) => ({ ...m, buyerOwnerId: null })),
        }),
      ),
    );
    expect(card.findByTestId(Text, 'stakeholders-buyer-empty').text).toBe(
      'No one from the buyer yet. Add who decides, who signs and who will use it.',
    );
    expect(card.maybeFindByTestId(List, 'stakeholders-buyer')).toBeNull();
  });
});
