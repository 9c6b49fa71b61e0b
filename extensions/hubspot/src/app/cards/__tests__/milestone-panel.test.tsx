import {
  Alert,
  Button,
  Checkbox,
  DateInput,
  Input,
  List,
  LoadingButton,
  Panel,
  PanelFooter,
  Select,
  Table,
  Tag,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import type { BackendResult } from '../app/backend.js';
import type { PlanResponse } from '../app/contract.js';
import { MILESTONE_PANEL_ID } from '../app/components/MilestonePanel.js';
import { DEAL_ID, deferred, FakeBackend } from '../test-utils/mocks.js';
import { fire, renderLoaded, textOf, typeText } from '../test-utils/render.js';

type Card = Awaited<ReturnType<typeof renderLoaded>>;

const UNREACHABLE = { ok: false, error: { kind: 'unreachable', timedOut: false } } as const;
const UNREACHABLE_MESSAGE =
  'Could not reach the Mutual Action Plan service. Check your connection and try again.';
const NO_CLOSE = 'The plan has no close milestone: mark the milestone where the deal is signed as the close.';

/** The panel's milestones, top to bottom, by title. */
const panelOrder = (card: Card): string[] =>
  card
    .findByTestId(List, 'panel-milestones')
    .findAll(Text, (n) => (n.props.testId ?? '').startsWith('panel-title-'))
    .map((n) => n.text ?? '');

const formHeading = (card: Card) => card.findByTestId(Text, 'milestone-form-heading').text;

/** Fills the add form completely, typing as a rep does. */
function fillNewMilestone(card: Card): void {
  typeText(card.findByTestId(Input, 'milestone-title'), 'Security review');
  typeText(card.findByTestId(Input, 'milestone-phase'), 'Commercial agreement');
  fire(card.findByTestId(DateInput, 'milestone-due'), 'onChange', { year: 2026, month: 11, date: 4 });
  fire(card.findByTestId(Select, 'milestone-seller-owner'), 'onChange', 's-seller');
  fire(card.findByTestId(Select, 'milestone-buyer-owner'), 'onChange', 's-buyer');
  fire(card.findByTestId(Select, 'milestone-visibility'), 'onChange', 'internal');
  typeText(card.findByTestId(TextArea, 'milestone-description'), 'Questionnaire and pen test report');
  typeText(card.findByTestId(TextArea, 'milestone-success-criteria'), 'Security signs off');
}

describe('the milestones panel', () => {
  test('lists the milestones in plan order, each marked internal or shared with the buyer', async () => {
    const card = await renderLoaded();
    expect(card.findByTestId(Panel, 'milestone-panel').props.id).toBe(MILESTONE_PANEL_ID);
    expect(panelOrder(card)).toEqual([
      'Discovery call',
      'Tailored demo',
      'Pricing approval',
      'Order form signed',
    ]);
    expect(card.findByTestId(Tag, 'panel-visibility-m-pricing').text).toBe('Internal');
    expect(card.findByTestId(Tag, 'panel-visibility-m-pricing').props.variant).toBe('warning');
    expect(card.findByTestId(Tag, 'panel-visibility-m-demo').text).toBe('Shared with the buyer');
    expect(card.findByTestId(Text, 'panel-details-m-pricing').text).toBe(
      'Commercial agreement · due Dec 1, 2026',
    );
  });

  test('has one primary button, Add milestone at the bottom, and the card keeps its own single primary', async () => {
    const card = await renderLoaded();
    const panel = card.findByTestId(Panel, 'milestone-panel');
    const primaries = (root: Card | typeof panel) => [
      ...root.findAll(Button, { variant: 'primary' }).map((b) => b.props.testId),
      ...root.findAll(LoadingButton, { variant: 'primary' }).map((b) => b.props.testId),
    ];
    expect(primaries(panel)).toEqual(['milestone-form-save']);
    // On the card itself: Manage milestones (the panel's own primary lives in its overlay).
    expect(primaries(card)).toEqual(['manage-milestones', 'milestone-form-save']);
    expect(panel.find(PanelFooter).find(LoadingButton, { variant: 'primary' }).props.testId).toBe(
      'milestone-form-save',
    );
  });

  test('Close closes the panel', async () => {
    const card = await renderLoaded();
    fire(card.findByTestId(Button, 'milestone-panel-close'), 'onClick');
    expect(card.mocks.actions.closeOverlay.calls).toEqual([[MILESTONE_PANEL_ID]]);
  });
});

describe('adding a milestone', () => {
  test('sends addMilestone with every field, shows it in its phase with its visibility, and empties the form', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    expect(formHeading(card)).toBe('Add a milestone');
    expect(card.findByTestId(LoadingButton, 'milestone-form-save').props.variant).toBe('primary');

    fillNewMilestone(card);
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [
          {
            edit: 'addMilestone',
            input: {
              title: 'Security review',
              phase: 'Commercial agreement',
              description: 'Questionnaire and pen test report',
              sellerOwnerId: 's-seller',
              buyerOwnerId: 's-buyer',
              visibility: 'internal',
              successCriteria: 'Security signs off',
              dueDate: '2026-12-04',
            },
          },
        ],
      },
    ]);
    expect(card.alerts()).toEqual([{ type: 'success', message: '“Security review” added.' }]);
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(1);
    expect(textOf(card.findByTestId(Table, 'phase-Commercial agreement'))).toContain('Security review');
    expect(card.findByTestId(Tag, 'visibility-new-1').text).toBe('Internal: hidden from the buyer');
    expect(panelOrder(card)).toContain('Security review');
    expect(card.findByTestId(Tag, 'panel-visibility-new-1').text).toBe('Internal');
    // Ready for the next one: nothing left over, the date picker included.
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('');
    expect(card.findByTestId(Input, 'milestone-phase').props.value).toBe('');
    expect(card.findByTestId(DateInput, 'milestone-due').props.value ?? null).toBeNull();
    expect(card.findByTestId(Select, 'milestone-seller-owner').props.value).toBe('');
    expect(card.findByTestId(Select, 'milestone-visibility').props.value).toBe('shared');
    expect(card.findByTestId(TextArea, 'milestone-success-criteria').props.value).toBe('');
  });

  test('without a title or a due date, says what is missing and sends nothing', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    typeText(card.findByTestId(Input, 'milestone-phase'), 'Commercial agreement');
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(Input, 'milestone-title').props.error).toBe(true));
    expect(card.findByTestId(Input, 'milestone-title').props.validationMessage).toBe(
      'Give the milestone a title.',
    );
    expect(card.findByTestId(DateInput, 'milestone-due').props.error).toBe(true);
    expect(card.findByTestId(DateInput, 'milestone-due').props.validationMessage).toBe('Choose a due date.');
    expect(backend.callsOf('save-plan')).toEqual([]);
    expect(card.findByTestId(Input, 'milestone-phase').props.value).toBe('Commercial agreement');
  });

  test('a milestone that could not be saved stays in the form as the rep filled it', async () => {
    const backend = new FakeBackend().override('save-plan', () => UNREACHABLE);
    const card = await renderLoaded(backend);

    fillNewMilestone(card);
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not add the milestone',
      message: UNREACHABLE_MESSAGE,
    });
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('Security review');
    expect(card.findByTestId(Input, 'milestone-phase').props.value).toBe('Commercial agreement');
    expect(card.findByTestId(DateInput, 'milestone-due').props.value).toEqual({
      year: 2026,
      month: 11,
      date: 4,
    });
    expect(card.findByTestId(Select, 'milestone-seller-owner').props.value).toBe('s-seller');
    expect(card.findByTestId(Select, 'milestone-buyer-owner').props.value).toBe('s-buyer');
    expect(card.findByTestId(Select, 'milestone-visibility').props.value).toBe('internal');
    expect(card.findByTestId(TextArea, 'milestone-description').props.value).toBe(
      'Questionnaire and pen test report',
    );
    expect(card.findByTestId(TextArea, 'milestone-success-criteria').props.value).toBe('Security signs off');
    expect(card.findByTestId(LoadingButton, 'milestone-form-save').props.loading).toBe(false);
    expect(panelOrder(card)).not.toContain('Security review');
  });

  test('when someone else saved first, the new milestone stays in the form and the card offers a reload', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    // Another user saves while this rep fills the form.
    backend.plan = { ...backend.plan, version: 4 };

    fillNewMilestone(card);
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(Alert, 'conflict-alert')).toBeTruthy());

    expect(backend.callsOf('save-plan')[0]?.baseVersion).toBe(3);
    expect(card.alerts()).toEqual([
      expect.objectContaining({ type: 'warning', title: 'Someone else changed this plan' }),
    ]);
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('Security review');
    expect(card.findByTestId(DateInput, 'milestone-due').props.value).toEqual({
      year: 2026,
      month: 11,
      date: 4,
    });
    expect(card.findByTestId(Select, 'milestone-visibility').props.value).toBe('internal');

    // After the reload the rep's draft is still there, and saving it now works.
    fire(card.findByTestId(LoadingButton, 'conflict-reload'), 'onClick');
    await card.waitFor(() => expect(card.maybeFindByTestId(Alert, 'conflict-alert')).toBeNull());
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('Security review');
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(panelOrder(card)).toContain('Security review'));
    expect(backend.callsOf('save-plan')[1]?.baseVersion).toBe(4);
  });

  test('owner choices list each side’s stakeholders only', async () => {
    const card = await renderLoaded();
    expect(card.findByTestId(Select, 'milestone-seller-owner').props.options).toEqual([
      { label: 'No owner yet', value: '' },
      { label: 'Sam Seller', value: 's-seller' },
    ]);
    expect(card.findByTestId(Select, 'milestone-buyer-owner').props.options).toEqual([
      { label: 'No owner yet', value: '' },
      { label: 'Bea Buyer', value: 's-buyer' },
    ]);
  });
});

