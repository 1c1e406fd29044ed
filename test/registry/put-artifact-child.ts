/**
 * A separate process for the concurrency test: stores the same 5 MB as its
 * sibling. It says "ready", waits for "go" on stdin so both processes write
 * at the same moment, then prints the hash.
 */
import { createArtifactStore } from '../../src/registry/artifacts.js';

export function fiveMegabytes(): Uint8Array {
  const bytes = new Uint8Array(5 * 1024 * 1024);
  let state = 12345;
  for (let i = 0; i < bytes.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

const root = process.argv[2];
if (root !== undefined) {
  const bytes = fiveMegabytes();
  const store = createArtifactStore(root);
  process.stdout.write('ready\n');
  process.stdin.once('data', async () => {
    process.stdout.write(`${await store.put(bytes)}\n`);
    process.exit(0);
  });
}
