/**
 * The local preview: a workspace that plays HubSpot's deal record around the real card bundle.
 *
 *   GET  /, /deals/:id              the page (deal list; deal record with the card and the property panel)
 *   GET  /assets/host.js|host.css|worker.js   the host page and the worker bootstrap (esbuild, at start)
 *   GET  /assets/card.js            the card's production bundle, read from disk on every request
 *   GET  /preview-api/session       portal, demo user, app and card as the card's context carries them
 *   GET  /preview-api/deals         deals with stage, amount, close date and every map_* property
 *   GET  /preview-api/deals/:id     one deal's properties (?properties=a,b or *), for the panel and the card
 *   POST /preview-api/fetch         hubspot.fetch: signed server-side and sent to the backend
 *
 * It listens on loopback only and holds the client secret: the browser never sees it.
 */
import { existsSync, readFileSync } from 'node:fs';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { listen, type RunningServer } from '../lib/http-server.js';
import { buildPreviewAssets, type PreviewAssets } from './assets.js';
import { readCardProject } from './card-project.js';
import { CrmReadError, DEAL_FIELDS, type CrmReader } from './crm-reader.js';
import { proxyCardFetch, type CardFetchErrorCode } from './hubspot-fetch-proxy.js';
import { requestStamps } from '../sandbox/platform/signing.js';
import { localOnly } from '../lib/local-only.js';

/** The app id the preview puts in the card's context and in the signed caller (HubSpot's is per app). */
export const PREVIEW_APP_ID = 1;