describe('editing a milestone', () => {
  test('fills the form, sends only the changed fields, shows the change, and goes back to adding', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'edit-m-demo'), 'onClick');
    await card.waitFor(() => expect(formHeading(card)).toBe('Edit “Tailored demo”'));
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('Tailored demo');
    expect(card.findByTestId(Select, 'milestone-visibility').props.value).toBe('shared');
    expect(card.findByTestId(LoadingButton, 'milestone-form-save').text).toBe('Save milestone');
    // The due date moves from the row, with a reason; the form says so instead of offering a picker.
    expect(card.maybeFindByTestId(DateInput, 'milestone-due')).toBeNull();
    expect(card.findByTestId(Text, 'milestone-due-note').text).toBe(
      'Due Nov 24, 2026. To change the date, use Move date in the milestone’s row: it asks for a reason.',
    );

    typeText(card.findByTestId(Input, 'milestone-title'), 'Tailored demo for finance');
    fire(card.findByTestId(Select, 'milestone-visibility'), 'onChange', 'internal');
    typeText(card.findByTestId(TextArea, 'milestone-success-criteria'), 'Finance signs off the scenario');
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [
          {
            edit: 'updateMilestone',
            input: {
              milestoneId: 'm-demo',
              patch: {
                title: 'Tailored demo for finance',
                visibility: 'internal',
                successCriteria: 'Finance signs off the scenario',
              },
            },
          },
        ],
      },
    ]);
    expect(card.alerts()).toEqual([{ type: 'success', message: '“Tailored demo for finance” saved.' }]);
    expect(card.findByTestId(Tag, 'visibility-m-demo').text).toBe('Internal: hidden from the buyer');
    expect(card.findByTestId(Tag, 'panel-visibility-m-demo').text).toBe('Internal');
    expect(textOf(card.findByTestId(Table, 'phase-Agree on the problem'))).toContain(
      'Tailored demo for finance',
    );
    expect(formHeading(card)).toBe('Add a milestone');
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('');
  });

  test('making an internal milestone shared sends visibility shared', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    fire(card.findByTestId(Button, 'edit-m-pricing'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(Select, 'milestone-visibility').props.value).toBe('internal'),
    );
    fire(card.findByTestId(Select, 'milestone-visibility'), 'onChange', 'shared');
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(card.maybeFindByTestId(Tag, 'visibility-m-pricing')).toBeNull());
    expect(backend.callsOf('save-plan')[0]?.edits).toEqual([
      { edit: 'updateMilestone', input: { milestoneId: 'm-pricing', patch: { visibility: 'shared' } } },
    ]);
  });

  test('saving without changing anything sends nothing and goes back to adding', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    fire(card.findByTestId(Button, 'edit-m-demo'), 'onClick');
    await card.waitFor(() => expect(formHeading(card)).toBe('Edit “Tailored demo”'));
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(formHeading(card)).toBe('Add a milestone'));
    expect(backend.callsOf('save-plan')).toEqual([]);
    expect(card.alerts()).toEqual([]);
  });

  test('Cancel edit drops the changes and goes back to adding', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    fire(card.findByTestId(Button, 'edit-m-demo'), 'onClick');
    await card.waitFor(() => expect(formHeading(card)).toBe('Edit “Tailored demo”'));
    typeText(card.findByTestId(Input, 'milestone-title'), 'Something else');
    fire(card.findByTestId(Button, 'milestone-form-cancel'), 'onClick');
    await card.waitFor(() => expect(formHeading(card)).toBe('Add a milestone'));
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('');
    expect(backend.callsOf('save-plan')).toEqual([]);
  });

  test('an edit the backend refuses stays in the form, still editing, with the backend’s reason', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    fire(card.findByTestId(Button, 'edit-m-sign'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(Checkbox, 'milestone-is-close').props.checked).toBe(true),
    );

    fire(card.findByTestId(Checkbox, 'milestone-is-close'), 'onChange', false);
    typeText(card.findByTestId(TextArea, 'milestone-description'), 'DocuSign to the CFO');
    fire(card.findByTestId(LoadingButton, 'milestone-form-save'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(backend.callsOf('save-plan')[0]?.edits).toEqual([
      {
        edit: 'updateMilestone',
        input: { milestoneId: 'm-sign', patch: { description: 'DocuSign to the CFO', isClose: false } },
      },
    ]);
    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not save the milestone',
      message: NO_CLOSE,
    });
    expect(formHeading(card)).toBe('Edit “Order form signed”');
    expect(card.findByTestId(Checkbox, 'milestone-is-close').props.checked).toBe(false);
    expect(card.findByTestId(TextArea, 'milestone-description').props.value).toBe('DocuSign to the CFO');
  });
});

