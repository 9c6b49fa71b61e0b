import { ContractChecker, type Exchange } from '../helpers/openapi-contract.js';

const base = { query: {}, requestHeaders: { 'content-type': 'application/json' }, requestBody: undefined };

describe('contract checker (guards the contract tests themselves)', () => {
  let checker: ContractChecker;
  beforeAll(async () => {
    checker = await ContractChecker.load();
  });

  it('accepts a well-formed object response and names the operation', () => {
    const exchange: Exchange = {
      ...base,
      method: 'GET',
      path: '/crm/v3/objects/deals/123',
      status: 200,
      responseBody: {
        id: '123',
        properties: { dealname: 'Acme' },
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        archived: false,
      },
    };
    const verdict = checker.check(exchange);
    expect(verdict.operation).toMatch(/getById/);
    expect(verdict.responseErrors).toEqual([]);
  });

  it('rejects a response missing a required field or with a malformed date-time', () => {
    const verdict = checker.check({
      ...base,
      method: 'GET',
      path: '/crm/v3/objects/deals/123',
      status: 200,
      responseBody: { id: '123', properties: {}, createdAt: 'yesterday', updatedAt: '2026-01-01T00:00:00Z' },
    });
    expect(verdict.responseErrors.join('\n')).toMatch(/archived/);
    expect(verdict.responseErrors.join('\n')).toMatch(/date-time/);
  });

  it('checks account details against PortalInformationResponse (account-info-v3.json)', () => {
    const verdict = checker.check({
      ...base,
      method: 'GET',
      path: '/account-info/v3/details',
      status: 200,
      responseBody: { portalId: 1, utcOffset: '+10:00', utcOffsetMilliseconds: 'ten hours' },
    });
    expect(verdict.operation).toMatch(/account-info-v3\.json/);
    const errors = verdict.responseErrors.join('\n');
    for (const missing of ['timeZone', 'accountType', 'companyCurrency', 'uiDomain', 'dataHostingLocation'])
      expect(errors).toContain(missing);
    expect(errors).toMatch(/utcOffsetMilliseconds must be integer/);
  });

  it('checks error responses against the Error schema', () => {
    const verdict = checker.check({
      ...base,
      method: 'GET',
      path: '/crm/v3/objects/deals/123',
      status: 404,
      responseBody: { message: 'not found' },
    });
    expect(verdict.responseErrors.join('\n')).toMatch(/category|correlationId/);
  });

  it('rejects a request body the spec rejects', () => {
    const verdict = checker.check({
      ...base,
      method: 'POST',
      path: '/crm/v3/objects/deals/batch/read',
      requestBody: { inputs: [{ id: '1' }] },
      status: 200,
      responseBody: {},
    });
    expect(verdict.requestErrors.join('\n')).toMatch(/properties/);
  });
});
