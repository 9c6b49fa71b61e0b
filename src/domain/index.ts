export * from './result.js';
export * from './dates.js';
export * from './model.js';
export * from './project.js';
export * from './validate.js';
export * from './edits.js';
export * from './template-model.js';
export * from './templates.js';
