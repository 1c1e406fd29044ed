import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import { checkName } from './checks.js';
import type { Db } from './db.js';
import { byText } from './rows.js';
import type { ApiKeyRecord } from './types.js';

/**
 * API keys for the HTTP API. A token is `keel_` and 32 random bytes in
 * base64url (256 bits: guessing one is hopeless, so a plain SHA-256 is
 * enough to store it; a slow password hash would only slow every request).
 * The store keeps the hash and the token's first characters, never the
 * token: a copy of the database does not let anyone call the API.
 *
 * Verification finds the candidates by prefix (indexed) and compares the
 * hashes with `timingSafeEqual`, so the time taken says nothing about how
 * much of a guess was right.
 */

const TOKEN_PREFIX = 'keel_';
/** `keel_` and 6 characters of the random part: 36 bits, to tell keys apart, far from enough to use one. */
const SHOWN_CHARS = TOKEN_PREFIX.length + 6;
const TOKEN = /^keel_[A-Za-z0-9_-]{43}$/;

interface KeyRow {
  name: string;
  token_hash: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function keyRecord(row: KeyRow): ApiKeyRecord {
  return { name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at, prefix: row.prefix };
}

/**
 * A new key named `name`. Refused while an active key has that name; a
 * revoked key's name can be reused (the new key replaces its row).
 */
export async function createApiKey(db: Db, name: string): Promise<{ key: ApiKeyRecord; token: string }> {
  checkName(name, 'name');
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row: KeyRow = {
    name,
    token_hash: hashToken(token).toString('hex'),
    prefix: token.slice(0, SHOWN_CHARS),
    created_at: Date.now(),
    revoked_at: null,
  };
  const changed = await db.transaction((tx) =>
    tx.run(
      `INSERT INTO keel_api_keys (name, token_hash, prefix, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)
       ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, prefix = excluded.prefix,
         created_at = excluded.created_at, revoked_at = NULL
       WHERE keel_api_keys.revoked_at IS NOT NULL`,
      [row.name, row.token_hash, row.prefix, row.created_at],
    ),
  );
  if (changed === 0) {
    throw new UsageError('registry.key-exists', `an API key named "${name}" already exists`, {
      location: { field: 'name' },
      hint: `choose another name, or revoke it first: keel keys revoke ${name}`,
    });
  }
  return { key: keyRecord(row), token };
}

export async function revokeApiKey(db: Db, name: string): Promise<ApiKeyRecord> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    const [row] = await tx.query<KeyRow>('SELECT * FROM keel_api_keys WHERE name = ?', [name]);
    if (row === undefined) {
      const names = (await tx.query<{ name: string }>('SELECT name FROM keel_api_keys')).map((r) => r.name);
      throw new UsageError('registry.unknown-key', `no API key named "${name}"`, {
        location: { field: 'name' },
        hint: names.length === 0 ? 'there are no API keys yet' : `the keys are: ${names.sort().join(', ')}`,
      });
    }
    if (row.revoked_at !== null) {
      throw new UsageError('registry.key-revoked', `the API key "${name}" is already revoked`, {
        location: { field: 'name' },
      });
    }
    await tx.run('UPDATE keel_api_keys SET revoked_at = ? WHERE name = ?', [now, name]);
    return keyRecord({ ...row, revoked_at: now });
  });
}

/** Every key, active and revoked, by name. */
export async function listApiKeys(db: Db): Promise<ApiKeyRecord[]> {
  const rows = await db.query<KeyRow>('SELECT * FROM keel_api_keys');
  return rows.sort(byText((r) => r.name)).map(keyRecord);
}

/** The active key this token belongs to; undefined for a revoked, unknown or malformed token. */
export async function verifyApiKey(db: Db, token: string): Promise<ApiKeyRecord | undefined> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
  const hash = hashToken(token);
  const candidates = await db.query<KeyRow>(
    'SELECT * FROM keel_api_keys WHERE prefix = ? AND revoked_at IS NULL',
    [token.slice(0, SHOWN_CHARS)],
  );
  let match: KeyRow | undefined;
  for (const row of candidates) {
    // Every candidate is compared, so a match's position does not show in the time either.
    if (timingSafeEqual(Buffer.from(row.token_hash, 'hex'), hash) && match === undefined) match = row;
  }
  return match === undefined ? undefined : keyRecord(match);
}
