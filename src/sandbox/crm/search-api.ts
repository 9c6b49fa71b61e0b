/**
 * Search (`POST /crm/v3/objects/{objectType}/search`): filter groups (OR of ANDs), the `associations.{type}`
 * pseudo-property (standard objects only), free-text `query` (at most 3,000 characters), one sort, offset
 * paging with `total`, 1 to 200 a page and 10,000 results a query. Like HubSpot's, the search index lags
 * writes (see search-index.ts). Enumeration filters are case-sensitive; text filters are not, and IN / NOT_IN
 * on text take lowercase values only.
 * Spec: crm-objects-v3.json, PublicObjectSearchRequest; guide: https://developers.hubspot.com/docs/guides/api/crm/search
 */
import { Router } from 'express';
import { z } from 'zod';
import { caller } from '../context.js';
import { parseBody, sendFailure } from './http.js';
import {
  failure,
  SEARCH_PAGE_LIMIT,
  SEARCH_RESULT_LIMIT,
  success,
  validation,
  type CrmRecord,
  type Outcome,
  type PropertyDef,
} from './model.js';
import { findType, requireObjectScope, resolveType, type TypeInfo } from './object-types.js';
import type { CrmDeps } from './objects-api.js';
import { propertiesToShow, toPublic } from './records.js';
import { searchVisible } from './search-index.js';
import { PortalStore } from './store.js';
import { comparable, toEpochMs } from './values.js';

const OPERATORS = [
  'BETWEEN',
  'CONTAINS_TOKEN',
  'EQ',
  'GT',
  'GTE',
  'HAS_PROPERTY',
  'IN',
  'LT',
  'LTE',
  'NEQ',
  'NOT_CONTAINS_TOKEN',
  'NOT_HAS_PROPERTY',
  'NOT_IN',
] as const;
type Operator = (typeof OPERATORS)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const filterSchema = z.object({
  propertyName: z.string(),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
type Filter = z.infer<typeof filterSchema>;

const sortSchema = z.union([
  z
    .string()
    .transform((s) =>
      s.startsWith('-')
        ? { propertyName: s.slice(1), direction: 'DESCENDING' as const }
        : { propertyName: s, direction: 'ASCENDING' as const },
    ),
  z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
]);

const searchSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).default([]),
  sorts: z.array(sortSchema).default([]),
  properties: z.array(z.string()).default([]),
  query: z.string().optional(),
  limit: z.number().int().default(10),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
});

/** The spec's limit on the free-text query: "The search query string, up to 3000 characters." */
export const SEARCH_QUERY_MAX_CHARS = 3000;

/** A filter compiled to a predicate over records, once per request. */
type Predicate = (record: CrmRecord) => boolean;

function tokens(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}@._-]+/u)
    .filter((t) => t.length > 0);
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .toLowerCase()
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(text);
}

