import { UsageError } from '../core/errors.js';
import type { ApiKeyRecord, Store } from '../registry/types.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './main.js';
import { STORE_OPTION, STORE_OPTION_HELP, withStore } from './store-option.js';
import { renderTable, shortTime } from './table.js';

const USAGE = `Usage: keel keys create NAME [--json]
       keel keys revoke NAME [--json]
       keel keys list [--json]

API keys for keel serve: a server started with keys required answers only
requests that carry one (Authorization: Bearer TOKEN). The store keeps a
hash of each token, never the token: it is printed once, by create.

  keel keys create NAME     a new key; prints its token (once: copy it now)
  keel keys revoke NAME     the key stops working (servers notice within their key cache time)
  keel keys list            every key, active and revoked, with the start of its token

Options:
  --json             print records as JSON
${STORE_OPTION_HELP}`;

export const keysCommand: Command = {
  name: 'keys',
  summary: 'create, revoke and list API keys for keel serve',
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs('keys', args, {
      ...STORE_OPTION,
      json: { type: 'boolean' },
    });
    const [sub, ...rest] = positionals;
    const json = values.json === true;
    return withStore(values.store, async (store) => {
      process.stdout.write(await dispatch(store, sub, rest, json));
      return 0;
    });
  },
};

async function dispatch(
  store: Store,
  sub: string | undefined,
  rest: string[],
  json: boolean,
): Promise<string> {
  switch (sub) {
    case 'create': {
      const { key, token } = await store.createApiKey(oneName(rest));
      if (json) return `${JSON.stringify({ ...key, token }, null, 2)}\n`;
      return [
        `Created API key "${key.name}". Its token, shown this once (the store keeps only a hash):`,
        '',
        `  ${token}`,
        '',
        `Send it as: Authorization: Bearer ${token.slice(0, key.prefix.length)}…`,
        '',
      ].join('\n');
    }
    case 'revoke': {
      const key = await store.revokeApiKey(oneName(rest));
      return json ? `${JSON.stringify(key, null, 2)}\n` : `revoked API key "${key.name}" (${key.prefix}…)\n`;
    }
    case 'list':
    case undefined:
      if (rest.length > 0) throw positional(`keel keys list takes no arguments, got ${rest.join(' ')}`);
      return listKeys(await store.listApiKeys(), json);
    default:
      throw positional(`unknown subcommand "${sub}" (create, revoke, list)`);
  }
}

function oneName(args: string[]): string {
  if (args.length === 1) return args[0]!;
  throw positional(`expected NAME, got ${args.length} argument(s)`);
}

function positional(message: string): UsageError {
  return new UsageError('usage.positional', message, { hint: 'keel keys --help' });
}

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
