import { openStore } from '../registry/open.js';
import type { Store } from '../registry/types.js';
import { flag, text, type Values } from './options.js';

/** `--store URL`, shared by every command that reads or writes the store. */
export const STORE_OPTIONS = {
  store: text({
    placeholder: 'URL',
    help: 'the store: postgres://user@host:port/db, or a SQLite file',
    defaultHelp: 'env KEEL_STORE, else .keel/keel.db under KEEL_HOME or the current folder',
  }),
};

/** Opens the store, runs `work`, and closes it whatever happens. */
export async function withStore<T>(url: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(url === undefined ? {} : { url });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** What a subcommand of keel keys, models or runs works on: the open store, and whether to print JSON. */
export interface StoreSession {
  readonly store: Store;
  readonly json: boolean;
}

export const SESSION_OPTIONS = { json: flag({ help: 'print records as JSON' }), ...STORE_OPTIONS };

export function openSession(
  values: Values<typeof SESSION_OPTIONS>,
  work: (session: StoreSession) => Promise<string>,
): Promise<string> {
  return withStore(values.store, (store) => work({ store, json: values.json }));
}
