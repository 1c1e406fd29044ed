import { randomFillSync } from 'node:crypto';

/**
 * Request ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then
 * random bits. They sort by time, so the prediction log's inserts land at the
 * end of its primary-key index instead of all over it (random v4 ids cost a
 * page split per batch as the table grows), and an id says when it was made.
 */
export function requestId(now = Date.now()): string {
  const bytes = randomFillSync(new Uint8Array(16));
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // RFC 9562 variant
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
