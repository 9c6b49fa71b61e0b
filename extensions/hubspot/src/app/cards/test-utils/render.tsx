/** Renders the card the way HubSpot would on a deal record tab, with the fake backend injected. */
import type { UnknownComponentProps } from '@hubspot/ui-extensions';
import { createRenderer, type RenderedElementNode, type RenderedNode } from '@hubspot/ui-extensions/testing';
import { MapCard } from '../app/MapCard.js';
import { FakeBackend, TODAY } from './mocks.js';

export function renderCard(backend: FakeBackend = new FakeBackend()) {
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<MapCard backend={backend} today={TODAY} />);
  /** The alerts the card raised, as {type, title, message}. */
  const alerts = () => renderer.mocks.actions.addAlert.calls.map(([alert]) => alert);
  return { ...renderer, backend, alerts };
}

type ArgOf<H> = H extends ((value: infer V, ...rest: never[]) => unknown) | undefined ? V : never;

/**
 * Calls a component's event handler with `arg`, as the host does. (The 0.17 typings of `trigger` declare
 * the handler's own type as its argument; at run time it passes the argument to the handler.)
 */
export function fire<P extends UnknownComponentProps, K extends keyof P & string>(
  node: RenderedElementNode<P>,
  event: K,
  arg?: ArgOf<P[K]>,
): void {
  (node.trigger as unknown as (event: K, arg: unknown) => void)(event, arg);
}

/** All the text under a node, in order (an element's own `text` only covers a lone text child). */
export function textOf(node: RenderedNode): string {
  if ('childNodes' in node) return node.childNodes.map((child) => textOf(child)).join('');
  return node.text ?? '';
}
