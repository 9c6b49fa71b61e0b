/**
 * Node's built-in SQLite (node:sqlite, used by the sandbox and the installation store) prints an
 * ExperimentalWarning when it first loads, which alarms people starting the app. This drops that one
 * warning and lets every other warning through. Call it before anything imports node:sqlite (entry points
 * import those modules dynamically after calling it).
 */
export function dropSqliteExperimentalWarning(): void {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    const message = typeof warning === 'string' ? warning : warning.message;
    const first = rest[0];
    const type =
      typeof first === 'string'
        ? first
        : typeof first === 'object' && first !== null && 'type' in first
          ? first.type
          : undefined;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && /SQLite/i.test(message)) return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  };
}
