/**
 * A throw-away copy of the HubSpot project configured for a test deployment, inside the repository (so
 * that node_modules resolve) under test-artifacts/ (git-ignored), with the card's contract generated afresh
 * from src/contract (scripts/card-contract.ts) as the pre-scripts do.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CONTRACT_OUT_DIR, writeCardContract } from '../../scripts/card-contract.js';
import {
  PROJECT_DIR,
  REPO_ROOT,
  renderDeployFiles,
  type DeployConfig,
} from '../../scripts/hubspot-configure.js';

export const TEST_DEPLOYMENT: DeployConfig = {
  PUBLIC_BASE_URL: 'https://map.example.com',
  APP_SUPPORT_EMAIL: 'support@example.com',
  APP_SUPPORT_URL: 'https://example.com/support',
  APP_DOCUMENTATION_URL: 'https://example.com/docs',
};

export function configuredProjectCopy(config: DeployConfig = TEST_DEPLOYMENT): {
  dir: string;
  remove: () => void;
} {
  const base = join(REPO_ROOT, 'test-artifacts');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'hubspot-project-'));
  cpSync(join(REPO_ROOT, PROJECT_DIR), dir, {
    recursive: true,
    // The contract copy on disk may be stale or missing (it is git-ignored): it is generated afresh below.
    filter: (src) =>
      !/[\\/](node_modules|dist)([\\/]|$)/.test(relative(REPO_ROOT, src)) &&
      !relative(REPO_ROOT, src).startsWith(join(CONTRACT_OUT_DIR)),
  });
  writeCardContract(REPO_ROOT, join(dir, relative(PROJECT_DIR, CONTRACT_OUT_DIR)));
  for (const [file, content] of renderDeployFiles(REPO_ROOT, config)) {
    const path = join(dir, relative(PROJECT_DIR, file));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
