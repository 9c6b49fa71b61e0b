/**
 * `npm run bench:sandbox`: what one request to the sandbox CRM costs over 127.0.0.1.
 *
 * Starts the sandbox in-process (in-memory database, rate limits off), creates a custom object with 100
 * records through the HubSpot API, then measures a batch read of those 100 records and single-record gets:
 * latency (p50/p99, one request at a time) and throughput (requests/s with 8 in flight). A bare express
 * server answering the very same response bytes is measured the same way, so the table shows what the
 * sandbox itself (auth, limits, metrics, SQLite, serialisation) adds on top of HTTP and JSON.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createSandbox } from '../src/sandbox/platform/server.js';

const SEQUENTIAL = { single: 2000, batch: 400 };
const CONCURRENT = { single: 4000, batch: 800, inFlight: 8 };
const WARMUP = 100;

interface Call {
  path: string;
  method: 'GET' | 'POST';
  body?: string;
}

interface Stats {
  p50: number;
  p99: number;
  perSecond: number;
}

async function send(
  baseUrl: string,
  token: string,
  call: Call,
  accept: readonly number[] = [200],
): Promise<string> {
  const res = await fetch(`${baseUrl}${call.path}`, {
    method: call.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(call.body === undefined ? {} : { body: call.body }),
  });
  const text = await res.text();
  if (!accept.includes(res.status))
    throw new Error(`${call.method} ${call.path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(
  baseUrl: string,
  token: string,
  call: Call,
  sequential: number,
  concurrent: number,
  inFlight: number,
): Promise<Stats> {
  for (let i = 0; i < WARMUP; i += 1) await send(baseUrl, token, call);
  const latencies: number[] = [];
  for (let i = 0; i < sequential; i += 1) {
    const started = performance.now();
    await send(baseUrl, token, call);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < concurrent) {
        next += 1;
        await send(baseUrl, token, call);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: concurrent / seconds };
}

async function main(): Promise<void> {
  const sandbox = await createSandbox({
    dataFile: ':memory:',
    rateLimit: { perTenSeconds: null, searchPerSecond: null, daily: null },
  });
  const token = sandbox.demoToken;
  try {
    // https://developers.hubspot.com/docs/api-reference/crm-custom-objects-v3/core/post-crm-v3-schemas
    const schema = JSON.parse(
      await send(
        sandbox.baseUrl,
        token,
        {
          method: 'POST',
          path: '/crm-object-schemas/v3/schemas',
          body: JSON.stringify({
            name: 'bench_item',
            labels: { singular: 'Bench item', plural: 'Bench items' },
            primaryDisplayProperty: 'name',
            requiredProperties: ['name'],
            searchableProperties: ['name'],
            properties: [
              { name: 'name', label: 'Name', type: 'string', fieldType: 'text' },
              { name: 'status', label: 'Status', type: 'string', fieldType: 'text' },
              { name: 'weight', label: 'Weight', type: 'number', fieldType: 'number' },
              { name: 'due_date', label: 'Due date', type: 'date', fieldType: 'date' },
            ],
            associatedObjects: ['DEAL'],
          }),
        },
        [200, 201],
      ),
    ) as { objectTypeId: string };
    const objectType = schema.objectTypeId;

    // https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-create
    const createRes = await fetch(`${sandbox.baseUrl}/crm/v3/objects/${objectType}/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: Array.from({ length: 100 }, (_, i) => ({
          properties: {
            name: `Milestone ${i + 1}`,
            status: i % 3 === 0 ? 'done' : 'open',
            weight: String((i % 5) + 1),
            due_date: '2026-12-01',
          },
        })),
      }),
    });
    if (createRes.status !== 201 && createRes.status !== 200)
      throw new Error(`batch create answered ${createRes.status}: ${await createRes.text()}`);
    const ids = ((await createRes.json()) as { results: { id: string }[] }).results.map((r) => r.id);
    if (ids.length !== 100) throw new Error(`expected 100 records, got ${ids.length}`);

    const batchRead: Call = {
      method: 'POST',
      path: `/crm/v3/objects/${objectType}/batch/read`,
      body: JSON.stringify({
        inputs: ids.map((id) => ({ id })),
        properties: ['name', 'status', 'weight', 'due_date'],
      }),
    };
    const singleGet: Call = {
      method: 'GET',
      path: `/crm/v3/objects/${objectType}/${ids[0]}?properties=name,status,weight,due_date`,
    };

    // The baseline answers the same bytes the sandbox answered, with no auth, limits or database.
    const batchBody = await send(sandbox.baseUrl, token, batchRead);
    const singleBody = await send(sandbox.baseUrl, token, singleGet);
    const bare = express();
    bare.use(express.json({ limit: '5mb' }));
    bare.post('/batch', (_req, res) => res.type('json').send(batchBody));
    bare.get('/single', (_req, res) => res.type('json').send(singleBody));
    const bareServer = bare.listen(0, '127.0.0.1');
    await once(bareServer, 'listening');
    const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

    try {
      const rows: [string, Stats][] = [
        [
          'sandbox  batch read 100',
          await measure(
            sandbox.baseUrl,
            token,
            batchRead,
            SEQUENTIAL.batch,
            CONCURRENT.batch,
            CONCURRENT.inFlight,
          ),
        ],
        [
          'baseline batch read 100',
          await measure(
            bareUrl,
            token,
            { ...batchRead, path: '/batch' },
            SEQUENTIAL.batch,
            CONCURRENT.batch,
            CONCURRENT.inFlight,
          ),
        ],
        [
          'sandbox  single get',
          await measure(
            sandbox.baseUrl,
            token,
            singleGet,
            SEQUENTIAL.single,
            CONCURRENT.single,
            CONCURRENT.inFlight,
          ),
        ],
        [
          'baseline single get',
          await measure(
            bareUrl,
            token,
            { method: 'GET', path: '/single' },
            SEQUENTIAL.single,
            CONCURRENT.single,
            CONCURRENT.inFlight,
          ),
        ],
      ];
      const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
      process.stdout.write(
        [
          `Sandbox CRM over 127.0.0.1, Node ${process.version}; batch body ${batchBody.length} bytes, single body ${singleBody.length} bytes`,
          `latency: ${SEQUENTIAL.batch}/${SEQUENTIAL.single} sequential requests; throughput: ${CONCURRENT.batch}/${CONCURRENT.single} requests, ${CONCURRENT.inFlight} in flight`,
          '',
          line(['case', 'p50 ms', 'p99 ms', 'requests/s']),
          line(['---', '---:', '---:', '---:']),
          ...rows.map(([name, s]) =>
            line([name, s.p50.toFixed(2), s.p99.toFixed(2), s.perSecond.toFixed(0)]),
          ),
          '',
        ].join('\n'),
      );
    } finally {
      await new Promise<void>((resolve) => bareServer.close(() => resolve()));
    }
  } finally {
    await sandbox.close();
  }
}

await main();
