export * from './result.js';
export * from './dates.js';
export * from './model.js';
export * from './project.js';
