import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The script a worker thread starts from, for a worker module that sits
 * beside the module starting it. In the built library that is the compiled
 * `NAME.js`. On the TypeScript sources (the tests run there), it is a small
 * in-memory module that registers tsx's loader and then imports `NAME.ts`:
 * Node 20 ignores `execArgv: ['--import', 'tsx']` for a worker's own entry
 * file (ERR_UNKNOWN_FILE_EXTENSION), so the loader must be in place first.
 * tsx is a development dependency; the built library never needs it.
 */
export function workerEntry(callerUrl: string, name: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(`./${name}.js`, callerUrl);
  // The ESM build of tsx's API sits beside the CommonJS one that require.resolve finds.
  const tsxApi = createRequire(callerUrl)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const code = [
    `import { register } from ${JSON.stringify(pathToFileURL(tsxApi).href)};`,
    'register();',
    `await import(${JSON.stringify(entry)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
