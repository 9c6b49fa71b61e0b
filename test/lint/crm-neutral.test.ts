/**
 * The ports and the use cases are CRM-neutral (docs/architecture.md): no file in src/ports or functions/ names
 * a HubSpot portal, a HubSpot property or HubSpot itself — in code or in comments, since a comment that says
 * "portal" is how a HubSpot-shaped port starts. Each CRM's words stay inside src/adapters/<crm>.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FOLDERS = ['src/ports', 'functions'];
/** HubSpot's own words: the product, its tenant, its record/property vocabulary and the app's deal properties. */
const CRM_WORDS = /(?<!')hubspot(?!')|hub_?id|\bportals?\b|portalId|\bmap_|hs_[a-z_]+|\bhapikey\b/i;

function filesOf(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
}

test.each(FOLDERS)('%s names no CRM', (folder) => {
  const found = filesOf(folder).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (CRM_WORDS.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
  expect(found).toEqual([]);
});

test('the check finds a CRM word when one is there', () => {
  expect(CRM_WORDS.test('readonly portalId: number;')).toBe(true);
  expect(CRM_WORDS.test('// in HubSpot, the plan header is a deal property')).toBe(true);
  expect(CRM_WORDS.test("writes the deal's map_progress")).toBe(true);
  expect(CRM_WORDS.test('readonly tenant: Tenant;')).toBe(false);
  // The CRM's name as a value of the tenant's `crm` is neutral data, not a HubSpot-shaped port.
  expect(CRM_WORDS.test("const tenant = { crm: 'hubspot', accountId: '7' };")).toBe(false);
});
