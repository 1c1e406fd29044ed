import { readFileSync } from 'node:fs';

/**
 * keel's own version (package.json), recorded on every run so that a result
 * can be traced to the code that produced it. Read once: the path is the
 * same from src/registry and from dist/registry.
 */
export const KEEL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
