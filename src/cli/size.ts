/**
 * Byte sizes as people write them: `4MiB`, `512kB`, `1.5GB` or a bare
 * number of bytes. k, M and G are powers of 1000 and Ki, Mi and Gi powers
 * of 1024, as the units say; the B is optional and case does not matter.
 */
const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  ki: 2 ** 10,
  mi: 2 ** 20,
  gi: 2 ** 30,
};

/** Whole bytes, or undefined for anything else (a fraction of a byte included). */
export function sizeBytes(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?)?b?\s*$/i.exec(text);
  if (match === null) return undefined;
  const bytes = Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!;
  return Number.isInteger(bytes) ? bytes : undefined;
}

/** A size in the largest binary unit that says it exactly: `4MiB`, `1536KiB`, `1000`. */
export function showSize(bytes: number): string {
  for (const [unit, scale] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes > 0 && bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return String(bytes);
}
