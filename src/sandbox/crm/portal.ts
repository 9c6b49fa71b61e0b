/**
 * A portal's CRM life cycle: the standard objects a new HubSpot portal has, the demo data of the seeded
 * portal, and the reset.
 */
import { inTransaction, type SandboxDb } from '../db.js';
import { associate } from './associations.js';
import type { PropertyDef } from './model.js';
import { typeInfo } from './object-types.js';
import { RecordWriter, type PropertyValuesInput } from './records.js';
import {
  COMPANIES,
  CONTACTS,
  DEAL_STAGE_PROBABILITY,
  DEALS,
  STANDARD_ASSOCIATION_TYPES,
  STANDARD_OBJECTS,
  STANDARD_PROPERTIES,
  type PropertySeed,
} from './standard.js';
import { indexPortalNow } from './search-index.js';
import { PortalStore } from './store.js';
import { DAY_MS, isoDate } from './values.js';

/** A property definition from a seed, as HubSpot shows its own properties. */
export function propertyFromSeed(
  seed: PropertySeed,
  groupName: string,
  displayOrder: number,
  now: number,
  hubspotDefined: boolean,
): PropertyDef {
  const def: PropertyDef = {
    name: seed.name,
    label: seed.label,
    type: seed.type,
    fieldType: seed.fieldType,
    groupName,
    description: '',
    displayOrder,
    options: seed.options ? [...seed.options] : [],
    hasUniqueValue: false,
    hidden: false,
    formField: !seed.readOnlyValue,
    calculated: false,
    externalOptions: seed.externalOptions ?? false,
    hubspotDefined,
    readOnlyValue: seed.readOnlyValue ?? false,
    readOnlyDefinition: hubspotDefined,
    archivable: !hubspotDefined,
    createdAt: now,
    updatedAt: now,
  };
  if (seed.numberDisplayHint) def.numberDisplayHint = seed.numberDisplayHint;
  if (seed.textDisplayHint) def.textDisplayHint = seed.textDisplayHint;
  if (seed.referencedObjectType) def.referencedObjectType = seed.referencedObjectType;
  return def;
}

export function createPortalCrm(db: SandboxDb, portalId: number, now: number): void {
  const store = new PortalStore(db, portalId);
  inTransaction(db, () => {
    for (const standard of STANDARD_OBJECTS) {
      if (store.getObjectType(standard.objectTypeId)) continue;
      store.insertObjectType({
        objectTypeId: standard.objectTypeId,
        name: standard.name,
        fullyQualifiedName: standard.objectTypeId,
        standard: true,
        def: standard.def,
        archived: false,
        createdAt: now,
        updatedAt: now,
      });
      store.upsertGroup(standard.objectTypeId, {
        name: standard.group.name,
        label: standard.group.label,
        displayOrder: 0,
      });
      (STANDARD_PROPERTIES[standard.objectTypeId] ?? []).forEach((seed, i) => {
        store.putProperty(standard.objectTypeId, propertyFromSeed(seed, standard.group.name, i, now, true));
      });
    }
    for (const t of STANDARD_ASSOCIATION_TYPES) {
      store.insertAssociationType({ ...t, createdAt: now, updatedAt: now });
    }
  });
}

export function deletePortalCrm(db: SandboxDb, portalId: number): void {
  inTransaction(db, () => new PortalStore(db, portalId).deleteAll());
}

// Demo data --------------------------------------------------------------------------------------------

const OWNERS = [
  {
    id: 71_000_101,
    userId: 9_100_101,
    firstName: 'Maya',
    lastName: 'Okafor',
    email: 'maya.okafor@northwind-demo.com',
    team: 'Enterprise AE',
  },
  {
    id: 71_000_102,
    userId: 9_100_102,
    firstName: 'Lucas',
    lastName: 'Brandt',
    email: 'lucas.brandt@northwind-demo.com',
    team: 'Enterprise AE',
  },
  {
    id: 71_000_103,
    userId: 9_100_103,
    firstName: 'Priya',
    lastName: 'Raman',
    email: 'priya.raman@northwind-demo.com',
    team: 'Mid-Market AE',
  },
  {
    id: 71_000_104,
    userId: 9_100_104,
    firstName: 'Tom',
    lastName: 'Whitfield',
    email: 'tom.whitfield@northwind-demo.com',
    team: 'Solutions Engineering',
  },
] as const;

