import { z } from 'zod';
import { formatPath, zodErrorToProblems } from './zod-problems.js';

describe('zodErrorToProblems', () => {
  it('gives the current length and the limit of a text that is too long', () => {
    const schema = z.strictObject({ goals: z.array(z.strictObject({ description: z.string().max(5) })) });
    const input = { goals: [{ description: 'Halve churn' }] };
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(zodErrorToProblems(parsed.error, input)).toEqual([
      {
        path: 'goals[0].description',
        code: 'too_long',
        message: 'The description of goal “Halve churn” is 11 characters long; the limit is 5.',
      },
    ]);
  });

  it('reports an empty required text and a list over its limit', () => {
    const schema = z.strictObject({ title: z.string().trim().min(1), dependsOn: z.array(z.string()).max(1) });
    const input = { title: '  ', dependsOn: ['a', 'b'] };
    const parsed = schema.safeParse(input);
    if (parsed.success) throw new Error('expected a failure');
    expect(zodErrorToProblems(parsed.error, input)).toEqual([
      { path: 'title', code: 'required', message: 'The title must not be empty.' },
      {
        path: 'dependsOn',
        code: 'too_many',
        message: 'Too many items in the dependencies: 2; the limit is 1.',
      },
    ]);
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and keys with dots', () => {
    expect(formatPath(['milestones', 3, 'dependsOn', 0])).toBe('milestones[3].dependsOn[0]');
    expect(formatPath([])).toBe('');
  });
});
