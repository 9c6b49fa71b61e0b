/**
 * The load generator of `npm run bench:api`, run as a second process: `concurrency` workers send requests
 * back to back for `durationMs`, each signed as hubspot.fetch signs them, and report every latency and the
 * server's own Server-Timing figures as one JSON line on stdout.
 */
import { requestStamps, signedRequestHeaders, withCallerQuery } from '../src/adapters/hubspot/signature.js';

/** Workers that send the same call in one millisecond still send distinct requests (the backend refuses replays). */
const stamp = requestStamps(Date.now);

interface LoadSpec {
  readonly baseUrl: string;
  readonly kind: 'healthz' | 'get-plan' | 'update-milestone';
  readonly portalId: number;
  readonly secret: string;
  readonly concurrency: number;
  readonly durationMs: number;
  /** One per worker: worker i edits deals[i % n] so that workers do not race on one plan. */
  readonly deals: readonly { dealId: string; milestoneId: string }[];
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;

const serverTiming = (header: string | null, name: string): number | undefined => {
  const m = header === null ? null : new RegExp(`${name};dur=([\\d.]+)`).exec(header);
  return m ? Number(m[1]) : undefined;
};

async function worker(
  index: number,
  until: number,
  out: { ms: number[]; app: number[]; crm: number[]; errors: number; statuses: Record<string, number> },
): Promise<void> {
  const deal = spec.deals[index % spec.deals.length];
  let flip = false;
  while (performance.now() < until) {
    let url: string;
    let init: RequestInit;
    if (spec.kind === 'healthz' || !deal) {
      url = `${spec.baseUrl}/healthz`;
      init = { method: 'GET' };
    } else {
      flip = !flip;
      const input =
        spec.kind === 'get-plan'
          ? { dealId: deal.dealId }
          : {
              dealId: deal.dealId,
              milestoneId: deal.milestoneId,
              status: flip ? 'in_progress' : 'not_started',
            };
      url = withCallerQuery(`${spec.baseUrl}/api/${spec.kind}`, { portalId: spec.portalId, userId: 1 });
      const body = Buffer.from(JSON.stringify(input));
      init = {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          ...signedRequestHeaders({
            method: 'POST',
            url,
            rawBody: body,
            clientSecret: spec.secret,
            now: stamp(),
          }),
        },
      };
    }
    const started = performance.now();
    const res = await fetch(url, init);
    await res.arrayBuffer();
    out.ms.push(performance.now() - started);
    out.statuses[res.status] = (out.statuses[res.status] ?? 0) + 1;
    if (!res.ok) out.errors++;
    const app = serverTiming(res.headers.get('server-timing'), 'app');
    const crm = serverTiming(res.headers.get('server-timing'), 'crm');
    if (app !== undefined) out.app.push(app);
    if (crm !== undefined) out.crm.push(crm);
  }
}

const out = {
  ms: [] as number[],
  app: [] as number[],
  crm: [] as number[],
  errors: 0,
  statuses: {} as Record<string, number>,
};
const started = performance.now();
const until = started + spec.durationMs;
await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => worker(i, until, out)));
const elapsed = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ...out, elapsedMs: elapsed })}\n`);