const TEAMS: Record<string, string> = {
  'Enterprise AE': '501',
  'Mid-Market AE': '502',
  'Solutions Engineering': '503',
};

const COMPANY_SEEDS = [
  {
    key: 'acme',
    name: 'Acme Logistics',
    domain: 'acme-logistics.example',
    industry: 'Logistics',
    city: 'Rotterdam',
    numberofemployees: '2400',
  },
  {
    key: 'helio',
    name: 'Helio Health',
    domain: 'heliohealth.example',
    industry: 'Healthcare',
    city: 'Boston',
    numberofemployees: '8100',
  },
  {
    key: 'fjord',
    name: 'Fjord Energy',
    domain: 'fjordenergy.example',
    industry: 'Utilities',
    city: 'Oslo',
    numberofemployees: '1200',
  },
] as const;

const CONTACT_SEEDS = [
  { key: 'acme-cio', company: 'acme', firstname: 'Elena', lastname: 'Vasquez', jobtitle: 'CIO' },
  { key: 'acme-ops', company: 'acme', firstname: 'Daniel', lastname: 'Kim', jobtitle: 'VP Operations' },
  { key: 'acme-proc', company: 'acme', firstname: 'Grace', lastname: 'Mbeki', jobtitle: 'Procurement Lead' },
  { key: 'acme-sec', company: 'acme', firstname: 'Oskar', lastname: 'Lindqvist', jobtitle: 'Security Lead' },
  { key: 'helio-cfo', company: 'helio', firstname: 'Rachel', lastname: 'Goldberg', jobtitle: 'CFO' },
  { key: 'helio-it', company: 'helio', firstname: 'Samir', lastname: 'Haddad', jobtitle: 'Director of IT' },
  {
    key: 'helio-legal',
    company: 'helio',
    firstname: 'Nora',
    lastname: 'Fitzgerald',
    jobtitle: 'Legal Counsel',
  },
  { key: 'fjord-coo', company: 'fjord', firstname: 'Ingrid', lastname: 'Solberg', jobtitle: 'COO' },
  {
    key: 'fjord-proc',
    company: 'fjord',
    firstname: 'Magnus',
    lastname: 'Berg',
    jobtitle: 'Procurement Manager',
  },
] as const;

const DEAL_SEEDS = [
  {
    name: 'Acme Logistics — Fleet Visibility Platform',
    company: 'acme',
    stage: 'decisionmakerboughtin',
    amount: '185000',
    closeIn: 24,
    owner: 0,
    contacts: ['acme-cio', 'acme-ops', 'acme-proc', 'acme-sec'],
    forecast: 'COMMIT',
  },
  {
    name: 'Acme Logistics — Warehouse Analytics Add-on',
    company: 'acme',
    stage: 'qualifiedtobuy',
    amount: '42000',
    closeIn: 61,
    owner: 2,
    contacts: ['acme-ops'],
    forecast: 'PIPELINE',
  },
  {
    name: 'Helio Health — Patient Data Hub',
    company: 'helio',
    stage: 'contractsent',
    amount: '310000',
    closeIn: 9,
    owner: 1,
    contacts: ['helio-cfo', 'helio-it', 'helio-legal'],
    forecast: 'COMMIT',
  },
  {
    name: 'Helio Health — Security Review Pilot',
    company: 'helio',
    stage: 'presentationscheduled',
    amount: '28000',
    closeIn: 38,
    owner: 1,
    contacts: ['helio-it'],
    forecast: 'BEST_CASE',
  },
  {
    name: 'Fjord Energy — Grid Operations Suite',
    company: 'fjord',
    stage: 'appointmentscheduled',
    amount: '96000',
    closeIn: 90,
    owner: 0,
    contacts: ['fjord-coo'],
    forecast: 'PIPELINE',
  },
  {
    name: 'Fjord Energy — Procurement Portal',
    company: 'fjord',
    stage: 'presentationscheduled',
    amount: '54000',
    closeIn: 45,
    owner: 2,
    contacts: ['fjord-coo', 'fjord-proc'],
    forecast: 'BEST_CASE',
  },
  {
    name: 'Helio Health — Analytics Renewal',
    company: 'helio',
    stage: 'closedwon',
    amount: '120000',
    closeIn: -14,
    owner: 1,
    contacts: ['helio-cfo'],
    forecast: 'CLOSED',
  },
  {
    name: 'Acme Logistics — Legacy Migration',
    company: 'acme',
    stage: 'closedlost',
    amount: '75000',
    closeIn: -30,
    owner: 0,
    contacts: ['acme-cio', 'acme-proc'],
    forecast: 'OMIT',
  },
] as const;

