import { openStore } from '../registry/open.js';
import type { Store } from '../registry/types.js';
import { text } from './options.js';

/** `--store URL`, shared by every command that reads or writes the store. */
export const STORE_OPTIONS = {
  store: text({
    placeholder: 'URL',
    help: 'the store: postgres://user@host:port/db, or a SQLite file',
    defaultHelp: 'env KEEL_STORE, else .keel/keel.db under KEEL_HOME or the current folder',
  }),
};

export const STORE_OPTION = { store: { type: 'string' } } as const;

export const STORE_OPTION_HELP = `  --store URL        the store: postgres://user@host:port/db, or a SQLite file (default: env
                     KEEL_STORE, else .keel/keel.db under KEEL_HOME or the current folder)`;

/** Opens the store, runs `work`, and closes it whatever happens. */
export async function withStore<T>(url: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(url === undefined ? {} : { url });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
