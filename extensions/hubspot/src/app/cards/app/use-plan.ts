/**
 * The plan as the card holds it, and every action on it. Each action: refuses to start while another runs
 * (one save at a time keeps versions in order), marks itself busy so its button shows it is working, then
 * either takes the backend's answer (new plan, projection and version), says so with a success alert and
 * refreshes the deal's property panels, or says what went wrong. A version conflict keeps the rep's plan on
 * screen and offers a reload with the changes the other edit made.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, type BackendError, type BackendResult, type MapBackend } from './backend.js';
import type { ActivityEntry, FunctionInput, PlanEdit, PlanResponse } from './contract.js';

/** The host actions the card uses (the extension API's actions satisfy it). */
export interface CardActions {
  addAlert(alert: {
    type?: 'info' | 'warning' | 'success' | 'danger' | 'tip';
    title?: string;
    message: string;
  }): void;
  refreshObjectProperties(): void;
}

export type PlanState =
  | { readonly phase: 'loading' }
  | { readonly phase: 'failed'; readonly error: BackendError }
  | { readonly phase: 'ready'; readonly response: PlanResponse };

export interface Conflict {
  readonly message: string;
  readonly currentVersion: number | null;
  readonly changesSince: readonly ActivityEntry[];
}

/** What an action is called in its alerts: "Could not <verb>", and the success sentence. */
export interface ActionText {
  readonly verb: string;
  readonly done: string;
}

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type UpdateMilestoneChange = Without<FunctionInput<'update-milestone'>, 'dealId' | 'baseVersion'>;
export type NewStakeholder = Without<FunctionInput<'add-stakeholder'>, 'dealId' | 'baseVersion'>;

export interface PlanController {
  readonly state: PlanState;
  /** The key of the action in flight (see the components' busy keys), or null. */
  readonly busy: string | null;
  readonly conflict: Conflict | null;
  reload(): Promise<void>;
  saveEdits(key: string, text: ActionText, edits: readonly PlanEdit[]): Promise<boolean>;
  updateMilestone(key: string, text: ActionText, change: UpdateMilestoneChange): Promise<boolean>;
  applyTemplate(key: string, text: ActionText, templateId: string, targetCloseDate: string): Promise<boolean>;
  addStakeholder(key: string, text: ActionText, stakeholder: NewStakeholder): Promise<boolean>;
  removeStakeholder(key: string, text: ActionText, stakeholderId: string): Promise<boolean>;
}

export function usePlan(backend: MapBackend, dealId: string, actions: CardActions): PlanController {
  const [state, setState] = useState<PlanState>({ phase: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  // The latest values for async callbacks: a second click must see the first one's busy flag at once.
  const busyRef = useRef<string | null>(null);
  const versionRef = useRef(0);
  // The host may hand a new actions object on each render; reading it through a ref keeps the callbacks
  // (and the load effect) stable.
  const actionsRef = useRef(actions);
  actionsRef.current = actions;

  const accept = useCallback((response: PlanResponse) => {
    versionRef.current = response.version;
    setState({ phase: 'ready', response });
  }, []);

  const reload = useCallback(async () => {
    setState((s) => (s.phase === 'ready' ? s : { phase: 'loading' }));
    busyRef.current = 'reload';
    setBusy('reload');
    const result = await backend.call('get-plan', { dealId });
    busyRef.current = null;
    setBusy(null);
    if (result.ok) {
      accept(result.value);
      setConflict(null);
    } else {
      setState((s) => (s.phase === 'ready' ? s : { phase: 'failed', error: result.error }));
      actionsRef.current.addAlert({
        type: 'danger',
        title: 'Could not load the plan',
        message: describeError(result.error),
      });
    }
  }, [backend, dealId, accept]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const run = useCallback(
    async (
      key: string,
      text: ActionText,
      call: (baseVersion: number) => Promise<BackendResult<PlanResponse>>,
    ) => {
      if (busyRef.current !== null) return false;
      busyRef.current = key;
      setBusy(key);
      const result = await call(versionRef.current);
      busyRef.current = null;
      setBusy(null);
      if (result.ok) {
        accept(result.value);
        setConflict(null);
        actionsRef.current.addAlert({ type: 'success', message: text.done });
        actionsRef.current.refreshObjectProperties();
        return true;
      }
      const error = result.error;
      if (error.kind === 'api' && error.code === 'VERSION_CONFLICT') {
        setConflict({
          message: error.message,
          currentVersion: error.currentVersion,
          changesSince: error.changesSince,
        });
        actionsRef.current.addAlert({
          type: 'warning',
          title: 'Someone else changed this plan',
          message: 'Your change was not saved. Reload the plan to see their changes, then make yours again.',
        });
        return false;
      }
      actionsRef.current.addAlert({
        type: 'danger',
        title: `Could not ${text.verb}`,
        message: describeError(error),
      });
      return false;
    },
    [accept],
  );

  return {
    state,
    busy,
    conflict,
    reload,
    saveEdits: (key, text, edits) =>
      run(key, text, (baseVersion) => backend.call('save-plan', { dealId, baseVersion, edits: [...edits] })),
    updateMilestone: (key, text, change) =>
      run(key, text, (baseVersion) => backend.call('update-milestone', { ...change, dealId, baseVersion })),
    applyTemplate: (key, text, templateId, targetCloseDate) =>
      run(key, text, (baseVersion) =>
        backend.call('apply-template', { dealId, baseVersion, templateId, targetCloseDate }),
      ),
    addStakeholder: (key, text, stakeholder) =>
      run(key, text, (baseVersion) =>
        backend.call('add-stakeholder', { ...stakeholder, dealId, baseVersion }),
      ),
    removeStakeholder: (key, text, stakeholderId) =>
      run(key, text, (baseVersion) =>
        backend.call('remove-stakeholder', { dealId, baseVersion, stakeholderId }),
      ),
  };
}