function compile(
  store: PortalStore,
  info: TypeInfo,
  props: ReadonlyMap<string, PropertyDef>,
  f: Filter,
): Outcome<Predicate> {
  const needValue = (): Outcome<string> =>
    f.value === undefined
      ? failure(validation(`Filter on ${f.propertyName} with operator ${f.operator} needs a value.`))
      : success(f.value);

  if (f.propertyName.startsWith('associations.')) {
    const other = findType(store, f.propertyName.slice('associations.'.length));
    if (!other)
      return failure({
        kind: 'unknown_object_type',
        objectType: f.propertyName.slice('associations.'.length),
      });
    // "Searching through associations is not supported for custom objects" (guide, Search through associations).
    if (!info.type.standard || !other.standard) {
      return failure(
        validation(
          `Searching through associations is not supported for custom objects (${f.propertyName} on ${info.type.name}).`,
        ),
      );
    }
    if (f.operator !== 'EQ' && f.operator !== 'IN') {
      return failure(
        validation(`Operator ${f.operator} is not supported for ${f.propertyName}; use EQ or IN.`),
      );
    }
    const wanted = f.operator === 'EQ' ? [f.value ?? ''] : (f.values ?? []);
    const ids = new Set<number>();
    for (const v of wanted) {
      if (!/^\d+$/.test(v)) continue;
      for (const id of store.idsAssociatedWith(info.type.objectTypeId, other.objectTypeId, Number(v)))
        ids.add(id);
    }
    return success((r) => ids.has(r.id));
  }

  const def = props.get(f.propertyName);
  if (!def && f.propertyName !== 'hs_object_id') {
    return failure(validation(`Property "${f.propertyName}" does not exist on ${info.type.name}.`));
  }
  const value = (r: CrmRecord): string | undefined => r.properties[f.propertyName];
  // HubSpot's enumeration filters are case-sensitive (an `industry` filter finds nothing once its value is
  // lowercased: github.com/dust-tt/dust/pull/15637); text filters ignore case. Numbers and dates compare
  // as numbers and epoch milliseconds.
  const enumeration = def?.type === 'enumeration';
  const stored = (s: string): number | string => (enumeration ? s : comparable(def, s));
  // Filter values for date properties may be epoch milliseconds or ISO strings, like stored values.
  const cmp = (raw: string): number | string =>
    def && (def.type === 'date' || def.type === 'datetime') ? (toEpochMs(raw) ?? Number.NaN) : stored(raw);
  const op: Operator = f.operator;
  switch (op) {
    case 'HAS_PROPERTY':
      return success((r) => value(r) !== undefined);
    case 'NOT_HAS_PROPERTY':
      return success((r) => value(r) === undefined);
    case 'EQ':
    case 'NEQ': {
      const v = needValue();
      if (!v.ok) return v;
      const target = cmp(v.value);
      const eq = (r: CrmRecord): boolean => {
        const s = value(r);
        return s !== undefined && stored(s) === target;
      };
      return success(op === 'EQ' ? eq : (r) => !eq(r));
    }
    case 'LT':
    case 'LTE':
    case 'GT':
    case 'GTE': {
      const v = needValue();
      if (!v.ok) return v;
      const target = cmp(v.value);
      return success((r) => {
        const s = value(r);
        if (s === undefined) return false;
        const x = stored(s);
        if (op === 'LT') return x < target;
        if (op === 'LTE') return x <= target;
        if (op === 'GT') return x > target;
        return x >= target;
      });
    }
    case 'BETWEEN': {
      if (f.value === undefined || f.highValue === undefined) {
        return failure(
          validation(`Filter on ${f.propertyName} with operator BETWEEN needs value and highValue.`),
        );
      }
      const low = cmp(f.value);
      const high = cmp(f.highValue);
      return success((r) => {
        const s = value(r);
        if (s === undefined) return false;
        const x = stored(s);
        return x >= low && x <= high;
      });
    }
    case 'IN':
    case 'NOT_IN': {
      if (!f.values)
        return failure(validation(`Filter on ${f.propertyName} with operator ${op} needs values.`));
      // "When searching a string property with this operator, values must be lowercase." HubSpot then
      // finds nothing for a mixed-case value; the sandbox refuses it, so that the mistake shows.
      const upper = def?.type === 'string' ? f.values.find((v) => v !== v.toLowerCase()) : undefined;
      if (upper !== undefined) {
        return failure(
          validation(
            `Filter on ${f.propertyName} with operator ${op}: values of a string property must be lowercase, got "${upper}".`,
          ),
        );
      }
      const set = new Set(f.values.map(cmp));
      const isIn = (r: CrmRecord): boolean => {
        const s = value(r);
        if (s === undefined) return false;
        return def?.fieldType === 'checkbox'
          ? s.split(';').some((part) => set.has(stored(part)))
          : set.has(stored(s));
      };
      return success(op === 'IN' ? isIn : (r) => !isIn(r));
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const v = needValue();
      if (!v.ok) return v;
      const pattern = v.value.toLowerCase();
      const has = (r: CrmRecord): boolean => {
        const s = value(r);
        if (s === undefined) return false;
        return globMatch(pattern, s.toLowerCase()) || tokens(s).some((t) => globMatch(pattern, t));
      };
      return success(op === 'CONTAINS_TOKEN' ? has : (r) => !has(r));
    }
  }
}

