/**
 * The worker a card runs in, as HubSpot's: the globals @hubspot/ui-extensions 0.17 reads when
 * `self.__HUBSPOT_EXTENSION_WORKER__ === true` (worker-globals.synced.d.ts: `extend_V2`, `logger`,
 * `hsWorkerAPI`; and `hsFetch` behind hubspot.fetch), the globals the production bundle expects (`React`,
 * `RemoteUI` — react and @remote-ui/react are left out of it), and a remote-ui root whose changes travel to the
 * host page over the channel it gives us. Every platform call goes to the host through @remote-ui/rpc.
 */
import React, { Component, type ErrorInfo, type ReactElement, type ReactNode } from 'react';
import * as RemoteUI from '@remote-ui/react';
import { createRemoteRoot, type RemoteChannel } from '@remote-ui/core';
import { createEndpoint, release, retain, type MessageEndpoint } from '@remote-ui/rpc';
import type { CardContextInit, HostApi, LogLevel, PropertyValues, WorkerApi } from '../shared/protocol';

type RenderCallback = (api: {
  context: unknown;
  actions: unknown;
  runServerlessFunction: unknown;
}) => ReactElement;

interface WorkerScope {
  React: unknown;
  RemoteUI: unknown;
  __HUBSPOT_EXTENSION_WORKER__: boolean;
  logger: Record<LogLevel, (data: unknown) => void>;
  extend_V2: (callback: RenderCallback) => void;
  hsFetch: (url: string, options?: HsFetchOptions) => Promise<Response>;
  serverless: (name: string, options?: unknown) => Promise<never>;
  hsWorkerAPI: Record<string, unknown>;
  importScripts(...urls: string[]): void;
  addEventListener(type: string, listener: (event: { message?: string; reason?: unknown }) => void): void;
}
interface HsFetchOptions {
  method?: string;
  body?: unknown;
  timeout?: number;
  headers?: Record<string, string>;
}

const scope = self as unknown as WorkerScope;
const endpoint = createEndpoint<HostApi>(self as unknown as MessageEndpoint);
const host = endpoint.call;

const text = (data: unknown): string => {
  if (typeof data === 'string') return data;
  if (data instanceof Error) return `${data.name}: ${data.message}`;
  try {
    return JSON.stringify(data);
  } catch {
    // A value JSON cannot take (a cycle): its string form is what a console would show.
    return String(data);
  }
};

let context: Record<string, unknown> | undefined;
let channel: RemoteChannel | undefined;
let extended = false;

const actions = {
  addAlert: (alert: {
    type?: 'info' | 'warning' | 'success' | 'danger' | 'tip';
    message: string;
    title?: string;
  }) => {
    void host.addAlert(alert);
  },
  reloadPage: () => void host.reloadPage(),
  refreshObjectProperties: () => void host.refreshObjectProperties(),
  fetchCrmObjectProperties: (properties: string[] | '*') => host.fetchCrmObjectProperties(properties),
  onCrmPropertiesUpdate: (
    properties: string[] | '*',
    callback: (p: PropertyValues, e?: { message: string }) => void,
  ) => {
    void host.subscribeCrmProperties(properties, callback);
  },
  closeOverlay: (id: string) => void host.closeOverlay(id),
  copyTextToClipboard: (data: string) => host.copyTextToClipboard(data),
  openIframeModal: (
    payload: { uri: string; height: number; width: number; title?: string },
    onClose?: () => void,
  ) => {
    void host.openIframeModal(payload, onClose);
  },
  navigateToPage: (options: { to: string; params?: Record<string, string> }) =>
    void host.navigateToPage(options),
};

const noServerless = (): Promise<never> =>
  Promise.reject(
    new Error(
      'Marketplace (OAuth) apps cannot run HubSpot serverless functions: call the backend with hubspot.fetch.',
    ),
  );

/** hubspot.fetch: JSON body, only an Authorization header, the host signs and sends it. */
async function hsFetch(url: string, options: HsFetchOptions = {}): Promise<Response> {
  const headers = options.headers ?? {};
  const extra = Object.keys(headers).filter((h) => h.toLowerCase() !== 'authorization');
  if (extra.length > 0)
    void host.log(
      'warn',
      `hubspot.fetch: only an Authorization header may be added; dropped ${extra.join(', ')}`,
    );
  const authorization = Object.entries(headers).find(([h]) => h.toLowerCase() === 'authorization')?.[1];
  const body =
    options.body === undefined || options.body === null
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const answer = await host.hsFetch({
    url,
    method: (options.method ?? 'GET').toUpperCase(),
    ...(body === undefined ? {} : { body }),
    ...(authorization === undefined ? {} : { authorization }),
    ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
  });
  const empty = answer.status === 204 || answer.status === 205 || answer.status === 304;
  return new Response(empty ? null : answer.body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
}

/** A card that throws while rendering: HubSpot replaces it with an error; the host shows the message. */
class CardErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override componentDidCatch(error: Error, info: ErrorInfo): void {
    void host.cardError(`${error.name}: ${error.message}${info.componentStack ?? ''}`.slice(0, 4_000));
  }
  override render(): ReactNode {
    return this.state.failed ? null : this.props.children;
  }
}

