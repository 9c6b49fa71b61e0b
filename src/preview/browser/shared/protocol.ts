/**
 * What crosses the worker boundary, through @remote-ui/rpc: the host page exposes HostApi (the platform behind
 * HubSpot's worker globals: hubspot.fetch, the logger, the extension actions, the CRM property hooks), the
 * worker exposes WorkerApi (start the card with a remote-ui channel and the card's context). Functions inside
 * arguments travel as proxies; the side that keeps one beyond the call retains it.
 */
import type { RemoteChannel } from '@remote-ui/core';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type AlertType = 'info' | 'warning' | 'success' | 'danger' | 'tip';

export interface FetchRequest {
  readonly url: string;
  readonly method: string;
  readonly body?: string;
  readonly authorization?: string;
  readonly timeoutMs?: number;
}
export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type PropertyValues = Record<string, string | null>;
export type PropertiesCallback = (properties: PropertyValues, error?: { message: string }) => void;

export interface HostApi {
  hsFetch(request: FetchRequest): Promise<FetchResponse>;
  log(level: LogLevel, message: string): void;
  addAlert(alert: { type?: AlertType; message: string; title?: string }): void;
  reloadPage(): void;
  refreshObjectProperties(): void;
  fetchCrmObjectProperties(properties: string[] | '*'): Promise<Record<string, string>>;
  /** Calls back now and after every refresh of the record's properties; returns an unsubscribe id. */
  subscribeCrmProperties(properties: string[] | '*', callback: PropertiesCallback): Promise<number>;
  unsubscribeCrmProperties(id: number): void;
  closeOverlay(id: string): void;
  copyTextToClipboard(text: string): Promise<void>;
  openIframeModal(
    payload: { uri: string; height: number; width: number; title?: string },
    onClose?: () => void,
  ): void;
  navigateToPage(options: { to: string; params?: Record<string, string> }): void;
  /** The card threw, or its bundle could not run: the host shows it (HubSpot shows an error card). */
  cardError(message: string): void;
}

export interface CardContextInit {
  readonly dealId: string;
  readonly portal: { id: number; timezone: string };
  readonly user: { id: number; email: string; firstName: string; lastName: string };
  readonly app: { id: number; name: string };
  readonly cardTitle: string;
}

export interface WorkerApi {
  start(channel: RemoteChannel, init: { context: CardContextInit; bundleUrl: string }): Promise<void>;
}