/** Seeds the demo portal. Idempotent: a portal that already has deals is left as it is. */
export function seedDemoPortal(db: SandboxDb, portalId: number, now: number): void {
  createPortalCrm(db, portalId, now);
  const store = new PortalStore(db, portalId);
  const dealsType = store.getObjectType(DEALS.objectTypeId);
  const contactsType = store.getObjectType(CONTACTS.objectTypeId);
  const companiesType = store.getObjectType(COMPANIES.objectTypeId);
  if (!dealsType || !contactsType || !companiesType)
    throw new Error('sandbox crm: standard objects missing after createPortalCrm');
  if (
    store.listObjects(DEALS.objectTypeId, false, 0, 1).length > 0 ||
    store.listObjects(DEALS.objectTypeId, true, 0, 1).length > 0
  )
    return;

  inTransaction(db, () => {
    for (const o of OWNERS) {
      store.insertOwner({
        id: o.id,
        userId: o.userId,
        email: o.email,
        firstName: o.firstName,
        lastName: o.lastName,
        teams: [{ id: TEAMS[o.team] ?? '500', name: o.team, primary: true }],
        archived: false,
        createdAt: now - 400 * DAY_MS,
        updatedAt: now - 30 * DAY_MS,
      });
    }
    const write = (writer: RecordWriter, values: PropertyValuesInput): number => {
      const prepared = writer.prepare(values);
      if (!prepared.ok)
        throw new Error(`sandbox crm: demo seed is invalid: ${JSON.stringify(prepared.error)}`);
      return writer.insert(prepared.value).id;
    };
    const companies = new RecordWriter(store, typeInfo(companiesType), now);
    const contacts = new RecordWriter(store, typeInfo(contactsType), now);
    const deals = new RecordWriter(store, typeInfo(dealsType), now);
    const companyIds = new Map<string, number>();
    for (const c of COMPANY_SEEDS) {
      const { key, ...values } = c;
      companyIds.set(key, write(companies, { ...values, hubspot_owner_id: String(OWNERS[0].id) }));
    }
    const contactIds = new Map<string, number>();
    const contactToCompany = STANDARD_ASSOCIATION_TYPES.find((t) => t.typeId === 1);
    for (const c of CONTACT_SEEDS) {
      const company = COMPANY_SEEDS.find((s) => s.key === c.company);
      const id = write(contacts, {
        firstname: c.firstname,
        lastname: c.lastname,
        jobtitle: c.jobtitle,
        company: company?.name ?? '',
        email: `${c.firstname}.${c.lastname}@${company?.domain ?? 'example.com'}`.toLowerCase(),
        lifecyclestage: 'opportunity',
      });
      contactIds.set(c.key, id);
      const companyId = companyIds.get(c.company);
      if (contactToCompany && companyId !== undefined)
        associate(store, { ...contactToCompany, createdAt: now, updatedAt: now }, id, companyId);
    }
    const dealToContact = store.associationType(3);
    const dealToCompany = store.associationType(5);
    for (const d of DEAL_SEEDS) {
      const closed = d.stage === 'closedwon' || d.stage === 'closedlost';
      const values: PropertyValuesInput = {
        dealname: d.name,
        amount: d.amount,
        dealstage: d.stage,
        pipeline: 'default',
        closedate: `${isoDate(now + d.closeIn * DAY_MS)}T17:00:00.000Z`,
        hubspot_owner_id: String(OWNERS[d.owner].id),
        hs_forecast_probability: DEAL_STAGE_PROBABILITY[d.stage] ?? '0',
        hs_manual_forecast_category: d.forecast,
        dealtype: 'newbusiness',
        createdate: new Date(now - (closed ? 120 : 45) * DAY_MS).toISOString(),
      };
      const dealId = write(deals, values);
      const companyId = companyIds.get(d.company);
      if (dealToCompany && companyId !== undefined) associate(store, dealToCompany, dealId, companyId);
      for (const key of d.contacts) {
        const contactId = contactIds.get(key);
        if (dealToContact && contactId !== undefined) associate(store, dealToContact, dealId, contactId);
      }
    }
  });
  // Demo data stands for records that have existed for long: the search index has them already.
  indexPortalNow(db, portalId);
}
