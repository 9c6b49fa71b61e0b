/** Renders the card the way HubSpot would on a deal record tab, with the fake backend injected. */
import { StatusTag, type UnknownComponentProps } from '@hubspot/ui-extensions';
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

/** Renders the card and waits until the plan is on screen (the header's health tag). */
export async function renderLoaded(backend: FakeBackend = new FakeBackend()) {
  const card = renderCard(backend);
  await card.waitFor(() => expect(card.findByTestId(StatusTag, 'health-tag')).toBeTruthy());
  return card;
}

/**
 * Types `text` into a text field the way a rep does: HubSpot calls onInput on every keystroke and onChange
 * only when the field loses focus, so a rep who types and clicks a button at once has sent only onInput.
 */
export function typeText<P extends UnknownComponentProps & { onInput?: (value: string) => void }>(
  node: RenderedElementNode<P>,
  text: string,
): void {
  (node.trigger as unknown as (event: 'onInput', arg: string) => void)('onInput', text);
}
