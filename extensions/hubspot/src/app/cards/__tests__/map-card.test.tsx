import {
  Alert,
  Button,
  DateInput,
  ErrorState,
  LoadingButton,
  LoadingSpinner,
  ProgressBar,
  Select,
  StatusTag,
  Table,
  TableRow,
  Tag,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { emptyPlan } from '../generated/contract/src/domain/model.js';
import type { BackendResult } from '../app/backend.js';
import type { PlanResponse } from '../app/contract.js';
import { VALUE_SUMMARY_HINT } from '../app/components/ValueSummary.js';
import { aPlan, apiError, DEAL_ID, deferred, FakeBackend, respond } from '../test-utils/mocks.js';
import { fire, renderCard, textOf } from '../test-utils/render.js';

const loaded = async (card: ReturnType<typeof renderCard>) =>
  card.waitFor(() => expect(card.findByTestId(StatusTag, 'health-tag')).toBeTruthy());

describe('loading', () => {
  test('shows a spinner until the plan arrives, then the header from the projection', async () => {
    const backend = new FakeBackend();
    const answer = deferred<BackendResult<PlanResponse>>();
    backend.override('get-plan', () => answer.promise);
    const card = renderCard(backend);

    expect(card.findByTestId(LoadingSpinner, 'plan-loading').props.label).toBe(
      'Loading the mutual action plan',
    );
    answer.resolve({ ok: true, value: respond(backend.plan) });
    await loaded(card);

    expect(backend.callsOf('get-plan')).toEqual([{ dealId: DEAL_ID }]);
    expect(card.findByTestId(ProgressBar, 'plan-progress').props.value).toBe(25);
    expect(card.findByTestId(StatusTag, 'health-tag').text).toBe('On track');
    expect(card.findByTestId(Text, 'current-phase').text).toBe('Agree on the problem');
    expect(card.findByTestId(Text, 'next-step').text).toBe('Tailored demo · due Nov 24, 2026');
    expect(card.findByTestId(Tag, 'next-step-owner').text).toBe('Joint move');
    expect(card.findByTestId(Text, 'projected-close').text).toBe('Dec 11, 2026 · target Dec 11, 2026');
    expect(card.findByTestId(Text, 'slip').text).toBe('On schedule');
  });

  test('a plan that loaded with problems says so above the plan, with what the rep can do', async () => {
    const backend = new FakeBackend();
    const notice =
      'Part of this plan could not be read from HubSpot (one problem, such as a step whose record was deleted). Your next change saves it as shown, which repairs it.';
    backend.override('get-plan', () => ({
      ok: true,
      value: { ...respond(backend.plan), repairNotice: notice },
    }));
    const card = renderCard(backend);
    await loaded(card);
    const alert = card.findByTestId(Alert, 'repair-alert');
    expect(alert.props.title).toBe('Part of this plan could not be read');
    expect(alert.text).toBe(notice);
  });

  test('a plan that loaded whole shows no repair notice', async () => {
    const card = renderCard(new FakeBackend());
    await loaded(card);
    expect(card.maybeFindByTestId(Alert, 'repair-alert')).toBeNull();
  });

  test('a plan that cannot be loaded shows an error state with a retry that loads it', async () => {
    const backend = new FakeBackend().override('get-plan', () => ({
      ok: false,
      error: { kind: 'unreachable', timedOut: false },
    }));
    const card = renderCard(backend);
    await card.waitFor(() => expect(card.findByTestId(ErrorState, 'plan-error')).toBeTruthy());
    expect(card.alerts()).toEqual([
      expect.objectContaining({ type: 'danger', title: 'Could not load the plan' }),
    ]);

    fire(card.findByTestId(LoadingButton, 'plan-retry'), 'onClick');
    await loaded(card);
    expect(backend.callsOf('get-plan')).toHaveLength(2);
  });
});

describe('empty state', () => {
  test('choosing a template and a target close date previews the dated milestones; Create plan applies it', async () => {
    const backend = new FakeBackend(emptyPlan({ crm: 'hubspot', accountId: '123', dealId: DEAL_ID }), false);
    const templates = deferred<void>();
    backend.override('list-templates', async () => {
      await templates.promise;
      return backend.answerAsBackend('list-templates', {});
    });
    const card = renderCard(backend);
    await card.waitFor(() => expect(card.findByTestId(LoadingSpinner, 'templates-loading')).toBeTruthy());
    templates.resolve();
    await card.waitFor(() => expect(card.findByTestId(Select, 'template-select')).toBeTruthy());
    expect(card.findByTestId(LoadingButton, 'create-plan').props.disabled).toBe(true);

    fire(card.findByTestId(Select, 'template-select'), 'onChange', 'smb-quick-close');
    fire(card.findByTestId(DateInput, 'target-close-date'), 'onChange', { year: 2026, month: 11, date: 11 });

    await card.waitFor(() => expect(card.findByTestId(Table, 'preview-table')).toBeTruthy());
    const rows = card.findByTestId(Table, 'preview-table').findAll(TableRow);
    // A header row, then one row per milestone of the template, dated back from Dec 11.
    expect(rows.length).toBeGreaterThan(4);
    expect(textOf(rows[1]!)).toContain('Discovery call');
    expect(textOf(card.findByTestId(Table, 'preview-table'))).toContain('Dec 11, 2026');

    const create = card.findByTestId(LoadingButton, 'create-plan');
    expect(create.props.disabled).toBe(false);
    expect(create.props.variant).toBe('primary');
    fire(create, 'onClick');
    await loaded(card);

    expect(backend.callsOf('apply-template')).toEqual([
      { dealId: DEAL_ID, baseVersion: 0, templateId: 'smb-quick-close', targetCloseDate: '2026-12-11' },
    ]);
    expect(textOf(card.findByTestId(Table, 'phase-Agree on the problem'))).toContain('Discovery call');
    expect(card.alerts()).toContainEqual(expect.objectContaining({ type: 'success' }));
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(1);
  });

  test('a target close date too soon for the template shows the earliest date that fits, and no Create', async () => {
    const card = renderCard(
      new FakeBackend(emptyPlan({ crm: 'hubspot', accountId: '123', dealId: DEAL_ID }), false),
    );
    await card.waitFor(() => expect(card.findByTestId(Select, 'template-select')).toBeTruthy());
    fire(card.findByTestId(Select, 'template-select'), 'onChange', 'enterprise-deal');
    fire(card.findByTestId(DateInput, 'target-close-date'), 'onChange', { year: 2026, month: 10, date: 20 });
    await card.waitFor(() => expect(card.findByTestId(Alert, 'preview-problem')).toBeTruthy());
    expect(card.findByTestId(Alert, 'preview-problem').props.title).toBe('Choose a later target close date');
    expect(textOf(card.findByTestId(Alert, 'preview-problem'))).toContain(
      'The earliest feasible target close date is',
    );
    expect(card.findByTestId(LoadingButton, 'create-plan').props.disabled).toBe(true);
  });

  test('a target close date so late that steps after the close pass 2100 asks for an earlier date, and no Create', async () => {
    const card = renderCard(
      new FakeBackend(emptyPlan({ crm: 'hubspot', accountId: '123', dealId: DEAL_ID }), false),
    );
    await card.waitFor(() => expect(card.findByTestId(Select, 'template-select')).toBeTruthy());
    fire(card.findByTestId(Select, 'template-select'), 'onChange', 'enterprise-deal');
    fire(card.findByTestId(DateInput, 'target-close-date'), 'onChange', { year: 2100, month: 11, date: 30 });
    await card.waitFor(() => expect(card.findByTestId(Alert, 'preview-problem')).toBeTruthy());
    expect(card.findByTestId(Alert, 'preview-problem').props.title).toBe(
      'Choose an earlier target close date',
    );
    expect(textOf(card.findByTestId(Alert, 'preview-problem'))).toContain(
      'The latest feasible target close date is',
    );
    expect(card.findByTestId(LoadingButton, 'create-plan').props.disabled).toBe(true);
  });
});

describe('milestones', () => {
  test('a status change sends update-milestone on the loaded version, shows it is saving, then updates the header', async () => {
    const backend = new FakeBackend();
    const card = renderCard(backend);
    await loaded(card);
    const release = deferred<void>();
    backend.override('update-milestone', async (input) => {
      await release.promise;
      return backend.answerAsBackend('update-milestone', input);
    });

    fire(card.findByTestId(Select, 'status-m-demo'), 'onChange', 'done');
    await card.waitFor(() => expect(card.findByTestId(LoadingSpinner, 'status-saving-m-demo')).toBeTruthy());
    expect(card.findByTestId(Select, 'status-m-pricing').props.readOnly).toBe(true);
    release.resolve();
    await card.waitFor(() => expect(card.findByTestId(ProgressBar, 'plan-progress').props.value).toBe(50));

    expect(backend.callsOf('update-milestone')[0]).toEqual({
      milestoneId: 'm-demo',
      status: 'done',
      dealId: DEAL_ID,
      baseVersion: 3,
    });
    expect(card.findByTestId(Text, 'next-step').text).toBe('Pricing approval · due Dec 1, 2026');
    expect(card.findByTestId(Text, 'current-phase').text).toBe('Commercial agreement');
    expect(card.findByTestId(Select, 'status-m-demo').props.value).toBe('done');
    expect(card.maybeFindByTestId(LoadingSpinner, 'status-saving-m-demo')).toBeNull();
    expect(card.alerts()).toEqual([{ type: 'success', message: '“Tailored demo” is now done.' }]);
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(1);
  });

  test('internal milestones are marked internal, shared ones carry no mark, and a moved date carries a slip badge', async () => {
    const card = renderCard();
    await loaded(card);
    expect(card.findByTestId(Tag, 'visibility-m-pricing').text).toBe('Internal: hidden from the buyer');
    expect(card.findByTestId(Tag, 'visibility-m-pricing').props.variant).toBe('warning');
    expect(card.maybeFindByTestId(Tag, 'visibility-m-demo')).toBeNull();
    expect(card.findByTestId(Tag, 'slip-m-demo').text).toBe('+5 d vs. agreed');
    expect(card.maybeFindByTestId(Tag, 'slip-m-sign')).toBeNull();
    // Grouped by phase, in plan order.
    expect(textOf(card.findByTestId(Table, 'phase-Commercial agreement'))).toContain('Pricing approval');
    expect(textOf(card.findByTestId(Table, 'phase-Agree on the problem'))).not.toContain('Pricing approval');
  });

  test('moving a date asks for a reason, then sends the date and the reason', async () => {
    const backend = new FakeBackend();
    const card = renderCard(backend);
    await loaded(card);
    fire(card.findByTestId(Button, 'move-date-m-sign'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(TextArea, 'move-date-reason')).toBeTruthy());

    fire(card.findByTestId(DateInput, 'move-date-input'), 'onChange', { year: 2026, month: 11, date: 18 });
    fire(card.findByTestId(LoadingButton, 'move-date-save'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(TextArea, 'move-date-reason').props.error).toBe(true));
    expect(card.findByTestId(TextArea, 'move-date-reason').props.validationMessage).toBe(
      'Give a reason for the move.',
    );
    expect(backend.callsOf('update-milestone')).toEqual([]);

    fire(card.findByTestId(TextArea, 'move-date-reason'), 'onChange', 'Legal review needs another week.');
    fire(card.findByTestId(LoadingButton, 'move-date-save'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(Tag, 'slip-m-sign').text).toBe('+7 d vs. agreed'));

    expect(backend.callsOf('update-milestone')).toEqual([
      {
        milestoneId: 'm-sign',
        dueDate: '2026-12-18',
        reason: 'Legal review needs another week.',
        dealId: DEAL_ID,
        baseVersion: 3,
      },
    ]);
    expect(card.findByTestId(Text, 'slip').text).toBe('7 days late');
    expect(card.maybeFindByTestId(TextArea, 'move-date-reason')).toBeNull();
  });
});

describe('errors and conflicts', () => {
  test('a backend error raises a danger alert with the backend’s message and keeps the plan as it was', async () => {
    const backend = new FakeBackend().override('update-milestone', () =>
      apiError('CRM_RATE_LIMITED', 'HubSpot is limiting requests for this account right now.', {
        status: 429,
        retryAfterSeconds: 2,
      }),
    );
    const card = renderCard(backend);
    await loaded(card);
    fire(card.findByTestId(Select, 'status-m-demo'), 'onChange', 'blocked');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not change the status',
      message: 'HubSpot is limiting requests for this account right now. Try again in 2 s.',
    });
    expect(card.findByTestId(Select, 'status-m-demo').props.value).toBe('not_started');
    expect(card.findByTestId(Select, 'status-m-demo').props.readOnly).toBe(false);
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(0);
  });

  test('a version conflict shows what the other edit changed and offers a reload that brings the new plan', async () => {
    const backend = new FakeBackend();
    backend.override('save-plan', () =>
      apiError('VERSION_CONFLICT', 'Someone changed this plan since you loaded it (now version 4).', {
        status: 409,
        currentVersion: 4,
        changesSince: [
          {
            at: '2026-11-16T14:02:00.000Z',
            actor: 'user:7',
            kind: 'due_date_moved',
            text: 'Moved “Tailored demo” to Nov 26, 2026: buyer travelling.',
            milestoneId: 'm-demo',
          },
        ],
      }),
    );
    const card = renderCard(backend);
    await loaded(card);

    fire(card.findByTestId(TextArea, 'value-summary-input'), 'onChange', 'A new summary.');
    fire(card.findByTestId(LoadingButton, 'value-summary-save'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(Alert, 'conflict-alert')).toBeTruthy());

    expect(textOf(card.findByTestId(Alert, 'conflict-alert'))).toContain(
      'Nov 16, 2026 14:02 UTC: Moved “Tailored demo” to Nov 26, 2026: buyer travelling.',
    );
    expect(card.alerts()).toEqual([
      expect.objectContaining({ type: 'warning', title: 'Someone else changed this plan' }),
    ]);

    backend.plan = aPlan({ version: 4, title: 'Acme rollout (their edit)' });
    fire(card.findByTestId(LoadingButton, 'conflict-reload'), 'onClick');
    await card.waitFor(() => expect(card.maybeFindByTestId(Alert, 'conflict-alert')).toBeNull());
    expect(textOf(card.getRootNode())).toContain('Acme rollout (their edit)');
    expect(backend.callsOf('get-plan')).toHaveLength(2);
  });
});

