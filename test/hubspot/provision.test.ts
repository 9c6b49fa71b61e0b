import {
  hubSpotProvisioning,
  propertyRepair,
  provisionPortal,
  type ProvisionReport,
} from '../../src/adapters/hubspot/provision.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { DEAL_PROPERTIES, MILESTONE_PROPERTIES } from '../../src/adapters/hubspot/definitions.js';
import { countBy, ENTERPRISE_SCOPES, PROFESSIONAL_SCOPES, startHarness, type Harness } from './harness.js';

describe('provisionPortal against the sandbox CRM', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  async function provision(portalId: string, scopes: readonly string[]): Promise<ProvisionReport> {
    const res = await provisionPortal(h.transport, portalId, { scopes });
    if (!res.ok)
      throw new Error(
        `provisioning failed: ${res.error.code} ${res.error.message} ${JSON.stringify(res.error.details)}`,
      );
    return res.value;
  }

  it('creates the group, every deal property and the milestone object on an Enterprise portal, then a second run writes nothing', async () => {
    const first = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(first.storageMode).toBe('custom_object');
    expect(first.milestoneObjectTypeId).toMatch(/^2-\d+$/);
    expect(first.problems).toEqual([]);
    expect(first.created).toContain('deal property group mutual_action_plan');
    for (const p of DEAL_PROPERTIES) expect(first.created).toContain(`deal property ${p.name}`);
    expect(first.created).toContain('custom object map_milestone');

    const props = await h.raw(h.demoPortalId, 'GET', `/crm/v3/properties/${first.milestoneObjectTypeId}`);
    const results: { name: string; hasUniqueValue: boolean }[] = props.body.results;
    for (const p of MILESTONE_PROPERTIES) expect(results.map((r) => r.name)).toContain(p.name);
    expect(results.find((p) => p.name === 'map_key')?.hasUniqueValue).toBe(true);
    const schema = await h.raw(
      h.demoPortalId,
      'GET',
      `/crm-object-schemas/v3/schemas/${first.milestoneObjectTypeId}`,
    );
    const associations: { toObjectTypeId: string }[] = schema.body.associations;
    expect(associations.map((a) => a.toObjectTypeId).sort()).toEqual(['0-1', '0-3']);

    h.attempts.length = 0;
    const second = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(second.storageMode).toBe('custom_object');
    expect(second.milestoneObjectTypeId).toBe(first.milestoneObjectTypeId);
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.problems).toEqual([]);
    expect(countBy(h.attempts)).toEqual({ GET: 4 });
  });

  it('is the Provisioning port: a tenant (the portal) and its scopes in, the same report out', async () => {
    const res = await hubSpotProvisioning(h.transport)({
      tenant: hubSpotTenant(h.demoPortalId),
      scopes: PROFESSIONAL_SCOPES,
    });
    expect(res.ok && res.value.storageMode).toBe('document');
    expect(res.ok && res.value.created).toContain('deal property map_plan');
    expect(new Set(h.attempts.map((a) => a.portalId))).toEqual(new Set([h.demoPortalId]));
  });

  it('chooses document mode without the custom-object scopes and never touches schemas', async () => {
    const report = await provision(h.demoPortalId, PROFESSIONAL_SCOPES);
    expect(report.storageMode).toBe('document');
    expect(report.storageReason).toMatch(/crm\.schemas\.custom\.read/);
    expect(h.attempts.some((a) => a.path.startsWith('/crm-object-schemas'))).toBe(false);
  });

  // A Professional portal cannot grant the custom-object scopes, so its token lacks them even when the app
  // believes (a stale grant) it has them: HubSpot answers the limits call 403 MISSING_SCOPES (the sandbox
  // enforces the crm-limits-tracking-v3.json security requirement), and provisioning falls back to the document.
  it('chooses document mode on a Professional portal that refuses custom objects, even when told it has the scopes', async () => {
    const portal = await h.newPortal('professional');
    const report = await provision(portal, ENTERPRISE_SCOPES);
    expect(report.storageMode).toBe('document');
    expect(report.storageReason).toMatch(/does not allow this account to use custom objects/);
    expect(h.attempts.some((a) => a.path === '/crm/v3/limits/custom-object-types' && a.status === 403)).toBe(
      true,
    );
    expect(report.created).toContain('deal property map_plan');
    h.attempts.length = 0;
    const again = await provision(portal, ENTERPRISE_SCOPES);
    expect(again.created).toEqual([]);
    expect(countBy(h.attempts)).toEqual({ GET: 3 });
  });

  it('repairs a wrong label, a missing enumeration option and a wrong group, keeping an option an admin added', async () => {
    await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    await h.raw(h.demoPortalId, 'PATCH', '/crm/v3/properties/deals/map_health', {
      label: 'Health (renamed)',
      groupName: 'dealinformation',
      options: [
        { label: 'On track', value: 'on_track', displayOrder: 0 },
        { label: 'Escalated', value: 'escalated', displayOrder: 1 },
      ],
    });
    const report = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(report.updated).toEqual([
      { subject: 'deal property map_health', changes: ['label', 'group', 'options'] },
    ]);
    const health = await h.raw(h.demoPortalId, 'GET', '/crm/v3/properties/deals/map_health');
    expect(health.body.label).toBe('MAP health');
    expect(health.body.groupName).toBe('mutual_action_plan');
    const options: { value: string }[] = health.body.options;
    expect(options.map((o) => o.value)).toEqual([
      'not_started',
      'on_track',
      'at_risk',
      'off_track',
      'complete',
      'escalated',
    ]);
  });

  it('reports a map_progress that exists with the wrong type in words an admin can act on, and leaves it alone', async () => {
    await h.raw(h.demoPortalId, 'POST', '/crm/v3/properties/deals/groups', {
      name: 'mutual_action_plan',
      label: 'Mutual Action Plan',
    });
    await h.raw(h.demoPortalId, 'POST', '/crm/v3/properties/deals', {
      name: 'map_progress',
      label: 'Progress',
      type: 'string',
      fieldType: 'text',
      groupName: 'mutual_action_plan',
    });
    const report = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    const problem = report.problems.find((p) => p.subject === 'deal property map_progress');
    expect(problem?.blocking).toBe(true);
    expect(problem?.message).toMatch(/exists as a text property, but the app needs a number property/);
    expect(problem?.message).toMatch(/delete or rename it/);
    const progress = await h.raw(h.demoPortalId, 'GET', '/crm/v3/properties/deals/map_progress');
    expect(progress.body.type).toBe('string');
    expect(report.created).toContain('deal property map_health');
  });

  it('completes a milestone object created by hand without some properties and without its contact association', async () => {
    const created = await h.raw(h.demoPortalId, 'POST', '/crm-object-schemas/v3/schemas', {
      name: 'map_milestone',
      labels: { singular: 'Milestone', plural: 'Milestones' },
      primaryDisplayProperty: 'map_title',
      requiredProperties: ['map_title'],
      properties: [
        { name: 'map_title', label: 'Title', type: 'string', fieldType: 'text' },
        { name: 'map_key', label: 'Key', type: 'string', fieldType: 'text', hasUniqueValue: true },
      ],
      associatedObjects: ['0-3'],
    });
    expect(created.status).toBe(201);
    const report = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(report.storageMode).toBe('custom_object');
    expect(report.created).toContain('map_milestone property map_due_date');
    expect(report.created).toContain('association map_milestone → contacts');
    expect(report.updated.find((u) => u.subject === 'custom object map_milestone')?.changes).toEqual(
      expect.arrayContaining(['labels', 'description', 'required properties']),
    );
    h.attempts.length = 0;
    const again = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(again.created).toEqual([]);
    expect(again.updated).toEqual([]);
    expect(countBy(h.attempts)).toEqual({ GET: 4 });
  });

  it('falls back to document mode when an existing map_key cannot hold unique values, and says why', async () => {
    await h.raw(h.demoPortalId, 'POST', '/crm-object-schemas/v3/schemas', {
      name: 'map_milestone',
      labels: { singular: 'MAP milestone', plural: 'MAP milestones' },
      primaryDisplayProperty: 'map_title',
      requiredProperties: ['map_title'],
      properties: [
        { name: 'map_title', label: 'Title', type: 'string', fieldType: 'text' },
        { name: 'map_key', label: 'Key', type: 'string', fieldType: 'text' },
      ],
      associatedObjects: ['0-3', '0-1'],
    });
    const report = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(report.storageMode).toBe('document');
    expect(report.problems.find((p) => p.subject === 'map_milestone property map_key')?.message).toMatch(
      /unique values/,
    );
  });

  // HubSpot refuses to delete a property an object requires (the sandbox likewise), and hasUniqueValue cannot be
  // switched on after creation (crm-properties-v3.json PropertyCreate.hasUniqueValue: "Once set, this can't be
  // changed"): the report tells the admin the order of the steps, and following them works.
  it('tells the admin to un-require a non-unique map_key before deleting it, and following the steps gives custom-object mode', async () => {
    const created = await h.raw(h.demoPortalId, 'POST', '/crm-object-schemas/v3/schemas', {
      name: 'map_milestone',
      labels: { singular: 'MAP milestone', plural: 'MAP milestones' },
      primaryDisplayProperty: 'map_title',
      requiredProperties: ['map_title', 'map_key'],
      properties: [
        { name: 'map_title', label: 'Title', type: 'string', fieldType: 'text' },
        { name: 'map_key', label: 'Key', type: 'string', fieldType: 'text' },
      ],
      associatedObjects: ['0-3', '0-1'],
    });
    const typeId: string = created.body.objectTypeId;
    const first = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(first.storageMode).toBe('document');
    const problem = first.problems.find((p) => p.subject === 'map_milestone property map_key');
    expect(problem?.blocking).toBe(true);
    expect(problem?.message).toMatch(
      /first remove it from the map_milestone object's required properties .* then delete it/,
    );
    expect(h.attempts.some((a) => a.method === 'PATCH' && a.path.includes('map_key'))).toBe(false);

    // Deleting first is refused, as the report warned; un-requiring, then deleting, works.
    expect((await h.raw(h.demoPortalId, 'DELETE', `/crm/v3/properties/${typeId}/map_key`)).status).toBe(400);
    expect(
      (
        await h.raw(h.demoPortalId, 'PATCH', `/crm-object-schemas/v3/schemas/${typeId}`, {
          requiredProperties: ['map_title'],
        })
      ).status,
    ).toBe(200);
    expect((await h.raw(h.demoPortalId, 'DELETE', `/crm/v3/properties/${typeId}/map_key`)).status).toBe(204);
    const second = await provision(h.demoPortalId, ENTERPRISE_SCOPES);
    expect(second.problems).toEqual([]);
    expect(second.storageMode).toBe('custom_object');
    const key = await h.raw(h.demoPortalId, 'GET', `/crm/v3/properties/${typeId}/map_key`);
    expect(key.body.hasUniqueValue).toBe(true);
    const schema = await h.raw(h.demoPortalId, 'GET', `/crm-object-schemas/v3/schemas/${typeId}`);
    expect(schema.body.requiredProperties).toEqual(expect.arrayContaining(['map_key', 'map_title']));
  });

  // crm-properties-v3.json PropertyModificationMetadata: readOnlyDefinition "Indicates whether the property's
  // definition is read-only and cannot be modified", readOnlyOptions likewise for options. The sandbox refuses
  // such a PATCH (test/sandbox/crm-schemas-properties.test.ts), so provisioning must not send one.
  it('never plans a definition change for a property HubSpot marks read-only, and names what it left alone', () => {
    const health = DEAL_PROPERTIES.find((p) => p.name === 'map_health')!;
    const existing = {
      name: 'map_health',
      label: 'Health',
      type: 'enumeration',
      fieldType: 'radio',
      description: '',
      groupName: 'dealinformation',
      options: [{ label: 'On track', value: 'on_track', hidden: false }],
    };
    const readOnly = propertyRepair(
      { ...existing, modificationMetadata: { readOnlyDefinition: true, readOnlyOptions: false } },
      health,
    );
    expect(readOnly?.body).toEqual({ options: expect.any(Array) });
    expect(readOnly?.locked).toEqual(['label', 'description', 'group', 'field type']);
    const optionsToo = propertyRepair(
      { ...existing, modificationMetadata: { readOnlyDefinition: true, readOnlyOptions: true } },
      health,
    );
    expect(optionsToo?.body).toEqual({});
    expect(optionsToo?.locked).toEqual(['label', 'description', 'group', 'field type', 'options']);
    const writable = propertyRepair(
      { ...existing, modificationMetadata: { readOnlyDefinition: false } },
      health,
    );
    expect(Object.keys(writable?.body ?? {}).sort()).toEqual([
      'description',
      'fieldType',
      'groupName',
      'label',
      'options',
    ]);
    expect(writable?.locked).toEqual([]);
  });
});
