/**
 * The one shape every program's configuration parse answers with (the backend's src/config.ts, the sandbox's,
 * the preview's): the typed configuration, or every problem found at once, one per variable, so a single
 * start-up attempt shows all of them. Messages never repeat a value: it may be a secret.
 */
import { z } from 'zod';

export interface ConfigProblem<Variable extends string = string> {
  /** The environment variable at fault. */
  readonly variable: Variable;
  /** What is wrong with it, as the end of a sentence that starts with its name ("must be a port number"). */
  readonly message: string;
}

export type ConfigResult<T, Variable extends string = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ConfigProblem<Variable>[] };

/**
 * A zod parse of an environment object, as problems named by variable. A message written as the end of a
 * sentence ("must be on or off") is kept; zod's own ("Too big: …") is put in brackets after "is invalid".
 */
export function zodConfigProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({
    variable: issue.path[0] === undefined ? 'environment' : String(issue.path[0]),
    message: /^(must|is|has) /.test(issue.message)
      ? issue.message
      : `is invalid (${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)})`,
  }));
}

/** The problems as a person reads them at start-up, one line per problem; `docs` says where the variables are described. */
export function formatConfigProblems(problems: readonly ConfigProblem[], docs = '.env.example'): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [
    `The configuration has ${count} (see ${docs}):`,
    ...problems.map((p) => `  - ${p.variable} ${p.message}`),
  ].join('\n');
}

/** An environment value left blank counts as unset (as a blank line in a .env file would). */
export const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A port variable: 0 to 65535 (0: any free port), `fallback` when unset or blank. */
export const envPort = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a port number')
      .min(0, 'must be 0-65535')
      .max(65_535, 'must be 0-65535')
      .default(fallback),
  );
