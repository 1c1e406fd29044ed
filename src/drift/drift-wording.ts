/** How drift, quality and dataset messages write numbers, so that they all agree. */

export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : String(x);
}

export function percent(share: number): string {
  return `${formatNumber(share * 100)}%`;
}
