/**
 * The contract between the card (and any other client) and the backend functions: for each function its
 * name, summary, `writes` flag, input and output schemas, and the closed error codes with the one error body.
 * Imports only zod and src/domain, so that the card's generated copy (scripts/card-contract.ts) starts here and
 * nowhere else.
 */
export * from './errors.js';
export * from './fields.js';
export * from './functions.js';
export * from './requests.js';
export * from './responses.js';
