import type { ApiKeyRecord } from '../registry/types.js';
import { openSession, SESSION_OPTIONS, type StoreSession } from './store-option.js';
import { defineSubcommands, subcommand } from './subcommands.js';
import { renderTable, shortTime } from './table.js';

export const keysCommand = defineSubcommands({
  name: 'keys',
  summary: 'create, revoke and list API keys for keel serve',
  about: `API keys for keel serve: a server started with keys required answers only
requests that carry one (Authorization: Bearer TOKEN). The store keeps a
hash of each token, never the token: it is printed once, by create.`,
  options: SESSION_OPTIONS,
  fallback: 'list',
  subcommands: {
    create: subcommand({
      usage: 'create NAME [--json]',
      summary: 'a new key; prints its token (once: copy it now)',
      args: [{ name: 'NAME', what: 'the key to create' }],
      run: async ({ store, json }: StoreSession, { args: [name] }) => {
        const { key, token } = await store.createApiKey(name);
        if (json) return `${JSON.stringify({ ...key, token }, null, 2)}\n`;
        return [
          `Created API key "${key.name}". Its token, shown this once (the store keeps only a hash):`,
          '',
          `  ${token}`,
          '',
          `Send it as: Authorization: Bearer ${token.slice(0, key.prefix.length)}…`,
          '',
        ].join('\n');
      },
    }),
    revoke: subcommand({
      usage: 'revoke NAME [--json]',
      summary: 'the key stops working (servers notice within their key cache time)',
      args: [{ name: 'NAME', what: 'the key to revoke' }],
      run: async ({ store, json }: StoreSession, { args: [name] }) => {
        const key = await store.revokeApiKey(name);
        return json
          ? `${JSON.stringify(key, null, 2)}\n`
          : `revoked API key "${key.name}" (${key.prefix}…)\n`;
      },
    }),
    list: subcommand({
      usage: '[list] [--json]',
      summary: 'every key, active and revoked, with the start of its token',
      args: [],
      run: async ({ store, json }: StoreSession) => listKeys(await store.listApiKeys(), json),
    }),
  },
  open: openSession,
});

function listKeys(keys: readonly ApiKeyRecord[], json: boolean): string {
  if (json) return `${JSON.stringify(keys, null, 2)}\n`;
  if (keys.length === 0) return 'No API keys yet: keel keys create NAME adds one.\n';
  const columns = [{ title: 'name' }, { title: 'token starts' }, { title: 'created' }, { title: 'status' }];
  const rows = keys.map((k) => [
    k.name,
    `${k.prefix}…`,
    shortTime(k.createdAt),
    k.revokedAt === null ? 'active' : `revoked ${shortTime(k.revokedAt)}`,
  ]);
  return `${renderTable(columns, rows).join('\n')}\n`;
}
