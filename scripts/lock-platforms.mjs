// Completes package-lock.json with the platform-specific optional packages
// that the registry reachable here does not serve (macOS and Windows builds
// of Biome and DuckDB answer 404). npm writes a lockfile without them, and
// then `npm ci` refuses that lockfile as "out of sync". An entry with the
// package's os/cpu fields satisfies the check, and npm skips it on any
// machine whose platform does not match, without fetching it.
// Run after every change of dependencies: npm run lock
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const PLATFORM = /-(linux|darwin|win32|android|freebsd)-(x64|arm64|arm|ia32)(-musl)?$/;

function platformFields(name) {
  const match = PLATFORM.exec(name);
  if (match === null) return undefined;
  const [, os, cpu, musl] = match;
  const libc = musl ? ['musl'] : os === 'linux' ? ['glibc'] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const fields = platformFields(name);
    if (lock.packages[key] !== undefined || fields === undefined) continue;
    lock.packages[key] = { version: range, dev: entry.dev, optional: true, ...fields };
    added++;
  }
}
const sorted = Object.entries(lock.packages).sort(([a], [b]) =>
  a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
);
lock.packages = Object.fromEntries(sorted);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} platform entries`);
