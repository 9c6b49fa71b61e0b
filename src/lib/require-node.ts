/**
 * Imported first by every entry point (npm start, the sandbox, the CLI): on a Node.js older than 22 the app
 * would die later with `ERR_UNKNOWN_BUILTIN_MODULE: node:sqlite`; this says in one line what to install.
 */
export const MIN_NODE_MAJOR = 22;

/** The sentence for a Node.js version that is too old, or null when it will do. */
export function nodeVersionProblem(version: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? NaN);
  if (Number.isFinite(major) && major >= MIN_NODE_MAJOR) return null;
  return (
    `Mutual Action Plan needs Node.js ${MIN_NODE_MAJOR} or later, and this is Node.js ${version}. ` +
    `Install Node.js ${MIN_NODE_MAJOR} (for example: npm install --global --prefix /opt/node22 node@22 && export PATH=/opt/node22/bin:$PATH) and run the command again.`
  );
}

const problem = nodeVersionProblem(process.version);
if (problem !== null) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