describe('reordering milestones', () => {
  test('Move up sends the whole new order, shows it is working, then shows the new order', async () => {
    const backend = new FakeBackend();
    const release = deferred<void>();
    backend.override('save-plan', async (input) => {
      await release.promise;
      return backend.answerAsBackend('save-plan', input);
    });
    const card = await renderLoaded(backend);
    expect(card.findByTestId(LoadingButton, 'up-m-discovery').props.disabled).toBe(true);
    expect(card.findByTestId(LoadingButton, 'down-m-sign').props.disabled).toBe(true);

    fire(card.findByTestId(LoadingButton, 'up-m-pricing'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'up-m-pricing').props.loading).toBe(true),
    );
    expect(card.findByTestId(LoadingButton, 'down-m-demo').props.disabled).toBe(true);
    release.resolve();
    await card.waitFor(() =>
      expect(panelOrder(card)).toEqual([
        'Discovery call',
        'Pricing approval',
        'Tailored demo',
        'Order form signed',
      ]),
    );

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [
          {
            edit: 'reorderMilestones',
            input: { milestoneIds: ['m-discovery', 'm-pricing', 'm-demo', 'm-sign'] },
          },
        ],
      },
    ]);
    expect(card.alerts()).toEqual([{ type: 'success', message: '“Pricing approval” moved up.' }]);
  });

  test('Move down sends the whole new order; a failure keeps the old order and says why', async () => {
    const backend = new FakeBackend().override('save-plan', () => UNREACHABLE);
    const card = await renderLoaded(backend);

    fire(card.findByTestId(LoadingButton, 'down-m-discovery'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));
    expect(backend.callsOf('save-plan')[0]?.edits).toEqual([
      {
        edit: 'reorderMilestones',
        input: { milestoneIds: ['m-demo', 'm-discovery', 'm-pricing', 'm-sign'] },
      },
    ]);
    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not move “Discovery call”',
      message: UNREACHABLE_MESSAGE,
    });
    expect(panelOrder(card)).toEqual([
      'Discovery call',
      'Tailored demo',
      'Pricing approval',
      'Order form signed',
    ]);
  });
});

