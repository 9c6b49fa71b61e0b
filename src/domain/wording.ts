/**
 * How a problem message names things inside its sentence: a title in quotes, a list of names, a count with its
 * noun. Shared by the plan rules (validate.ts), the zod-issue translation (zod-problems.ts), the edits and the
 * templates, so that every message quotes and lists the same way.
 */
import { cleanSingleLineText } from './model.js';

const MAX_QUOTED = 80;

/**
 * A title in typographic quotes, shortened so that a message stays readable, and without characters that
 * could reorder or hide the sentence around it (a key or a value from the input may hold anything).
 */
export function quote(text: string): string {
  const t = cleanSingleLineText(text).trim();
  return `“${t.length > MAX_QUOTED ? `${t.slice(0, MAX_QUOTED - 1)}…` : t}”`;
}

/** “A”, “B” and “C”. */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** `3 items`, `1 item`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The sentence's first letter in capitals. */
export const capitalize = (s: string): string => (s === '' ? s : `${s.charAt(0).toUpperCase()}${s.slice(1)}`);
