// The timers of the Web Worker a HubSpot card runs in. The card's tsconfig has no DOM or Node library on
// purpose (a card draws only @hubspot/ui-extensions components), so the two timers it uses are declared here.
declare function setTimeout(handler: () => void, ms: number): number;
declare function clearTimeout(id: number | undefined): void;
