import { DateInput, Input, List, LoadingButton, Select, Tag, Text } from '@hubspot/ui-extensions';
import { aMilestone, aPlan, apiError, DEAL_ID, FakeBackend } from '../test-utils/mocks.js';
import { fire, renderLoaded, textOf, typeText } from '../test-utils/render.js';

const UNREACHABLE = { ok: false, error: { kind: 'unreachable', timedOut: false } } as const;
const UNREACHABLE_MESSAGE =
  'Could not reach the Mutual Action Plan service. Check your connection and try again.';

const GOAL = {
  id: 'g-1',
  description: 'Close the books faster',
  metric: 'Days to close the month',
  target: '3',
  byDate: '2027-03-31',
};
const RISK = {
  id: 'r-1',
  description: 'Legal review may take four weeks',
  mitigation: 'Send our paper in week one',
  ownerSide: 'buyer' as const,
  status: 'open' as const,
};

describe('goals', () => {
  test('adding a goal sends setGoals with the existing goals and the new one, lists it, and empties the form', async () => {
    const backend = new FakeBackend(aPlan({ goals: [GOAL] }));
    const card = await renderLoaded(backend);

    typeText(card.findByTestId(Input, 'goal-description'), 'Fewer manual reconciliations');
    typeText(card.findByTestId(Input, 'goal-metric'), 'Hours spent per month');
    typeText(card.findByTestId(Input, 'goal-target'), 'Under 4');
    fire(card.findByTestId(DateInput, 'goal-by-date'), 'onChange', { year: 2027, month: 5, date: 30 });
    fire(card.findByTestId(LoadingButton, 'goal-add'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [
          {
            edit: 'setGoals',
            input: {
              goals: [
                GOAL,
                {
                  description: 'Fewer manual reconciliations',
                  metric: 'Hours spent per month',
                  target: 'Under 4',
                  byDate: '2027-06-30',
                },
              ],
            },
          },
        ],
      },
    ]);
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Goal added.' }]);
    expect(card.findByTestId(Text, 'goal-text-g-1').text).toBe(
      'Close the books faster (Days to close the month: 3 by Mar 31, 2027)',
    );
    expect(card.findByTestId(Text, 'goal-text-new-1').text).toBe(
      'Fewer manual reconciliations (Hours spent per month: Under 4 by Jun 30, 2027)',
    );
    expect(card.findByTestId(Input, 'goal-description').props.value).toBe('');
    expect(card.findByTestId(Input, 'goal-metric').props.value).toBe('');
    expect(card.findByTestId(Input, 'goal-target').props.value).toBe('');
    // The date picker shows no date: the next goal starts without one.
    expect(card.findByTestId(DateInput, 'goal-by-date').props.value ?? null).toBeNull();
  });

  test('a goal that could not be saved stays in the form, date included, and the alert says what to do', async () => {
    const backend = new FakeBackend().override('save-plan', () => UNREACHABLE);
    const card = await renderLoaded(backend);

    typeText(card.findByTestId(Input, 'goal-description'), 'Fewer manual reconciliations');
    typeText(card.findByTestId(Input, 'goal-metric'), 'Hours spent per month');
    typeText(card.findByTestId(Input, 'goal-target'), 'Under 4');
    fire(card.findByTestId(DateInput, 'goal-by-date'), 'onChange', { year: 2027, month: 5, date: 30 });
    fire(card.findByTestId(LoadingButton, 'goal-add'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not add the goal',
      message: UNREACHABLE_MESSAGE,
    });
    expect(card.findByTestId(Input, 'goal-description').props.value).toBe('Fewer manual reconciliations');
    expect(card.findByTestId(Input, 'goal-metric').props.value).toBe('Hours spent per month');
    expect(card.findByTestId(Input, 'goal-target').props.value).toBe('Under 4');
    expect(card.findByTestId(DateInput, 'goal-by-date').props.value).toEqual({
      year: 2027,
      month: 5,
      date: 30,
    });
    expect(card.findByTestId(LoadingButton, 'goal-add').props.loading).toBe(false);
    expect(card.maybeFindByTestId(List, 'goals-list')).toBeNull();
  });

  test('without a description, asks for one and sends nothing', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    typeText(card.findByTestId(Input, 'goal-metric'), 'Hours spent per month');
    fire(card.findByTestId(LoadingButton, 'goal-add'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(Input, 'goal-description').props.error).toBe(true));
    expect(card.findByTestId(Input, 'goal-description').props.validationMessage).toBe('Describe the goal.');
    expect(backend.callsOf('save-plan')).toEqual([]);
    expect(card.findByTestId(Input, 'goal-metric').props.value).toBe('Hours spent per month');
  });

  test('removing a goal sends setGoals with the other goals only', async () => {
    const other = { id: 'g-2', description: 'Pass the March audit', metric: '', target: '', byDate: null };
    const backend = new FakeBackend(aPlan({ goals: [GOAL, other] }));
    const card = await renderLoaded(backend);

    fire(card.findByTestId(LoadingButton, 'remove-goal-g-1'), 'onClick');
    await card.waitFor(() => expect(card.maybeFindByTestId(Text, 'goal-text-g-1')).toBeNull());

    expect(backend.callsOf('save-plan')).toEqual([
      { dealId: DEAL_ID, baseVersion: 3, edits: [{ edit: 'setGoals', input: { goals: [other] } }] },
    ]);
    expect(card.findByTestId(Text, 'goal-text-g-2').text).toBe('Pass the March audit');
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Goal removed.' }]);
  });

  test('with no goals and no success criteria, says what to add and where', async () => {
    const card = await renderLoaded();
    expect(card.findByTestId(Text, 'goals-empty').text).toBe(
      'No goals yet. Add what the buyer wants to achieve and how they will measure it.',
    );
    expect(card.findByTestId(Text, 'success-criteria-empty').text).toBe(
      'No milestone has success criteria yet. Add them in Manage milestones.',
    );
  });

  test('success criteria are listed by milestone', async () => {
    const plan = aPlan();
    const card = await renderLoaded(
      new FakeBackend(
        aPlan({
          milestones: plan.milestones.map((m) =>
            m.id === 'm-demo'
              ? aMilestone({ ...m, successCriteria: 'Finance signs off the demo scenario' })
              : m,
          ),
        }),
      ),
    );
    expect(textOf(card.findByTestId(List, 'success-criteria'))).toBe(
      'Tailored demo: Finance signs off the demo scenario',
    );
  });
});

