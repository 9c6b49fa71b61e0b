/**
 * zod issues as the domain's Problems: our path format (`milestones[3].title`) and a sentence a sales rep
 * understands, naming a milestone by its title where the input has one. zod's own English messages never
 * come through. Used wherever a schema of the domain or of a function refuses an input.
 */
import type { z } from 'zod';
import { problem } from './result.js';
import type { Problem } from './result.js';
import { capitalize, plural, quote } from './wording.js';

/** `['milestones', 3, 'title']` → `milestones[3].title`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

const COLLECTIONS: Readonly<Record<string, { one: string; nameField: string }>> = {
  milestones: { one: 'milestone', nameField: 'title' },
  stakeholders: { one: 'stakeholder', nameField: 'name' },
  goals: { one: 'goal', nameField: 'description' },
  risks: { one: 'risk', nameField: 'description' },
  activity: { one: 'activity entry', nameField: '' },
};

const FIELD_LABELS: Readonly<Record<string, string>> = {
  sellerOwnerId: 'seller-side owner',
  buyerOwnerId: 'buyer-side owner',
  dependsOn: 'dependencies',
  isClose: 'close flag',
  dueDate: 'due date',
  baselineDueDate: 'baseline due date',
  completedDate: 'completion date',
  successCriteria: 'success criteria',
  valueSummary: 'value summary',
  targetCloseDate: 'target close date',
  templateId: 'template',
  crmContactId: 'CRM contact',
  ownerId: 'CRM owner',
  portalId: 'portal id',
  dealId: 'deal id',
  milestoneId: 'milestone',
  stakeholderId: 'stakeholder',
  byDate: 'date',
  ownerSide: 'owner side',
  id: 'id',
  at: 'time',
};

const humanize = (key: string): string =>
  FIELD_LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Fields whose name is a plural noun: "The goals are missing", not "is". */
const PLURAL_FIELDS: ReadonlySet<string> = new Set([
  'goals',
  'risks',
  'milestones',
  'stakeholders',
  'phases',
  'stakeholderSlots',
  'assignees',
  'dependsOn',
  'milestoneIds',
  'successCriteria',
  'edits',
]);

const isPlural = (path: readonly PropertyKey[]): boolean => {
  const last = path[path.length - 1];
  return typeof last === 'string' && PLURAL_FIELDS.has(last);
};

/** A key the input chose (a record's key, or a field that is not ours): quoted, never taken for a field name. */
const IDENTIFIER_RE = /^[A-Za-z][A-Za-z0-9]*$/;

/** "the due date of milestone “Security review”", "item 2 of the dependencies of milestone 4", "the input". */
function describePath(path: readonly PropertyKey[], input: unknown): string {
  if (path.length === 0) return 'the input';
  const phrases: string[] = [];
  let i = 0;
  while (i < path.length) {
    const segment = path[i];
    const next = path[i + 1];
    const collection = typeof segment === 'string' ? COLLECTIONS[segment] : undefined;
    if (segment === 'assignees' && typeof next === 'string') {
      phrases.push(`the assignee for the slot ${quote(next)}`);
      i += 2;
    } else if (typeof segment === 'string' && !IDENTIFIER_RE.test(segment)) {
      phrases.push(`the field ${quote(segment)}`);
      i += 1;
    } else if (collection && typeof next === 'number') {
      const item = valueAt(input, path.slice(0, i + 2));
      const name = collection.nameField ? valueAt(item, [collection.nameField]) : undefined;
      phrases.push(
        typeof name === 'string' && name.trim() !== ''
          ? `${collection.one} ${quote(name)}`
          : `${collection.one} ${next + 1}`,
      );
      i += 2;
    } else if (typeof segment === 'number') {
      phrases.push(`item ${segment + 1}`);
      i += 1;
    } else {
      phrases.push(`the ${humanize(String(segment))}`);
      i += 1;
    }
  }
  return phrases.reverse().join(' of ');
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  nan: 'a number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  object: 'an object',
  record: 'an object',
  map: 'an object',
  null: 'empty (null)',
  date: 'a date',
};

/**
 * zod's own English messages, which must never reach a rep ("Invalid input", "Invalid string: must match
 * pattern ..."): a message that starts like one of them was not written by us.
 */
const ZOD_DEFAULT_MESSAGE_RE = /^(Invalid|Too (big|small)|Unrecognized key|Expected|Input not)\b/;

/**
 * A custom message as the end of the sentence: a predicate ("must be a calendar date written YYYY-MM-DD")
 * follows the field's name; a message written as a whole sentence (it starts with a capital letter) stands
 * alone; zod's default message becomes "is not valid".
 */
function customSentence(subject: string, many: boolean, message: string): string {
  const text = message.trim().replace(/\.$/, '');
  if (text === '' || ZOD_DEFAULT_MESSAGE_RE.test(text)) return `${subject} ${many ? 'are' : 'is'} not valid.`;
  if (/^[A-Z]/.test(text)) return `${text}.`;
  return `${subject} ${text}.`;
}

const formatValues = (values: readonly unknown[]): string =>
  values.length > 15
    ? `one of ${values.length} allowed values`
    : `one of: ${values.map((v) => String(v)).join(', ')}`;