describe('removing a milestone', () => {
  test('asks first; Cancel keeps it and sends nothing', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-m-demo'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(Text, 'remove-confirm-text-m-demo').text).toBe(
        'Remove “Tailored demo” from the plan? Its history stays in the activity log.',
      ),
    );
    expect(card.findByTestId(LoadingButton, 'remove-confirm-m-demo').props.variant).toBe('destructive');
    expect(card.findByTestId(LoadingButton, 'milestone-form-save').props.disabled).toBe(false);

    fire(card.findByTestId(Button, 'remove-cancel-m-demo'), 'onClick');
    await card.waitFor(() =>
      expect(card.maybeFindByTestId(LoadingButton, 'remove-confirm-m-demo')).toBeNull(),
    );
    expect(backend.callsOf('save-plan')).toEqual([]);
    expect(panelOrder(card)).toContain('Tailored demo');
  });

  test('once confirmed, sends removeMilestone and the milestone leaves the card and the panel', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-m-demo'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(LoadingButton, 'remove-confirm-m-demo')).toBeTruthy());
    fire(card.findByTestId(LoadingButton, 'remove-confirm-m-demo'), 'onClick');
    await card.waitFor(() => expect(card.maybeFindByTestId(Select, 'status-m-demo')).toBeNull());

    expect(backend.callsOf('save-plan')).toEqual([
      {
        dealId: DEAL_ID,
        baseVersion: 3,
        edits: [{ edit: 'removeMilestone', input: { milestoneId: 'm-demo' } }],
      },
    ]);
    expect(panelOrder(card)).toEqual(['Discovery call', 'Pricing approval', 'Order form signed']);
    expect(card.alerts()).toEqual([{ type: 'success', message: '“Tailored demo” removed.' }]);
    expect(card.mocks.actions.refreshObjectProperties.callCount).toBe(1);
  });

  test('removing the milestone being edited also ends the edit', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);
    fire(card.findByTestId(Button, 'edit-m-demo'), 'onClick');
    await card.waitFor(() => expect(formHeading(card)).toBe('Edit “Tailored demo”'));

    fire(card.findByTestId(Button, 'remove-m-demo'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(LoadingButton, 'remove-confirm-m-demo')).toBeTruthy());
    fire(card.findByTestId(LoadingButton, 'remove-confirm-m-demo'), 'onClick');
    await card.waitFor(() => expect(panelOrder(card)).not.toContain('Tailored demo'));

    expect(formHeading(card)).toBe('Add a milestone');
    expect(card.findByTestId(Input, 'milestone-title').props.value).toBe('');
    expect(card.findByTestId(DateInput, 'milestone-due').props.value ?? null).toBeNull();
  });

  test('the close milestone is refused with the backend’s reason, and stays', async () => {
    const backend = new FakeBackend();
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-m-sign'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(LoadingButton, 'remove-confirm-m-sign')).toBeTruthy());
    fire(card.findByTestId(LoadingButton, 'remove-confirm-m-sign'), 'onClick');
    await card.waitFor(() => expect(card.alerts()).toHaveLength(1));

    expect(backend.callsOf('save-plan')[0]?.edits).toEqual([
      { edit: 'removeMilestone', input: { milestoneId: 'm-sign' } },
    ]);
    expect(card.alerts()[0]).toEqual({
      type: 'danger',
      title: 'Could not remove “Order form signed”',
      message: NO_CLOSE,
    });
    expect(panelOrder(card)).toContain('Order form signed');
    await card.waitFor(() =>
      expect(card.maybeFindByTestId(LoadingButton, 'remove-confirm-m-sign')).toBeNull(),
    );
  });

  test('shows it is working while the removal is saving, and nothing else can start', async () => {
    const backend = new FakeBackend();
    const answer = deferred<BackendResult<PlanResponse>>();
    backend.override('save-plan', () => answer.promise);
    const card = await renderLoaded(backend);

    fire(card.findByTestId(Button, 'remove-m-demo'), 'onClick');
    await card.waitFor(() => expect(card.findByTestId(LoadingButton, 'remove-confirm-m-demo')).toBeTruthy());
    fire(card.findByTestId(LoadingButton, 'remove-confirm-m-demo'), 'onClick');
    await card.waitFor(() =>
      expect(card.findByTestId(LoadingButton, 'remove-confirm-m-demo').props.loading).toBe(true),
    );
    expect(card.findByTestId(Button, 'remove-cancel-m-demo').props.disabled).toBe(true);
    expect(card.findByTestId(LoadingButton, 'milestone-form-save').props.disabled).toBe(true);
    expect(card.findByTestId(Button, 'edit-m-pricing').props.disabled).toBe(true);

    answer.resolve(backend.answerAsBackend('save-plan', backend.callsOf('save-plan')[0]!));
    await card.waitFor(() => expect(panelOrder(card)).not.toContain('Tailored demo'));
  });
});