export interface PreviewOptions {
  readonly crm: CrmReader;
  readonly portalId: number;
  /** The backend the card's hubspot.fetch calls reach (http://127.0.0.1:<port>). */
  readonly backendUrl: string;
  /** The backend's public origin: permitted besides app-hsmeta.json's permittedUrls.fetch. */
  readonly publicBaseUrl: string;
  readonly clientSecret: string;
  /** Path of the IIFE card bundle to load. */
  readonly cardBundle: string;
  /** Shown when the bundle is missing: how to build it. */
  readonly buildHint: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mutual Action Plan — local preview</title>
<link rel="stylesheet" href="/assets/host.css">
</head>
<body>
<div id="root"></div>
<script src="/assets/host.js"></script>
</body>
</html>
`;

/**
 * Sent with every preview answer: the page runs only its own scripts and Web Worker (which loads the card
 * bundle from this origin with importScripts), styles only from its own sheet (React sets inline styles
 * through the DOM, which style-src does not govern), talks only to its own origin, and cannot be framed or
 * sniffed. Card images may come from anywhere over https, as in HubSpot.
 */
export const PREVIEW_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const DealId = z.string().regex(/^\d{1,20}$/);
const PropertyNames = z
  .string()
  .max(4_000)
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  )
  .pipe(z.array(z.string().regex(/^[a-z0-9_]{1,100}$/)).max(200));

const FETCH_ERROR_STATUS: Record<CardFetchErrorCode, number> = {
  INVALID_REQUEST: 400,
  NOT_PERMITTED: 403,
  TIMEOUT: 504,
  UNREACHABLE: 502,
  RESPONSE_TOO_LARGE: 502,
  REDIRECTED: 502,
};

export function createPreviewApp(options: PreviewOptions, assets: PreviewAssets): Express {
  const { crm, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  // The preview signs requests with the app's client secret: only this machine's own pages may use it.
  app.use(
    localOnly((res) =>
      res
        .status(403)
        .type('text')
        .send('The local preview answers only to this machine (http://127.0.0.1 or http://localhost).'),
    ),
  );
  app.use((_req, res, next) => {
    res.set(PREVIEW_HEADERS);
    next();
  });
  const now = options.now ?? Date.now;
  const stamp = requestStamps(now);

  const page = (_req: Request, res: Response): void => {
    res.type('html').set('cache-control', 'no-store').send(PAGE);
  };
  app.get('/', page);
  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.get('/deals/:id', page);

  const asset = (name: keyof PreviewAssets, type: string) => (_req: Request, res: Response) => {
    res.type(type).set('cache-control', 'no-store').send(assets[name]);
  };
  app.get('/assets/host.js', asset('host.js', 'text/javascript'));
  app.get('/assets/host.css', asset('host.css', 'text/css'));
  app.get('/assets/worker.js', asset('worker.js', 'text/javascript'));
  app.get('/assets/card.js', (_req, res) => {
    if (!existsSync(options.cardBundle)) {
      res
        .status(404)
        .type('text')
        .send(`The card bundle ${options.cardBundle} does not exist. ${options.buildHint}`);
      return;
    }
    res
      .type('text/javascript')
      .set('cache-control', 'no-store')
      .send(readFileSync(options.cardBundle, 'utf8'));
  });

  /** Answers a CRM read, or the error the page shows. */
  const crmRoute =
    (handler: (req: Request) => Promise<unknown>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        res.set('cache-control', 'no-store').json(await handler(req));
      } catch (error) {
        // The page shows the status and message; the log keeps the detail.
        const status = error instanceof CrmReadError ? error.status : 500;
        if (status >= 500) logger.error({ err: error, path: req.path }, 'preview: CRM read failed');
        res
          .status(status)
          .json({ error: error instanceof CrmReadError ? error.message : 'preview server error' });
      }
    };

  app.get(
    '/preview-api/session',
    crmRoute(async () => {
      const project = readCardProject();
      const user = await crm.demoUser();
      return {
        portal: { id: options.portalId, timezone: 'UTC' },
        user,
        app: { id: PREVIEW_APP_ID, name: project.appName },
        card: {
          title: project.cardTitle,
          bundleAvailable: existsSync(options.cardBundle),
          buildHint: options.buildHint,
        },
      };
    }),
  );

  app.get(
    '/preview-api/deals',
    crmRoute(async () => {
      const definitions = await crm.dealProperties();
      const mapNames = definitions.map((d) => d.name).filter((n) => n.startsWith('map_'));
      const names = [...DEAL_FIELDS, ...mapNames];
      const deals = await crm.listDeals(names);
      return { deals, definitions: definitions.filter((d) => names.includes(d.name)) };
    }),
  );

  app.get(
    '/preview-api/deals/:id',
    crmRoute(async (req) => {
      const id = DealId.safeParse(req.params.id);
      if (!id.success) throw new CrmReadError('a deal id is digits only', 400);
      const raw = typeof req.query.properties === 'string' ? req.query.properties : '*';
      const definitions = await crm.dealProperties();
      let names: string[];
      if (raw === '*') {
        names = definitions.map((d) => d.name);
      } else {
        const parsed = PropertyNames.safeParse(raw);
        if (!parsed.success) throw new CrmReadError('properties: comma-separated property names', 400);
        names = parsed.data;
      }
      const deal = await crm.getDeal(id.data, names);
      return { deal, definitions: definitions.filter((d) => names.includes(d.name)) };
    }),
  );

  app.post('/preview-api/fetch', express.json({ limit: '1536kb' }), async (req, res) => {
    const session = await crm.demoUser().catch(() => undefined);
    if (!session) {
      res.status(502).json({
        error: { code: 'UNREACHABLE', message: 'The CRM could not be read for the signed-in user.' },
      });
      return;
    }
    const project = readCardProject();
    const result = await proxyCardFetch(req.body, {
      permittedOrigins: [...project.permittedOrigins, options.publicBaseUrl],
      backendUrl: options.backendUrl,
      clientSecret: options.clientSecret,
      caller: {
        portalId: options.portalId,
        userId: session.id,
        userEmail: session.email,
        appId: PREVIEW_APP_ID,
      },
      now: stamp,
    });
    if (!result.ok) {
      logger.warn({ code: result.error.code }, 'preview: hubspot.fetch refused');
      res.status(FETCH_ERROR_STATUS[result.error.code]).json({ error: result.error });
      return;
    }
    res.json(result.value);
  });

  return app;
}

export interface RunningPreview {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the browser assets and listens on 127.0.0.1:port (0 = any free port). */
export async function startPreview(
  options: PreviewOptions & { readonly port: number },
): Promise<RunningPreview> {
  const assets = await buildPreviewAssets();
  const server: RunningServer = await listen(createPreviewApp(options, assets), {
    port: options.port,
    host: '127.0.0.1',
  });
  return { url: server.url, close: () => server.close(2_000) };
}