/**
 * Turns zod issues into Problems with our path format and a readable sentence. `input` (what was parsed)
 * lets a message name a milestone by its title, give a text's current length and tell a missing field from
 * a wrong one: always pass it.
 *
 * Custom (refine) messages are written as a predicate ("must be a calendar date written YYYY-MM-DD"), used
 * as the end of the sentence, or as a whole sentence starting with a capital letter. Every message is a
 * sentence: zod's own messages never come through, and a field of the wrong type gets that one problem only
 * (zod goes on to check, say, the length of a list given for a text, which would only confuse).
 */
export function zodIssuesToProblems(issues: readonly z.core.$ZodIssue[], input?: unknown): Problem[] {
  const out: Problem[] = [];
  const wrongType = new Set(issues.filter((i) => i.code === 'invalid_type').map((i) => formatPath(i.path)));
  for (const issue of issues) {
    const path = issue.path;
    const subject = capitalize(describePath(path, input));
    const at = formatPath(path);
    const value = valueAt(input, path);
    const many = isPlural(path);
    if (issue.code !== 'invalid_type' && wrongType.has(at)) continue;
    switch (issue.code) {
      case 'invalid_type':
        if (value === undefined)
          out.push(problem(at, 'required', `${subject} ${many ? 'are' : 'is'} missing.`));
        else if (issue.expected === 'never')
          out.push(problem(at, 'invalid_value', `${subject} cannot be set here.`));
        else {
          const expected = EXPECTED[issue.expected];
          out.push(
            problem(
              at,
              'invalid_value',
              expected === undefined
                ? `${subject} ${many ? 'are' : 'is'} not of the expected kind.`
                : `${subject} must be ${expected}.`,
            ),
          );
        }
        break;
      case 'too_big': {
        const max = Number(issue.maximum);
        if (issue.origin === 'string') {
          const len = typeof value === 'string' ? ` is ${value.length} characters long;` : ' is too long;';
          out.push(problem(at, 'too_long', `${subject}${len} the limit is ${max}.`));
        } else if (issue.origin === 'array' || issue.origin === 'set') {
          const len = Array.isArray(value) ? `: ${value.length}` : '';
          out.push(
            problem(
              at,
              'too_many',
              `Too many items in ${describePath(path, input)}${len}; the limit is ${max}.`,
            ),
          );
        } else {
          out.push(
            problem(
              at,
              'invalid_value',
              `${subject} must be ${issue.inclusive ? 'at most' : 'less than'} ${max}.`,
            ),
          );
        }
        break;
      }
      case 'too_small': {
        const min = Number(issue.minimum);
        if (issue.origin === 'string') {
          if (min <= 1) out.push(problem(at, 'required', `${subject} must not be empty.`));
          else out.push(problem(at, 'invalid_value', `${subject} must be at least ${min} characters long.`));
        } else if (issue.origin === 'array' || issue.origin === 'set') {
          out.push(problem(at, 'required', `${subject} must have at least ${plural(min, 'item')}.`));
        } else {
          out.push(
            problem(
              at,
              'invalid_value',
              `${subject} must be ${issue.inclusive ? 'at least' : 'greater than'} ${min}.`,
            ),
          );
        }
        break;
      }
      case 'invalid_value':
        if (value === undefined)
          out.push(problem(at, 'required', `${subject} ${many ? 'are' : 'is'} missing.`));
        else out.push(problem(at, 'invalid_value', `${subject} must be ${formatValues(issue.values)}.`));
        break;
      case 'invalid_format': {
        const formats: Readonly<Record<string, string>> = {
          datetime: 'a date and time such as 2026-12-01T09:00:00Z',
          date: 'a calendar date written YYYY-MM-DD',
          email: 'an email address',
        };
        const known = formats[issue.format];
        if (known !== undefined) out.push(problem(at, 'invalid_value', `${subject} must be ${known}.`));
        else if (!ZOD_DEFAULT_MESSAGE_RE.test(issue.message))
          out.push(problem(at, 'invalid_value', customSentence(subject, many, issue.message)));
        else
          out.push(
            problem(
              at,
              'invalid_value',
              `${subject} ${many ? 'are' : 'is'} not written in the expected form.`,
            ),
          );
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          out.push(
            problem(
              formatPath([...path, key]),
              'invalid_value',
              `${subject} has a field ${quote(key)} that is not allowed here.`,
            ),
          );
        }
        break;
      case 'custom':
        out.push(problem(at, 'invalid_value', customSentence(subject, many, issue.message)));
        break;
      case 'not_multiple_of':
        out.push(problem(at, 'invalid_value', `${subject} must be a multiple of ${Number(issue.divisor)}.`));
        break;
      case 'invalid_union':
      case 'invalid_key':
      case 'invalid_element':
        out.push(problem(at, 'invalid_value', `${subject} ${many ? 'are' : 'is'} not valid.`));
        break;
    }
  }
  return out;
}

/** zodIssuesToProblems for a whole ZodError (what safeParse returns). */
export function zodErrorToProblems(error: z.ZodError, input?: unknown): Problem[] {
  return zodIssuesToProblems(error.issues, input);
}