function queryPredicate(info: TypeInfo, query: string): Predicate {
  const terms = tokens(query);
  const fields =
    info.type.def.searchableProperties.length > 0
      ? info.type.def.searchableProperties
      : info.defaultProperties;
  return (r) => {
    const words = fields.flatMap((name) => tokens(r.properties[name] ?? ''));
    return terms.every((term) => words.some((w) => w.startsWith(term)));
  };
}

export function searchRouter(deps: CrmDeps): Router {
  const router = Router();
  router.post('/crm/v3/objects/:objectType/search', (req, res) => {
    const store = new PortalStore(deps.db, caller(res).portalId);
    const resolved = resolveType(store, String(req.params.objectType));
    if (!resolved.ok) return sendFailure(res, resolved.error);
    const info = resolved.value;
    const missing = requireObjectScope(caller(res), info, 'read');
    if (missing) return sendFailure(res, missing);
    const input = parseBody(searchSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const body = input.value;
    // limit 0 would page forever on the same cursor; HubSpot's pages hold 1 to 200 results.
    if (body.limit < 1 || body.limit > SEARCH_PAGE_LIMIT) {
      return sendFailure(res, validation(`limit must be from 1 to ${SEARCH_PAGE_LIMIT}, got ${body.limit}`));
    }
    if (body.query !== undefined && body.query.length > SEARCH_QUERY_MAX_CHARS) {
      return sendFailure(
        res,
        validation(`query must be at most ${SEARCH_QUERY_MAX_CHARS} characters, got ${body.query.length}`),
      );
    }
    // "You can only use one sorting rule in a search request" (guide, Sort search results).
    if (body.sorts.length > 1)
      return sendFailure(
        res,
        validation(`Only one sorting rule is allowed in a search, got ${body.sorts.length}.`),
      );
    const offset = body.after === undefined || body.after === '' ? 0 : Number(body.after);
    if (!Number.isInteger(offset) || offset < 0)
      return sendFailure(res, validation(`after must be a paging cursor, got ${body.after ?? ''}`));
    if (offset + body.limit > SEARCH_RESULT_LIMIT) {
      return sendFailure(
        res,
        validation(
          `Search returns at most ${SEARCH_RESULT_LIMIT} results; after + limit = ${offset + body.limit}.`,
        ),
      );
    }
    const groups = body.filterGroups;
    const filterCount = groups.reduce((n, g) => n + g.filters.length, 0);
    if (groups.length > 5 || groups.some((g) => g.filters.length > 6) || filterCount > 18) {
      return sendFailure(
        res,
        validation('Too many filters: at most 5 filterGroups, 6 filters in a group and 18 filters in all.'),
      );
    }
    const props = store.propertyMap(info.type.objectTypeId);
    const compiled: Predicate[][] = [];
    for (const group of groups) {
      const preds: Predicate[] = [];
      for (const f of group.filters) {
        const p = compile(store, info, props, f);
        if (!p.ok) return sendFailure(res, p.error);
        preds.push(p.value);
      }
      compiled.push(preds);
    }
    const textMatch = body.query ? queryPredicate(info, body.query) : undefined;
    const indexed = searchVisible(
      deps.db,
      store.portalId,
      info.type.objectTypeId,
      store.allLiveObjects(info.type.objectTypeId),
      deps.now(),
    );
    let matches = indexed
      .filter((r) => compiled.length === 0 || compiled.some((preds) => preds.every((p) => p(r))))
      .filter((r) => !textMatch || textMatch(r));
    for (const sort of [...body.sorts].reverse()) {
      const def = props.get(sort.propertyName);
      const sign = sort.direction === 'DESCENDING' ? -1 : 1;
      matches = [...matches].sort((a, b) => {
        const x = a.properties[sort.propertyName];
        const y = b.properties[sort.propertyName];
        if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
        const cx = comparable(def, x);
        const cy = comparable(def, y);
        return cx < cy ? -sign : cx > cy ? sign : 0;
      });
    }
    const show = propertiesToShow(info, props, body.properties);
    const page = matches.slice(offset, offset + body.limit);
    const out: Record<string, unknown> = {
      total: matches.length,
      results: page.map((r) => toPublic(r, show)),
    };
    const next = offset + body.limit;
    if (next < matches.length && next < SEARCH_RESULT_LIMIT) out.paging = { next: { after: String(next) } };
    res.json(out);
  });
  return router;
}