describe('risks', () => {
  test('adding a risk sends setRisks with the existing risks and the new open one, lists it, and empties the form', async () => {
    const backend = new FakeBackend(aPlan({ risks: [RISK] }));
    const card = await renderLoaded(backend);

    typeText(card.findByTestId(Input, 'risk-description'), 'Budget freeze in Q1');
    typeText(card.findByTestId(Input, 'risk-mitigation'), 'Sign before December 20');
    fire(card.findByTestId(Select, 'risk-owner-side'), 'onChange', 'seller');
    fire(card.findByTestId(LoadingButton, 'risk-add'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [
          {
            edit: 'setRisks',
            input: {
              risks: [
                RISK,
                {
                  description: 'Budget freeze in Q1',
                  mitigation: 'Sign before December 20',
                  ownerSide: 'seller',
                  status: 'open',
                },
              ],
            },
          },
        ],
      },
    ]);
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Risk added.' }]);
    const list = textOf(card.findByTestId(List, 'risks-list'));
    expect(list).toContain('Budget freeze in Q1');
    expect(list).toContain('Mitigation: Sign before December 20');
    expect(card.findByTestId(Tag, 'risk-owner-new-1').text).toBe('Owned by us');
    expect(card.findByTestId(Tag, 'risk-owner-r-1').text).toBe('Owned by the buyer');
    expect(card.findByTestId(Select, 'risk-status-new-1').props.value).toBe('open');
    expect(card.findByTestId(Input, 'risk-description').props.value).toBe('');
    expect(card.findByTestId(Input, 'risk-mitigation').props.value).toBe('');
  });

  test('a risk the backend refuses stays in the form, and the alert gives the backend’s reason', async () => {
    const backend = new FakeBackend().override('save-plan', () =>
      apiError('CRM_UNAVAILABLE', 'HubSpot is not answering right now. Try again in a minute.', {
        status: 503,
      }),
    );
    const card = await renderLoaded(backend);

    typeText(card.findByTestId(Input, 'risk-description'), 'Budget freeze in Q1');
    typeText(card.findByTestId(Input, 'risk-mitigation'), 'Sign before December 20');
    fire(card.findByTestId(Select, 'risk-owner-side'), 'onChange', 'buyer');
    fire(card.findByTestId(LoadingButton, 'risk-add'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not add the risk',
      message: 'HubSpot is not answering right now. Try again in a minute.',
    });
    expect(card.findByTestId(Input, 'risk-description').props.value).toBe('Budget freeze in Q1');
    expect(card.findByTestId(Input, 'risk-mitigation').props.value).toBe('Sign before December 20');
    expect(card.findByTestId(Select, 'risk-owner-side').props.value).toBe('buyer');
    expect(card.maybeFindByTestId(List, 'risks-list')).toBeNull();
  });

  test('without a description, asks for one and sends nothing', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    fire(card.findByTestId(LoadingButton, 'risk-add'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(Input, 'risk-description').props.error).toBe(true));
    expect(card.findByTestId(Input, 'risk-description').props.validationMessage).toBe('Describe the risk.');
    expect(backend.callsOf('save-plan')).toEqual([]);
  });

  test('changing a risk’s status sends setRisks with only that status changed', async () => {
    const other = { ...RISK, id: 'r-2', description: 'Champion changes jobs', ownerSide: 'joint' as const };
    const backend = new FakeBackend(aPlan({ risks: [RISK, other] }));
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Select, 'risk-status-r-1'), 'onChange', 'mitigated');
    await card.waitFor(() =>
      expect(card.findByTestId(Select, 'risk-status-r-1').props.value).toBe('mitigated'),
    );

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [{ edit: 'setRisks', input: { risks: [{ ...RISK, status: 'mitigated' }, other] } }],
      },
    ]);
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Risk updated.' }]);
  });

  test('a status change that fails puts the saved status back and says why', async () => {
    const backend = new FakeBackend(aPlan({ risks: [RISK] })).override('save-plan', () => UNREACHABLE);
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Select, 'risk-status-r-1'), 'onChange', 'realized');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));
    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not update the risk',
      message: UNREACHABLE_MESSAGE,
    });
    expect(card.findByTestId(Select, 'risk-status-r-1').props.value).toBe('open');
    expect(card.findByTestId(Select, 'risk-status-r-1').props.readOnly).toBe(false);
  });

  test('removing a risk sends setRisks without it', async () => {
    const backend = new FakeBackend(aPlan({ risks: [RISK] }));
    const card = await renderLoaded(backend);

    fire(card.findByTestId(LoadingButton, 'remove-risk-r-1'), 'onClick');
    await card.waitFor(() => expect(card.maybeFindByTestId(List, 'risks-list')).toBeNull());

    expect(backend.callsOf('save-plan')).toEqual([
      { dealId: DEAL_ID, baseVersion: 3, edits: [{ edit: 'setRisks', input: { risks: [] } }] },
    ]);
    expect(card.findByTestId(Text, 'risks-empty').text).toBe(
      'No risks yet. Add anything that could delay or stop the deal.',
    );
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Risk removed.' }]);
  });
});
