/**
 * Contract checks against HubSpot's own OpenAPI specs (../shared/hubspot-openapi/): given one recorded
 * HTTP exchange, find the operation it belongs to and check the request and the response against it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenAPIBackend } from 'openapi-backend';
import type { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

export interface Exchange {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

export interface ContractVerdict {
  /** Which spec file and operation matched, or null when no spec describes the path. */
  operation: string | null;
  requestErrors: string[];
  responseErrors: string[];
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The specs live beside the repository (../shared/hubspot-openapi), as on every developer machine and in CI;
 * HUBSPOT_OPENAPI_DIR points elsewhere for a checkout that has them in another place.
 */
export function specDirectory(): string {
  const configured = process.env.HUBSPOT_OPENAPI_DIR;
  const candidates =
    configured !== undefined && configured !== ''
      ? [resolve(configured)]
      : [resolve(here, '../../../shared/hubspot-openapi'), resolve(here, '../../shared/hubspot-openapi')];
  for (const dir of candidates) {
    try {
      readdirSync(dir);
      return dir;
    } catch {
      // Not at this location; try the next one.
    }
  }
  throw new Error(
    `The contract tests need HubSpot's OpenAPI specs, which are not in ${candidates.join(' or ')}: ` +
      `put the hubspot-openapi folder in ../shared beside this checkout, or set HUBSPOT_OPENAPI_DIR to the folder that holds them.`,
  );
}

type Backend = InstanceType<typeof OpenAPIBackend>;

export class ContractChecker {
  private constructor(private readonly backends: { file: string; api: Backend }[]) {}

  /**
   * The first spec (in file name order) whose paths match an exchange checks it; `include` narrows the specs,
   * e.g. to a per-type spec (crm-tasks-v3.json) whose paths the generic crm-objects-v3.json also matches.
   */
  static async load(
    dir = specDirectory(),
    include: (file: string) => boolean = () => true,
  ): Promise<ContractChecker> {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && include(f));
    const backends: { file: string; api: Backend }[] = [];
    for (const file of files) {
      const definition = normaliseResponses(
        JSON.parse(readFileSync(join(dir, file), 'utf8')) as SpecDocument,
      );
      // `quick` skips validating the spec documents themselves: HubSpot's use `$ref` beside `description`
      // in `default` responses, which strict OpenAPI 3.0 validation rejects although every tool reads it.
      const api = new OpenAPIBackend({
        definition: definition as never,
        quick: true,
        strict: false,
        validate: true,
        ajvOpts: { allErrors: true },
        customizeAjv: (ajv: Ajv) => {
          addFormats.default(ajv);
          return ajv;
        },
      });
      await api.init();
      backends.push({ file, api });
    }
    return new ContractChecker(backends);
  }

  check(exchange: Exchange): ContractVerdict {
    const request = {
      method: exchange.method.toLowerCase(),
      path: exchange.path,
      query: exchange.query,
      headers: exchange.requestHeaders,
      body: exchange.requestBody,
    };
    for (const { file, api } of this.backends) {
      const operation = api.matchOperation(request);
      if (!operation) continue;
      const req = api.validateRequest(request, operation);
      const res = api.validateResponse(exchange.responseBody, operation, exchange.status);
      return {
        operation: `${file} ${operation.operationId ?? `${operation.method} ${operation.path}`}`,
        requestErrors: (req.errors ?? []).map(formatError),
        responseErrors: (res.errors ?? []).map(formatError),
      };
    }
    return { operation: null, requestErrors: [], responseErrors: [] };
  }
}

interface SpecDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, Record<string, unknown>> }>>;
  components?: { responses?: Record<string, Record<string, unknown>> };
}

/**
 * HubSpot's specs declare error responses as `default: {$ref: '#/components/responses/Error'}` whose
 * content type is `*\/*`; the validator only checks `application/json` bodies. Inline those responses and
 * read `*\/*` as JSON (HubSpot's error bodies are JSON), so that error bodies are checked too.
 */
function normaliseResponses(doc: SpecDocument): SpecDocument {
  const shared = doc.components?.responses ?? {};
  const asJson = (response: Record<string, unknown>): Record<string, unknown> => {
    const content = response.content as Record<string, unknown> | undefined;
    if (!content || content['application/json'] || !content['*/*']) return response;
    return { ...response, content: { 'application/json': content['*/*'] } };
  };
  for (const pathItem of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(pathItem)) {
      if (!operation || typeof operation !== 'object' || !operation.responses) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        const ref = response.$ref;
        const resolved =
          typeof ref === 'string' && ref.startsWith('#/components/responses/')
            ? shared[ref.slice('#/components/responses/'.length)]
            : response;
        if (resolved) operation.responses[status] = asJson(resolved);
      }
    }
  }
  return doc;
}

function formatError(e: { instancePath?: string; message?: string; params?: unknown }): string {
  return `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params ?? {})}`.trim();
}
