import { describe, expect, it } from 'vitest';
import { onnxMetadata } from '../../src/export/onnx/metadata.js';
import { ProtoWriter } from '../../src/export/onnx/protobuf.js';

/** Expected bytes from the encoding guide's own examples (protobuf.dev/programming-guides/encoding). */
const bytes = (w: ProtoWriter) => [...w.finish()];

describe('protobuf writer', () => {
  it('writes a varint field as the guide shows (field 1 = 150 → 08 96 01)', () => {
    expect(bytes(new ProtoWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
  });

  it('writes a string field as the guide shows (field 2 = "testing")', () => {
    expect(bytes(new ProtoWriter().string(2, 'testing'))).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
  });

  it('packs repeated varints as the guide shows (field 4 = [3, 270, 86942])', () => {
    expect(bytes(new ProtoWriter().packedInts(4, [3, 270, 86942]))).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
  });

  it('writes negative int64 values as ten-byte two’s complement', () => {
    expect(bytes(new ProtoWriter().int(1, -1))).toEqual([0x08, ...Array(9).fill(0xff), 0x01]);
    expect(bytes(new ProtoWriter().int(1, -2n))).toEqual([0x08, 0xfe, ...Array(8).fill(0xff), 0x01]);
  });

  it('writes integers above 2^32 without truncating them', () => {
    // 2^35 = 0b1 followed by 35 zeros: five groups of seven zero bits, then 1.
    expect(bytes(new ProtoWriter().int(1, 2 ** 35))).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  });

  it('writes doubles (wire type 1) and floats (wire type 5) little-endian', () => {
    expect(bytes(new ProtoWriter().double(1, 1))).toEqual([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0, 0, 0x80, 0x3f]);
    expect(bytes(new ProtoWriter().packedFloats(7, [1, -2]))).toEqual([
      0x3a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0,
    ]);
  });

  it('length-prefixes a nested message, and grows past its first buffer', () => {
    const long = 'x'.repeat(300);
    const out = new ProtoWriter().message(3, (inner) => inner.string(1, long)).finish();
    // 0x1a = field 3, wire type 2; inner length 303 = 0xaf 0x02; then 0x0a, 300 = 0xac 0x02, the text.
    expect([...out.subarray(0, 6)]).toEqual([0x1a, 0xaf, 0x02, 0x0a, 0xac, 0x02]);
    expect(out.length).toBe(306);
  });

  it('refuses a number no varint holds exactly', () => {
    expect(() => new ProtoWriter().int(1, 1.5)).toThrow(RangeError);
  });
});

describe('onnxMetadata', () => {
  it('reads metadata entries past fields of every wire type, and nothing from bytes that do not parse', () => {
    const bytes = new ProtoWriter()
      .int(1, 8)
      .double(5, 1.5)
      .float(9, 2.5)
      .string(2, 'keel')
      .message(14, (e) => e.string(1, 'keel.classes').string(2, '["no","yes"]'))
      .message(14, (e) => e.string(1, 'model').string(2, 'cc@1'))
      .finish();
    expect(onnxMetadata(bytes)).toEqual({ 'keel.classes': '["no","yes"]', model: 'cc@1' });
    expect(onnxMetadata(Uint8Array.from([0x72, 0x05, 0x01]))).toEqual({});
    expect(onnxMetadata(new TextEncoder().encode('not an onnx file'))).toEqual({});
  });
});
