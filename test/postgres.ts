import pg from 'pg';
import { afterAll } from 'vitest';
import { POSTGRES_URL } from './helpers.js';

/**
 * A new, empty database on the test server (KEEL_TEST_POSTGRES) per call, so
 * tests never see each other's rows; all are dropped when the test file ends.
 * Returns its URL. Its collation is ICU's en-US, which orders "alpha" before
 * "Beta" where SQLite orders by code unit: the store must not let that
 * difference show.
 */
const created: string[] = [];
let cleanupRegistered = false;

export async function freshPostgresDatabase(prefix = 'keel_t'): Promise<string> {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    afterAll(async () => {
      for (const name of created.splice(0)) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  }
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`);
  created.push(name);
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One statement on the server's default database. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
