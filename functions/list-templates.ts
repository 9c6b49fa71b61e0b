/** list-templates: the built-in plan templates a rep can apply (no CRM call). */
import { ok } from '../src/domain/result.js';
import { listTemplates as builtInTemplates } from '../src/domain/templates.js';
import { CONTRACT } from '../src/contract/index.js';
import { defineFunction } from './types.js';

export const listTemplates = defineFunction({
  ...CONTRACT['list-templates'],
  handler: () => Promise.resolve(ok({ templates: [...builtInTemplates()] })),
});
