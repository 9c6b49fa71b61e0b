/**
 * GET /healthz: the process answers (liveness). GET /readyz: every dependency it needs answers within a
 * short timeout (readiness): the installation store, and in sandbox mode the sandbox CRM.
 */
import express, { type Router } from 'express';

export type ReadinessCheck = () => Promise<void>;

const TIMEOUT_MS = 2_000;

function withTimeout(check: ReadinessCheck): Promise<void> {
  return Promise.race([
    check(),
    new Promise<void>((_resolve, reject) =>
      setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref(),
    ),
  ]);
}

export function createHealthRouter(checks: Readonly<Record<string, ReadinessCheck>>): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check);
          return [name, 'ok'] as const;
        } catch {
          // The failure's detail stays out of an unauthenticated answer: the name says which dependency.
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
  });
  return router;
}
