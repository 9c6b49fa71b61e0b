/** Helpers the DOM implementations share: HubSpot's spacing scale, events, test ids. */
import type { CSSProperties } from 'react';

/** Props as they arrive from the worker: functions are @remote-ui/rpc proxies (they return promises). */
export type RemoteProps = Record<string, unknown> & { children?: React.ReactNode };

const SPACE: Record<string, number> = {
  flush: 0,
  'extra-small': 4,
  xs: 4,
  small: 8,
  sm: 8,
  medium: 16,
  md: 16,
  large: 24,
  lg: 24,
  'extra-large': 32,
  xl: 32,
};
export const space = (size: unknown, fallback = 0): number =>
  typeof size === 'string' ? (SPACE[size] ?? fallback) : fallback;

export const FLEX: Record<string, string> = {
  start: 'flex-start',
  end: 'flex-end',
  center: 'center',
  baseline: 'baseline',
  stretch: 'stretch',
  around: 'space-around',
  between: 'space-between',
  auto: 'auto',
};

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const bool = (v: unknown): boolean => v === true;

type AnyFn = (...args: unknown[]) => unknown;
/** Calls a remote callback if the card gave one; a failure in the card is the card's, logged, not thrown here. */
export function call(fn: unknown, ...args: unknown[]): void {
  if (typeof fn !== 'function') return;
  try {
    const result = (fn as AnyFn)(...args);
    if (result instanceof Promise) result.catch((e: unknown) => console.warn('card callback failed', e));
  } catch (e) {
    // A released proxy or a bug in the card: the page keeps working.
    console.warn('card callback failed', e);
  }
}

/** HubSpot's ExtensionEvent, made serialisable for the worker. */
export const extensionEvent = (event: { type: string; bubbles: boolean; timeStamp: number }) => ({
  type: event.type,
  bubbles: event.bubbles,
  timeStamp: event.timeStamp,
  id: crypto.randomUUID(),
});

/** data-testid from the card's testId, and the component name, so the page can be inspected and tested. */
export const marks = (name: string, props: RemoteProps): Record<string, string> => {
  const testId = str(props.testId);
  return testId === undefined ? { 'data-hs': name } : { 'data-hs': name, 'data-testid': testId };
};

export const hidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
};