function render(callback: RenderCallback): void {
  if (!channel || !context) throw new Error('extend_V2 was called before the host started the card');
  const root = createRemoteRoot(channel);
  const element = callback({ context, actions, runServerlessFunction: noServerless });
  RemoteUI.createRoot(root).render(React.createElement(CardErrorBoundary, null, element));
  void root.mount();
}

scope.React = React;
scope.RemoteUI = RemoteUI;
scope.logger = {
  debug: (data) => void host.log('debug', text(data)),
  info: (data) => void host.log('info', text(data)),
  warn: (data) => void host.log('warn', text(data)),
  error: (data) => void host.log('error', text(data)),
};
scope.extend_V2 = (callback) => {
  if (extended) {
    void host.log('warn', 'hubspot.extend was called more than once; the first card stays');
    return;
  }
  extended = true;
  render(callback);
};
scope.hsFetch = hsFetch;
scope.serverless = noServerless;

/** useCrmProperties: the record's properties now and after every refresh, as HubSpot's hook runner gives them. */
async function fetchCrmProperties(
  properties: string[],
  onUpdate: (properties: PropertyValues) => void,
): Promise<{ json(): Promise<unknown> }> {
  let first: ((v: PropertyValues) => void) | undefined;
  let failed: ((e: { message: string }) => void) | undefined;
  const initial = new Promise<PropertyValues>((resolve, reject) => {
    first = resolve;
    failed = (e) => reject(new Error(e.message));
  });
  let seen = false;
  const id = await host.subscribeCrmProperties(properties, (values, error) => {
    if (!seen) {
      seen = true;
      if (error) failed?.(error);
      else first?.(values);
      return;
    }
    if (!error) onUpdate(values);
  });
  try {
    const data = await initial;
    return { json: () => Promise.resolve({ data, cleanup: () => void host.unsubscribeCrmProperties(id) }) };
  } catch (error) {
    void host.unsubscribeCrmProperties(id);
    return { json: () => Promise.resolve({ error: error instanceof Error ? error.message : 'failed' }) };
  }
}

const notInPreview = (name: string) => (): Promise<never> => {
  void host.log('warn', `${name} is not available in the local preview`);
  return Promise.reject(new Error(`${name} is not available in the local preview`));
};

scope.hsWorkerAPI = {
  useExtensionContext: () => context,
  useExtensionActions: () => actions,
  useExtensionApi: () => ({ context, actions, runServerlessFunction: noServerless }),
  useAppPageLocation: () => ({ path: '/', params: {} }),
  fetchCrmProperties,
  fetchCrmSearch: notInPreview('useCrmSearch'),
  fetchAssociations: notInPreview('useAssociations'),
  fetchHubSpotApi: notInPreview('the experimental HubSpot API client'),
  formatCrmProperties: notInPreview('formatCrmProperties'),
};
scope.__HUBSPOT_EXTENSION_WORKER__ = true;

scope.addEventListener(
  'error',
  (event) => void host.cardError(`Uncaught error in the card: ${event.message ?? 'unknown'}`),
);
scope.addEventListener(
  'unhandledrejection',
  (event) => void host.log('error', `Unhandled rejection in the card: ${text(event.reason)}`),
);

const api: WorkerApi = {
  start(remoteChannel, init) {
    retain(remoteChannel);
    channel = remoteChannel;
    context = cardContext(init.context);
    try {
      // The bundle is an IIFE that calls hubspot.extend (our extend_V2) while it runs.
      scope.importScripts(init.bundleUrl);
    } catch (error) {
      release(remoteChannel);
      return Promise.reject(new Error(`The card bundle failed to load: ${text(error)}`));
    }
    if (!extended) return Promise.reject(new Error('The card bundle ran but never called hubspot.extend.'));
    return Promise.resolve();
  },
};
endpoint.expose({ ...api });

/** The context of a crm.record.tab card on a deal (context.synced.d.ts: CrmContext). */
function cardContext(init: CardContextInit): Record<string, unknown> {
  return {
    location: 'crm.record.tab',
    crm: { objectId: Number(init.dealId), objectTypeId: '0-3' },
    user: {
      id: init.user.id,
      email: init.user.email,
      emails: [init.user.email],
      firstName: init.user.firstName,
      lastName: init.user.lastName,
      roles: [],
      teams: [],
      locale: 'en-US',
      language: 'en',
      permissions: [],
    },
    portal: init.portal,
    extension: { appId: init.app.id, appName: init.app.name, cardTitle: init.cardTitle },
    variables: {},
  };
}
