/**
 * The deal record the page shows, as HubSpot's record page holds it: its properties, re-read when the card calls
 * actions.refreshObjectProperties(), with every listener (the property panel, the card's useCrmProperties and
 * onCrmPropertiesUpdate) told after each read.
 */
import { getDeal, type PropertyDefinition } from './api';

export type Values = Record<string, string | null>;
type Listener = (values: Values, error?: string) => void;

export class RecordStore {
  values: Values = {};
  definitions: PropertyDefinition[] = [];
  /** Names whose value changed in the last refresh. */
  changed = new Set<string>();
  refreshes = 0;
  private readonly listeners = new Set<Listener>();

  constructor(readonly dealId: string) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(): Promise<void> {
    try {
      const { deal, definitions } = await getDeal(this.dealId, '*');
      const before = this.values;
      this.changed = new Set(
        Object.keys(deal.properties).filter((k) => this.refreshes > 0 && before[k] !== deal.properties[k]),
      );
      this.values = deal.properties;
      this.definitions = definitions;
      this.refreshes += 1;
      for (const l of this.listeners) l(this.values);
    } catch (error) {
      const message = error instanceof Error ? error.message : 'the record could not be read';
      for (const l of this.listeners) l(this.values, message);
    }
  }

  pick(names: string[] | '*'): Values {
    if (names === '*') return { ...this.values };
    return Object.fromEntries(names.map((n) => [n, this.values[n] ?? null]));
  }
}
