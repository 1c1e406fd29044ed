/**
 * Reads `ModelProto.metadata_props` (field 14: entries of key = 1, value = 2)
 * from an ONNX file's bytes, skipping every other field by its wire type, so
 * an import can use what `keel export` wrote there (`keel.classes`) without
 * decoding the graph. See https://protobuf.dev/programming-guides/encoding/.
 */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
const METADATA_PROPS = 14;

/** The file's metadata entries; empty when the bytes do not parse as a protocol buffer. */
export function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const field of fields(bytes)) {
      if (field.number !== METADATA_PROPS || field.bytes === undefined) continue;
      const entry = new Map([...fields(field.bytes)].map((f) => [f.number, f.bytes]));
      const [key, value] = [entry.get(1), entry.get(2)];
      if (key !== undefined && value !== undefined) out[decode(key)] = decode(value);
    }
  } catch {
    return {};
  }
  return out;
}

interface Field {
  readonly number: number;
  /** A length-delimited field's bytes; undefined for numbers. */
  readonly bytes?: Uint8Array;
}

function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated varint');
      const b = bytes[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    switch (key % 8) {
      case WIRE_VARINT:
        varint();
        yield { number };
        break;
      case WIRE_FIXED64:
        at += 8;
        yield { number };
        break;
      case WIRE_FIXED32:
        at += 4;
        yield { number };
        break;
      case WIRE_LENGTH_DELIMITED: {
        const length = varint();
        if (at + length > bytes.length) throw new Error('truncated field');
        yield { number, bytes: bytes.subarray(at, at + length) };
        at += length;
        break;
      }
      default:
        throw new Error(`wire type ${key % 8}`);
    }
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}
