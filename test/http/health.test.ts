import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

test('/healthz answers 200 without touching dependencies', async () => {
  const res = await fetch(`${h.url}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});

test('/readyz answers 200 while the installation store answers, and 503 naming it once it does not', async () => {
  const ready = await fetch(`${h.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { installationStore: 'ok' } });
  await h.installations.close();
  const down = await fetch(`${h.url}/readyz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toEqual({ status: 'not_ready', checks: { installationStore: 'unavailable' } });
});

test('an unknown path gets the common error shape', async () => {
  const res = await fetch(`${h.url}/nope`);
  expect(res.status).toBe(404);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_FUNCTION');
});