describe('value summary', () => {
  test('hints at a buyer-centric 3–4 sentence summary, counts sentences, and saves with setValueSummary', async () => {
    const backend = new FakeBackend();
    const card = renderCard(backend);
    await loaded(card);
    const input = card.findByTestId(TextArea, 'value-summary-input');
    expect(input.props.description).toBe(VALUE_SUMMARY_HINT);
    expect(card.findByTestId(Text, 'value-summary-count').text).toBe('1 sentence — aim for 3–4.');
    expect(card.findByTestId(LoadingButton, 'value-summary-save').props.disabled).toBe(true);

    const summary =
      'Acme loses two days a month reconciling orders. With automated matching, month-end closes in three days. Finance will measure hours saved. The audit in March makes it urgent.';
    fire(input, 'onChange', summary);
    await card.waitFor(() => expect(card.findByTestId(Text, 'value-summary-count').text).toBe('4 sentences'));
    fire(card.findByTestId(LoadingButton, 'value-summary-save'), 'onClick');
    await card.waitFor(() => expect(backend.plan.valueSummary).toBe(summary));

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [{ edit: 'setValueSummary', input: { valueSummary: summary } }],
      },
    ]);
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'value-summary-save').props.disabled).toBe(true),
    );
    expect(card.alerts()).toEqual([{ type: 'success', message: 'Value summary saved.' }]);
  });
});
