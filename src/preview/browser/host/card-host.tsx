/**
 * Runs the card as HubSpot does: the card bundle in a Web Worker (worker.js sets up HubSpot's worker globals),
 * its remote-ui tree received here with @remote-ui/core's receiver and drawn with @remote-ui/react/host, and
 * the platform calls of the worker (HostApi) answered by this page and the preview server.
 */
import { useEffect, useMemo, useState } from 'react';
import { createRemoteReceiver, type RemoteReceiver } from '@remote-ui/core';
import { createController, RemoteRenderer } from '@remote-ui/react/host';
import { createEndpoint, fromWebWorker, release, retain } from '@remote-ui/rpc';
import type {
  CardContextInit,
  FetchRequest,
  FetchResponse,
  HostApi,
  LogLevel,
  PropertiesCallback,
  WorkerApi,
} from '../shared/protocol';
import { HUBSPOT_COMPONENTS, placeholderFor } from './components';
import { OverlayRegistry, OverlayRegistryContext } from './components/overlays';
import type { RecordStore } from './record';

export interface HostAlert {
  id: number;
  type: string;
  title?: string | undefined;
  message: string;
}
export interface LogLine {
  level: LogLevel;
  message: string;
}

interface Props {
  context: CardContextInit;
  record: RecordStore;
  onAlert: (alert: Omit<HostAlert, 'id'>) => void;
  onLog: (line: LogLine) => void;
}

const base = createController(HUBSPOT_COMPONENTS);
/** Unknown names get a placeholder instead of createController's "Unknown component" exception. */
const controller = {
  renderer: base.renderer,
  get: (type: string) => (type in HUBSPOT_COMPONENTS ? base.get(type) : placeholderFor(type)),
};

async function signedFetch(request: FetchRequest): Promise<FetchResponse> {
  const res = await fetch('/preview-api/fetch', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await res.json()) as FetchResponse | { error: { code: string; message: string } };
  if (!res.ok || 'error' in body) {
    // hubspot.fetch rejects when HubSpot refuses or cannot deliver the request.
    const message = 'error' in body ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
    throw new Error(`hubspot.fetch failed: ${message}`);
  }
  return body;
}

export function CardHost({ context, record, onAlert, onLog }: Props) {
  const [receiver, setReceiver] = useState<RemoteReceiver | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [iframe, setIframe] = useState<{
    uri: string;
    width: number;
    height: number;
    title?: string | undefined;
    onClose?: (() => void) | undefined;
  } | null>(null);
  const registry = useMemo(() => new OverlayRegistry(), []);

  useEffect(() => {
    const worker = new Worker('/assets/worker.js', { name: 'hubspot-card' });
    const endpoint = createEndpoint<WorkerApi>(fromWebWorker(worker));
    const next = createRemoteReceiver();
    const subscriptions = new Map<number, () => void>();
    let lastId = 0;
    const log = (level: LogLevel, message: string) => {
      onLog({ level, message });
      // The browser console shows the card's log as HubSpot's dev tools would.
      console[level === 'debug' ? 'log' : level](`[card] ${message}`);
    };
    const api: HostApi = {
      hsFetch: signedFetch,
      log,
      addAlert: (alert) =>
        onAlert({ type: alert.type ?? 'info', title: alert.title, message: alert.message }),
      reloadPage: () => window.location.reload(),
      refreshObjectProperties: () => void record.load(),
      fetchCrmObjectProperties: async (properties) => {
        await record.load();
        const values = record.pick(properties);
        return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? '']));
      },
      subscribeCrmProperties: (properties, callback: PropertiesCallback) => {
        retain(callback);
        const id = ++lastId;
        const unsubscribe = record.subscribe((_values, error) =>
          error === undefined ? callback(record.pick(properties)) : callback({}, { message: error }),
        );
        subscriptions.set(id, () => {
          unsubscribe();
          release(callback);
        });
        // The first answer comes from a fresh read, as HubSpot's hook runner reads the record.
        void record.load();
        return Promise.resolve(id);
      },
      unsubscribeCrmProperties: (id) => {
        subscriptions.get(id)?.();
        subscriptions.delete(id);
      },
      closeOverlay: (id) => {
        if (!registry.close(id)) log('warn', `closeOverlay: no Modal or Panel with id "${id}" is rendered`);
      },
      copyTextToClipboard: (text) => navigator.clipboard.writeText(text),
      openIframeModal: (payload, onClose) => {
        if (onClose) retain(onClose);
        setIframe({ ...payload, onClose });
      },
      navigateToPage: (options) =>
        log(
          'warn',
          `navigateToPage(${options.to}) is for app pages; a record card cannot navigate in the preview`,
        ),
      cardError: (message) => setFailure(message),
    };
    endpoint.expose({ ...api });
    setReceiver(next);
    setFailure(null);
    endpoint.call
      .start(next.receive, { context, bundleUrl: new URL('/assets/card.js', window.location.href).href })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
    return () => {
      for (const stop of subscriptions.values()) stop();
      endpoint.terminate();
      worker.terminate();
    };
  }, [context, record, registry, onAlert, onLog]);

  return (
    <OverlayRegistryContext.Provider value={registry}>
      {failure ? (
        <div className="hs-alert is-danger" role="alert" data-testid="card-error">
          <div className="hs-alert-title">This card ran into a problem</div>
          <pre className="pv-error-detail">{failure}</pre>
        </div>
      ) : null}
      <div className="pv-card-body" data-testid="card-root">
        {receiver ? <RemoteRenderer receiver={receiver} controller={controller} /> : null}
      </div>
      {iframe ? (
        <div className="hs-backdrop">
          <div className="hs-modal" role="dialog" style={{ width: iframe.width }}>
            <div className="hs-modal-header">
              <h3>{iframe.title}</h3>
              <button
                type="button"
                className="hs-close"
                aria-label="Close"
                onClick={() => {
                  iframe.onClose?.();
                  if (iframe.onClose) release(iframe.onClose);
                  setIframe(null);
                }}
              >
                ✕
              </button>
            </div>
            <iframe
              src={iframe.uri}
              title={iframe.title ?? 'iframe'}
              style={{ width: '100%', height: iframe.height, border: 0 }}
            />
          </div>
        </div>
      ) : null}
    </OverlayRegistryContext.Provider>
  );
}
