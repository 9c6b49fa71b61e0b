/**
 * `npm start`: everything a local run needs, on one machine with no HubSpot account.
 *
 * Today that is the sandbox CRM, a local HubSpot portal with a seeded demo account (src/sandbox). The backend
 * functions, the OAuth install and the card preview join this entry point as they are built; until then it
 * starts the sandbox alone and says so.
 */
process.stdout.write('Mutual Action Plan: starting the local sandbox CRM (the backend and card preview are not built yet).\n');
await import('./sandbox/main.js');
