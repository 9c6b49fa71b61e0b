/**
 * The installation store on PostgreSQL (127.0.0.1:5432, database `test`, user postgres, trust auth; override
 * with TEST_DATABASE_URL). Each test gets its own schema, named after this run, and every schema this run
 * made is dropped at the end, so parallel runs on one database never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SqlInstallationStore } from '../../src/adapters/db/installation-store.js';
import { migrate, MIGRATIONS } from '../../src/adapters/db/migrations.js';
import { openInstallationStore } from '../../src/adapters/db/open.js';
import { openPostgres } from '../../src/adapters/db/postgres.js';
import type { SqlDatabase } from '../../src/adapters/db/sql.js';
import { TokenCipher } from '../../src/adapters/db/token-cipher.js';
import { installationStoreContract, manualClock, testKey } from './installation-store-contract.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `mapt_${process.pid}_${randomBytes(4).toString('hex')}`;
let counter = 0;
const created: string[] = [];

function newSchema(): string {
  const schema = `${RUN}_${++counter}`;
  created.push(schema);
  return schema;
}

async function openIn(schema: string): Promise<SqlDatabase> {
  return openPostgres({ connectionString: DATABASE_URL, schema, max: 5 });
}

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

describe('SqlInstallationStore on PostgreSQL', () => {
  installationStoreContract({ open: () => openIn(newSchema()) });
});

describe('several backend instances sharing one PostgreSQL database', () => {
  let instances: SqlDatabase[] = [];

  afterEach(async () => {
    await Promise.all(instances.map((db) => db.close()));
    instances = [];
  });

  async function openInstances(n: number): Promise<SqlDatabase[]> {
    const schema = newSchema();
    // Opened together, as instances starting at the same moment would; each is kept for afterEach to close.
    return Promise.all(
      Array.from({ length: n }, async () => {
        const db = await openIn(schema);
        instances.push(db);
        return db;
      }),
    );
  }

  it('migrate at the same start-up on every instance: one applies, none fails', async () => {
    const dbs = await openInstances(4);
    const applied = await Promise.all(dbs.map((db) => migrate(db, 0)));
    expect(applied.flat().sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.id));
  });

  it('lets exactly one instance through for a replayed request signature', async () => {
    const dbs = await openInstances(3);
    const clock = manualClock();
    const cipher = new TokenCipher([testKey('k1')]);
    const stores: SqlInstallationStore[] = [];
    for (const db of dbs) stores.push(await SqlInstallationStore.open({ db, cipher, clock }));
    const ts = String(clock.now());
    const seen = await Promise.all(
      stores.flatMap((s) =>
        [0, 1, 2].map(() => s.markSignatureSeen('sig-shared-by-instances', ts, clock.now() + 300_000)),
      ),
    );
    expect(seen.filter(Boolean)).toHaveLength(1);
  });

  it('lets exactly one instance through for an event id and for an OAuth state nonce', async () => {
    const dbs = await openInstances(3);
    const clock = manualClock();
    const cipher = new TokenCipher([testKey('k1')]);
    const stores: SqlInstallationStore[] = [];
    for (const db of dbs) stores.push(await SqlInstallationStore.open({ db, cipher, clock }));

    const seen = await Promise.all(
      stores.flatMap((s) => [s.markEventSeen('evt-x'), s.markEventSeen('evt-x')]),
    );
    expect(seen.filter(Boolean)).toHaveLength(1);

    await stores[0]!.saveState('nonce-shared-by-instances-01', clock.now() + 60_000);
    const consumed = await Promise.all(
      stores.flatMap((s) => [
        s.consumeState('nonce-shared-by-instances-01'),
        s.consumeState('nonce-shared-by-instances-01'),
      ]),
    );
    expect(consumed.filter(Boolean)).toHaveLength(1);
  });

  it('concurrent installs of one portal from several instances leave one row and readable tokens', async () => {
    const dbs = await openInstances(3);
    const clock = manualClock();
    const cipher = new TokenCipher([testKey('k1')]);
    const stores: SqlInstallationStore[] = [];
    for (const db of dbs) stores.push(await SqlInstallationStore.open({ db, cipher, clock }));
    await Promise.all(
      stores.flatMap((s, i) =>
        [0, 1, 2].map((j) =>
          s.install({
            tenant: hubSpotTenant(77),
            appId: String(1),
            scopes: ['oauth'],
            storageMode: 'document',
            tokens: { accessToken: `a${i}${j}`, refreshToken: `r${i}${j}`, expiresAt: 1 },
          }),
        ),
      ),
    );
    const { rows } = await dbs[0]!.query('SELECT COUNT(*) AS n FROM tenant_installations');
    expect(Number(rows[0]!.n)).toBe(1);
    const got = await stores[1]!.getTokens(hubSpotTenant(77));
    expect(got?.accessToken).toMatch(/^a\d\d$/);
    expect(got?.refreshToken).toBe(`r${got?.accessToken.slice(1)}`);
  });
});

describe('openInstallationStore', () => {
  it('uses PostgreSQL when a database URL is set, in the schema given, with migrations applied', async () => {
    const schema = newSchema();
    const store = await openInstallationStore({
      databaseUrl: DATABASE_URL,
      pgSchema: schema,
      sqlitePath: '/nonexistent/never-used.sqlite',
      cipher: new TokenCipher([testKey('k1')]),
      clock: manualClock(),
    });
    try {
      expect(await store.markEventSeen('e')).toBe(true);
    } finally {
      await store.close();
    }
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
        [schema, 'tenant_installations'],
      );
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openPostgres({ connectionString: DATABASE_URL, schema: 'x; DROP TABLE y' })).rejects.toThrow(
      /schema/,
    );
  });
});
