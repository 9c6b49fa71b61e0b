/**
 * What the HubSpot UI itself reads for the preview: the portal's deals, their properties and the property
 * definitions (labels, option labels), and the owner who stands in for the signed-in user. The preview plays
 * HubSpot's own UI, so it reads the CRM with the portal's own access (the sandbox's static token), not the
 * app's installation token. Every CRM answer is parsed before use.
 */
import { z } from 'zod';

export interface CrmReaderOptions {
  /** The CRM's API base (the sandbox's URL). */
  readonly baseUrl: string;
  readonly accessToken: () => Promise<string>;
  readonly fetch?: typeof fetch;
}

/** The deal fields the list and the record page show besides the map_* properties. */
export const DEAL_FIELDS = [
  'dealname',
  'dealstage',
  'amount',
  'closedate',
  'pipeline',
  'hubspot_owner_id',
] as const;

const PropertyValues = z.record(z.string(), z.string().nullable());
const DealSchema = z.object({ id: z.string(), properties: PropertyValues });
const DealPage = z.object({
  results: z.array(DealSchema),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
const PropertyDefinitionSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  fieldType: z.string(),
  groupName: z.string().optional(),
  description: z.string().optional(),
  options: z.array(z.object({ label: z.string(), value: z.string() })).default([]),
});
export type PropertyDefinition = z.infer<typeof PropertyDefinitionSchema>;
const PropertyList = z.object({ results: z.array(PropertyDefinitionSchema) });
const OwnerPage = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      email: z.string().optional(),
      firstName: z.string().optional(),
      lastName: z.string().optional(),
      userId: z.number().int().nullable().optional(),
    }),
  ),
});

export type Deal = z.infer<typeof DealSchema>;
export interface DemoUser {
  readonly id: number;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
}

export class CrmReadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CrmReadError';
  }
}

export class CrmReader {
  private definitions: { at: number; value: PropertyDefinition[] } | undefined;

  constructor(private readonly options: CrmReaderOptions) {}

  private async get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const doFetch = this.options.fetch ?? fetch;
    const res = await doFetch(`${this.options.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${await this.options.accessToken()}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status === 404) throw new CrmReadError('not found', 404);
    if (!res.ok)
      throw new CrmReadError(`the CRM answered ${res.status} to GET ${path.split('?')[0] ?? ''}`, res.status);
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success)
      throw new CrmReadError(`unexpected CRM answer to GET ${path.split('?')[0] ?? ''}`, 502);
    return parsed.data;
  }

  /** Deal property definitions, cached for 30 s (they change only when the app provisions). */
  // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/get-crm-v3-properties-objectType
  async dealProperties(): Promise<PropertyDefinition[]> {
    const now = Date.now();
    if (this.definitions && now - this.definitions.at < 30_000) return this.definitions.value;
    const { results } = await this.get('/crm/v3/properties/deals', PropertyList);
    this.definitions = { at: now, value: results };
    return results;
  }

  /** The names of the app's map_* deal properties, in definition order. */
  async mapPropertyNames(): Promise<string[]> {
    return (await this.dealProperties()).map((p) => p.name).filter((n) => n.startsWith('map_'));
  }

  /** Every deal of the portal (the demo portal has a handful; at most 1,000 are read). */
  // https://developers.hubspot.com/docs/api-reference/crm-deals-v3/basic/get-crm-v3-objects-deals
  async listDeals(properties: readonly string[]): Promise<Deal[]> {
    const deals: Deal[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = new URLSearchParams({ limit: '100', properties: properties.join(',') });
      if (after !== undefined) query.set('after', after);
      const result = await this.get(`/crm/v3/objects/deals?${query.toString()}`, DealPage);
      deals.push(...result.results);
      after = result.paging?.next?.after;
      if (after === undefined) break;
    }
    return deals;
  }

  // https://developers.hubspot.com/docs/api-reference/crm-deals-v3/basic/get-crm-v3-objects-deals-dealId
  async getDeal(id: string, properties: readonly string[]): Promise<Deal> {
    const query = new URLSearchParams({ properties: properties.join(',') });
    return this.get(`/crm/v3/objects/deals/${encodeURIComponent(id)}?${query.toString()}`, DealSchema);
  }

  /** The first active owner with a user id stands in for the signed-in HubSpot user. */
  // https://developers.hubspot.com/docs/api-reference/crm-owners-v3/guide
  async demoUser(): Promise<DemoUser> {
    const { results } = await this.get('/crm/v3/owners?limit=20', OwnerPage);
    const owner = results.find((o) => typeof o.userId === 'number' && o.userId > 0);
    if (!owner || typeof owner.userId !== 'number')
      throw new CrmReadError('the portal has no owner with a user id', 502);
    return {
      id: owner.userId,
      email: owner.email ?? '',
      firstName: owner.firstName ?? '',
      lastName: owner.lastName ?? '',
    };
  }
}
