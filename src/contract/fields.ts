/** The pieces requests, answers and errors share. */
import { z } from 'zod';

/** A HubSpot record id: a positive integer written in decimal, as HubSpot sends it. */
export const dealIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,18}$/, 'must be a HubSpot record id: digits only, not starting with 0');

/** The plan version an edit is based on (what get-plan returned). */
export const versionSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
