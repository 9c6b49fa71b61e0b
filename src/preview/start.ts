/**
 * npm start's preview, in sandbox mode: the deal card's bundle (built at start unless
 * PREVIEW_CARD_BUNDLE names another), and the preview server reading the sandbox portal as HubSpot's UI would.
 */
import type { Logger } from '../lib/logger.js';
import { buildDealCard } from './card-build.js';
import { DEFAULT_CARD_BUNDLE } from './card-project.js';
import type { PreviewConfig } from './config.js';
import { CrmReader } from './crm-reader.js';
import { startPreview, type RunningPreview } from './server.js';

export interface LocalPreviewInput {
  /** Parsed once by the program that starts the preview (parsePreviewConfig). */
  readonly config: PreviewConfig;
  readonly logger: Logger;
  readonly sandbox: { readonly baseUrl: string; readonly demoToken: string };
  readonly portalId: number;
  readonly backendUrl: string;
  readonly publicBaseUrl: string;
  readonly clientSecret: string;
}

export async function startLocalPreview(input: LocalPreviewInput): Promise<RunningPreview | undefined> {
  const { config } = input;
  if (!config.enabled) return undefined;
  let bundle = config.cardBundle ?? DEFAULT_CARD_BUNDLE;
  let buildHint = 'Restart npm start to build it (see the log for the build error).';
  if (config.cardBundle === null) {
    const started = Date.now();
    const built = await buildDealCard();
    if (built.ok) {
      bundle = built.value;
      input.logger.info({ ms: Date.now() - started }, 'preview: deal card built with buildSingleExtension');
    } else {
      input.logger.error({ reason: built.error }, 'preview: the deal card did not build');
      buildHint = `The deal card did not build: ${built.error}`;
    }
  } else {
    buildHint = `PREVIEW_CARD_BUNDLE names ${config.cardBundle}, which does not exist.`;
  }
  return startPreview({
    port: config.port,
    crm: new CrmReader({
      baseUrl: input.sandbox.baseUrl,
      accessToken: () => Promise.resolve(input.sandbox.demoToken),
    }),
    portalId: input.portalId,
    backendUrl: input.backendUrl,
    publicBaseUrl: input.publicBaseUrl,
    clientSecret: input.clientSecret,
    cardBundle: bundle,
    buildHint,
    logger: input.logger.child({ component: 'preview' }),
  });
}
