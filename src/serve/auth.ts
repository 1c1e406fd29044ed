import { UsageError } from '../core/errors.js';
import type { ApiKeyRecord, ServingRecords, Store } from '../registry/types.js';

/**
 * Bearer-token checks against the store's API keys. Verifying a token hashes
 * it and reads the store, which is too slow for every request, so answers
 * are cached for `cacheMs`: a revoked key stops working within that time.
 */
export type KeyCheck = (authorization: string | undefined) => Promise<boolean>;

/** Distinct tokens remembered at most, so a client spraying random tokens cannot grow memory. */
const MAX_CACHED = 10_000;

export function apiKeyCheck(store: Store, cacheMs: number, now: () => number = Date.now): KeyCheck {
  const verify = (store as Store & Partial<ServingRecords>).verifyApiKey;
  if (typeof verify !== 'function') {
    throw new UsageError('serve.no-api-keys', `this store (${store.backend}) cannot check API keys`, {
      location: { field: 'keys' },
      hint: 'upgrade keel, or serve without --keys',
    });
  }
  const cache = new Map<string, { ok: boolean; until: number }>();
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return false;
    const cached = cache.get(token);
    if (cached !== undefined && cached.until > now()) return cached.ok;
    const key: ApiKeyRecord | undefined = await verify.call(store, token);
    if (cache.size >= MAX_CACHED) cache.clear();
    const ok = key !== undefined && key.revokedAt === null;
    cache.set(token, { ok, until: now() + cacheMs });
    return ok;
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match === null ? undefined : match[1];
}
