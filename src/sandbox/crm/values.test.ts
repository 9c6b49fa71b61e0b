import type { PropertyDef } from './model.js';
import { checkValue, comparable, propertyProblemsMessage, toEpochMs } from './values.js';

function prop(partial: Partial<PropertyDef> & Pick<PropertyDef, 'type' | 'fieldType'>): PropertyDef {
  return {
    name: 'p',
    label: 'P',
    groupName: 'g',
    description: '',
    displayOrder: 0,
    options: [],
    hasUniqueValue: false,
    hidden: false,
    formField: true,
    calculated: false,
    externalOptions: false,
    hubspotDefined: false,
    readOnlyValue: false,
    readOnlyDefinition: false,
    archivable: true,
    createdAt: 0,
    updatedAt: 0,
    ...partial,
  };
}

const noOwners = { ownerExists: (): boolean => false };
const stored = (def: PropertyDef, input: string): string | undefined => {
  const r = checkValue(def, input, noOwners);
  if (!r.ok) throw new Error(`unexpected problem: ${r.problem.message}`);
  return r.value;
};
const code = (def: PropertyDef, input: string): string | undefined => {
  const r = checkValue(def, input, noOwners);
  return r.ok ? undefined : r.problem.error;
};

describe('property values', () => {
  const num = prop({ type: 'number', fieldType: 'number' });
  const date = prop({ type: 'date', fieldType: 'date' });
  const datetime = prop({ type: 'datetime', fieldType: 'date' });

  it('canonicalises numbers and refuses non-numbers', () => {
    expect(stored(num, '1200.50')).toBe('1200.5');
    expect(stored(num, '-3')).toBe('-3');
    expect(stored(num, '1e3')).toBe('1000');
    expect(code(num, '12abc')).toBe('INVALID_DOUBLE');
    expect(code(num, 'Infinity')).toBe('INVALID_DOUBLE');
  });

  it('stores date values as YYYY-MM-DD from either accepted form and refuses impossible days', () => {
    expect(stored(date, '2026-02-28')).toBe('2026-02-28');
    expect(stored(date, String(Date.UTC(2026, 1, 28)))).toBe('2026-02-28');
    expect(code(date, '2026-02-30')).toBe('INVALID_DATE');
    expect(code(date, '28/02/2026')).toBe('INVALID_DATE');
  });

  it('words a non-midnight date like HubSpot', () => {
    const r = checkValue(date, '1570233600', noOwners);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.message).toBe('1570233600 is at 4:10:33.600 UTC, not midnight!');
  });

  it('stores datetimes as ISO 8601 UTC from epoch ms, ISO strings with offsets, or dates', () => {
    expect(stored(datetime, '1427997766000')).toBe('2015-04-02T18:02:46.000Z');
    expect(stored(datetime, '2015-04-02T14:02:46-04:00')).toBe('2015-04-02T18:02:46.000Z');
    expect(stored(datetime, '2015-04-02')).toBe('2015-04-02T00:00:00.000Z');
    expect(code(datetime, 'April 2nd')).toBe('INVALID_DATETIME');
  });

  it('clears any property written as an empty string', () => {
    expect(stored(num, '')).toBeUndefined();
    expect(stored(date, '')).toBeUndefined();
  });

  it('refuses leading or trailing whitespace on non-string values but keeps it in strings', () => {
    expect(code(num, ' 5')).toBe('LEADING_TRAILING_WHITESPACE');
    expect(code(num, '5\u00a0')).toBe('LEADING_TRAILING_WHITESPACE');
    expect(stored(prop({ type: 'string', fieldType: 'text' }), ' padded ')).toBe(' padded ');
  });

  it('checks owner ids as integers of existing owners', () => {
    const owner = prop({
      type: 'enumeration',
      fieldType: 'select',
      referencedObjectType: 'OWNER',
      externalOptions: true,
    });
    expect(code(owner, '29947847357121')).toBe('INVALID_INTEGER');
    expect(code(owner, '12')).toBe('INVALID_OWNER_ID');
    expect(checkValue(owner, '12', { ownerExists: (id) => id === 12 })).toEqual({ ok: true, value: '12' });
  });

  it('puts the problems in the message as HubSpot does, with localizedErrorMessage and portalId', () => {
    // Source: HubSpot's error-handling guide (https://developers.hubspot.com/docs/api/error-handling), whose
    // 400 and multi-status examples embed {"isValid","message","error","name","localizedErrorMessage","portalId"}.
    expect(
      propertyProblemsMessage(
        [{ name: 'x', error: 'PROPERTY_DOESNT_EXIST', message: 'Property "x" does not exist' }],
        101,
      ),
    ).toBe(
      'Property values were not valid: [{"isValid":false,"message":"Property \\"x\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"x",' +
        '"localizedErrorMessage":"Property \\"x\\" does not exist","portalId":101}]',
    );
  });

  it('compares numbers numerically, dates by time and strings case-insensitively', () => {
    expect(comparable(num, '9') < comparable(num, '10')).toBe(true);
    expect(comparable(date, '2026-01-02')).toBe(toEpochMs('2026-01-02'));
    expect(comparable(undefined, 'ABC')).toBe('abc');
  });
});
