import { matchTemplate } from './endpoints.js';

describe('endpoint templates', () => {
  it.each([
    ['/crm/v3/objects/deals', '/crm/v3/objects/{objectType}'],
    ['/crm/v3/objects/2-123/45', '/crm/v3/objects/{objectType}/{objectId}'],
    ['/crm/v3/objects/deals/search', '/crm/v3/objects/{objectType}/search'],
    ['/crm/v3/objects/deals/batch/read', '/crm/v3/objects/{objectType}/batch/read'],
    ['/crm/v3/properties/deals/groups', '/crm/v3/properties/{objectType}/groups'],
    ['/crm/v3/properties/deals/map_progress', '/crm/v3/properties/{objectType}/{propertyName}'],
    [
      '/crm/v4/objects/deals/1/associations/2-9',
      '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}',
    ],
    ['/crm/v3/owners/', '/crm/v3/owners'],
    ['/account-info/v3/details', '/account-info/v3/details'],
  ])('files %s under %s, preferring literal segments', (path, template) => {
    expect(matchTemplate(path)).toBe(template);
  });

  it('knows no template for a path outside the specs', () => {
    expect(matchTemplate('/crm/v3/whoami')).toBeUndefined();
    expect(matchTemplate('/crm/v3/objects')).toBeUndefined();
  });
});
