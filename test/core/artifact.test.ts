import { describe, expect, it } from 'vitest';
import { type Artifact, decodeArtifact, encodeArtifact } from '../../src/core/artifact.js';
import { DataError } from '../../src/core/errors.js';
import { field } from '../../src/core/stored.js';

const artifact: Artifact = {
  kind: 'pipeline',
  version: 2,
  meta: { names: ['a', 'b'], nested: { deep: [1, 'x', null, true] }, unicode: 'café ✓' },
  arrays: {
    f64: Float64Array.of(1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 5e-324),
    i32: Int32Array.of(-1, 2 ** 31 - 1),
    u8: Uint8Array.of(1, 2, 3),
  },
  children: {
    scaler: {
      kind: 'scaler',
      version: 1,
      meta: {},
      arrays: { mean: Float32Array.of(0.25), bins: Uint16Array.of(65535) },
    },
    model: { kind: 'ridge', version: 1, meta: { intercept: 3 }, arrays: { coef: Float64Array.of(1, 2) } },
  },
};

describe('artifacts', () => {
  it('round-trip every array type, nested children and JSON metadata exactly', () => {
    const decoded = decodeArtifact(encodeArtifact(artifact));
    expect(decoded).toEqual(artifact);
    expect(Object.is(decoded.arrays['f64']![1], -0)).toBe(true);
    expect(decoded.children!['scaler']!.arrays['bins']).toBeInstanceOf(Uint16Array);
  });

  it('are the same bytes for the same content, whatever the key order', () => {
    const reordered: Artifact = {
      ...artifact,
      arrays: { u8: artifact.arrays['u8']!, i32: artifact.arrays['i32']!, f64: artifact.arrays['f64']! },
    };
    expect(Buffer.from(encodeArtifact(reordered)).equals(Buffer.from(encodeArtifact(artifact)))).toBe(true);
  });

  it('start every array on an 8-byte boundary', () => {
    const bytes = encodeArtifact(artifact);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    expect((16 + headerLength) % 8).toBe(0);
    expect((bytes.length - 32) % 8).toBe(0);
  });

  it('are refused when a single byte changed, when truncated, or when not an artifact', () => {
    const bytes = encodeArtifact(artifact);
    for (const at of [7, 20, bytes.length - 40, bytes.length - 1]) {
      const damaged = Uint8Array.from(bytes);
      damaged[at]! ^= 1;
      expect(() => decodeArtifact(damaged, 'm.keel')).toThrow(DataError);
    }
    expect(() => decodeArtifact(bytes.subarray(0, bytes.length - 1))).toThrow(/checksum/);
    expect(() => decodeArtifact(new TextEncoder().encode('{"kind":"ridge"}'), 'x.json')).toThrow(
      /not a keel artifact/,
    );
  });

  it('do not alias the bytes they were decoded from', () => {
    const bytes = encodeArtifact(artifact);
    const decoded = decodeArtifact(bytes);
    bytes.fill(0);
    expect(decoded.children!['model']!.arrays['coef']).toEqual(Float64Array.of(1, 2));
  });
});

describe('stored numbers', () => {
  const read = (value: unknown, finite?: boolean) =>
    field.number(finite === undefined ? {} : { finite }).read(value, 'meta.x', (path, message) => {
      throw new Error(`${path} ${message}`);
    });

  it('read null as NaN where a field allows non-finite numbers, since JSON writes NaN as null', () => {
    expect(read(null, false)).toBeNaN();
    expect(read(2.5, false)).toBe(2.5);
    expect(() => read('a', false)).toThrow(/meta.x must be a number or null, not "a"/);
    expect(() => read(null)).toThrow(/meta.x must be a finite number, not null/);
  });
});
