import { nodeVersionProblem } from './require-node.js';

test('Node.js 22 and later will do; older versions get one sentence saying what to install', () => {
  expect(nodeVersionProblem('v22.0.0')).toBeNull();
  expect(nodeVersionProblem('v24.1.2')).toBeNull();
  expect(nodeVersionProblem('v20.20.2')).toBe(
    'Mutual Action Plan needs Node.js 22 or later, and this is Node.js v20.20.2. Install Node.js 22 (for example: npm install --global --prefix /opt/node22 node@22 && export PATH=/opt/node22/bin:$PATH) and run the command again.',
  );
  expect(nodeVersionProblem('garbage')).toMatch(/^Mutual Action Plan needs Node\.js 22 or later/);
});
