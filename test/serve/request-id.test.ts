import { describe, expect, it } from 'vitest';
import { requestId } from '../../src/serve/request-id.js';

describe('requestId', () => {
  it('is a version-7 UUID whose first 48 bits are the time in milliseconds', () => {
    const at = Date.UTC(2026, 11, 5, 17, 0, 0, 123);
    const id = requestId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => requestId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    const later = requestId(1_700_000_000_100);
    expect(ids.every((id) => id < later)).toBe(true);
  });
});
