/**
 * The local preview's environment, parsed once at start-up (npm start runs the preview in sandbox mode only).
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | PREVIEW_PORT | 3001 | port on 127.0.0.1 (0 = any free port) |
 * | PREVIEW_CARD_BUNDLE | the deal card's production build (see card-bundle.ts) | an IIFE card bundle to load instead |
 * | PREVIEW | on | `off` starts npm start without the preview |
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { blankToUndefined, envPort, zodConfigProblems, type ConfigResult } from '../lib/config-problems.js';

const EnvSchema = z.object({
  PREVIEW_PORT: envPort(3001),
  PREVIEW_CARD_BUNDLE: z.preprocess(blankToUndefined, z.string().max(4_096).optional()),
  PREVIEW: z.preprocess(
    blankToUndefined,
    z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  ),
});

export interface PreviewConfig {
  readonly enabled: boolean;
  readonly port: number;
  /** Absolute path of a card bundle to serve instead of the deal card's build; null = the deal card. */
  readonly cardBundle: string | null;
}

export function parsePreviewConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): ConfigResult<PreviewConfig> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) return { ok: false, error: zodConfigProblems(parsed.error) };
  const bundle = parsed.data.PREVIEW_CARD_BUNDLE;
  return {
    ok: true,
    value: {
      enabled: parsed.data.PREVIEW === 'on',
      port: parsed.data.PREVIEW_PORT,
      cardBundle: bundle === undefined ? null : isAbsolute(bundle) ? bundle : resolve(cwd, bundle),
    },
  };
}
