/** list-templates: the built-in plan templates a rep can apply (no CRM call). */
import { z } from 'zod';
import { ok } from '../src/domain/result.js';
import { listTemplates as builtInTemplates } from '../src/domain/templates.js';
import { templatesResponseSchema } from './contract.js';
import { defineFunction } from './types.js';

export const listTemplatesInputSchema = z.strictObject({});
export type ListTemplatesInput = z.input<typeof listTemplatesInputSchema>;

export const listTemplates = defineFunction({
  name: 'list-templates',
  summary: 'The built-in plan templates, shortest cycle first.',
  input: listTemplatesInputSchema,
  output: templatesResponseSchema,
  writes: false,
  handler: () => Promise.resolve(ok({ templates: [...builtInTemplates()] })),
});
