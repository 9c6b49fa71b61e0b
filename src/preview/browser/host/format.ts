/** Property values shown as HubSpot shows them: option labels, dates, money, numbers. */
import type { PropertyDefinition } from './api';

const DATE = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});
const DATETIME = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});
const MONEY = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});
const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function toDate(value: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (/^\d{10,14}$/.test(value)) return new Date(Number(value));
  return undefined;
}

export function formatValue(
  value: string | null | undefined,
  definition: PropertyDefinition | undefined,
): string {
  if (value === null || value === undefined || value === '') return '—';
  const type = definition?.type;
  if (definition?.name === 'amount') {
    const n = Number(value);
    return Number.isFinite(n) ? MONEY.format(n) : value;
  }
  if (type === 'enumeration') return definition?.options.find((o) => o.value === value)?.label ?? value;
  // HubSpot shows a deal's close date as a date, though the property is a datetime.
  if (type === 'date' || definition?.name === 'closedate') {
    const d = toDate(value);
    return d ? DATE.format(d) : value;
  }
  if (type === 'datetime') {
    const d = toDate(value);
    return d ? DATETIME.format(d) : value;
  }
  if (type === 'number') {
    const n = Number(value);
    if (!Number.isFinite(n)) return value;
    return /progress|probability/.test(definition?.name ?? '') ? `${NUMBER.format(n)}%` : NUMBER.format(n);
  }
  return value;
}
