/** Labels and formats the card shows; one place, so that every part says the same thing the same way. */
import type {
  Health,
  MilestoneStatus,
  OwnerSide,
  Plan,
  RiskStatus,
  Side,
  StakeholderRole,
} from './contract.js';
import { calendarDay } from './contract.js';

export const HEALTH_LABELS: Readonly<Record<Health, string>> = {
  not_started: 'Not started',
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
  complete: 'Complete',
};

export const HEALTH_VARIANTS: Readonly<
  Record<Health, 'default' | 'success' | 'warning' | 'danger' | 'info'>
> = {
  not_started: 'default',
  on_track: 'success',
  at_risk: 'warning',
  off_track: 'danger',
  complete: 'info',
};

export const STATUS_LABELS: Readonly<Record<MilestoneStatus, string>> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  blocked: 'Blocked',
  done: 'Done',
  skipped: 'Skipped',
};

/** Who owns a risk, as the rep picks it (seller is "us": the rep's own team). */
export const OWNER_SIDE_LABELS: Readonly<Record<OwnerSide, string>> = {
  buyer: 'The buyer',
  seller: 'Us',
  joint: 'Both sides',
};

export const SIDE_LABELS: Readonly<Record<Side, string>> = { buyer: 'Buyer side', seller: 'Our side' };

export const RISK_STATUS_LABELS: Readonly<Record<RiskStatus, string>> = {
  open: 'Open',
  mitigated: 'Mitigated',
  realized: 'Realized',
};

export const ROLE_LABELS: Readonly<Record<StakeholderRole, string>> = {
  decision_maker: 'Decision maker',
  economic_buyer: 'Economic buyer',
  champion: 'Champion',
  influencer: 'Influencer',
  technical_evaluator: 'Technical evaluator',
  legal: 'Legal',
  procurement: 'Procurement',
  security: 'Security',
  executive_sponsor: 'Executive sponsor',
  end_user: 'End user',
  account_executive: 'Account executive',
  solutions_engineer: 'Solutions engineer',
  customer_success_manager: 'Customer success manager',
  other: 'Other',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2026-11-16 → "Nov 16, 2026"; null → "—". Calendar dates never go through a time zone. */
export function formatDate(date: string | null): string {
  if (date === null) return '—';
  const [y, m, d] = date.split('-');
  return `${MONTHS[Number(m) - 1] ?? m} ${Number(d)}, ${y}`;
}

/** An ISO instant as its calendar day and UTC time, e.g. "Nov 16, 2026 14:05 UTC". */
export function formatInstant(iso: string): string {
  return `${formatDate(iso.slice(0, 10))} ${iso.slice(11, 16)} UTC`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The stakeholder's name, for an owner id (a stakeholder id). */
export function ownerName(plan: Plan, id: string | null): string {
  if (id === null) return '—';
  return plan.stakeholders.find((s) => s.id === id)?.name ?? 'Unknown stakeholder';
}

/** Sentences in a text, counted the way a reader would (for the value-summary hint). */
export function countSentences(text: string): number {
  return text.split(/[.!?…]+(?:\s|$)/).filter((s) => s.trim() !== '').length;
}

/** A date picker's value ↔ an ISO date. */
export interface PickerDate {
  readonly year: number;
  readonly month: number;
  readonly date: number;
}
export const toPicker = (iso: string): PickerDate => {
  const [y, m, d] = iso.split('-').map(Number);
  return { year: y ?? 1970, month: (m ?? 1) - 1, date: d ?? 1 };
};
export const fromPicker = (value: PickerDate | null | undefined): string | null => {
  if (!value) return null;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${value.year}-${pad(value.month + 1)}-${pad(value.date)}`;
};

/** The portal's calendar day now: the backend's own rule (src/domain/dates.ts calendarDay). */
export function todayIn(timeZone: string | undefined, now: number): string {
  return calendarDay(now, timeZone);
}

/** Whose move the next step is. */
export const NEXT_MOVE_LABELS: Readonly<Record<OwnerSide, string>> = {
  buyer: 'Buyer’s move',
  seller: 'Our move',
  joint: 'Joint move',
};
