import { createHash } from 'node:crypto';
import { DataError } from './errors.js';

/**
 * A fitted model or transformer as bytes: a JSON header that describes it,
 * its numeric state as raw typed arrays, and a SHA-256 checksum. Loading
 * parses JSON and copies arrays; it never runs code from the file (no eval,
 * no pickle), so an artifact from anywhere is safe to open.
 *
 * Layout (all integers little-endian):
 *   0  "KEELART"  7 bytes magic
 *   7  u8         layout version (1)
 *   8  u32        header length in bytes (JSON, UTF-8, space-padded to 8)
 *  12  u32        reserved (0)
 *  16  header
 *   …  arrays, each starting on an 8-byte boundary, in header order
 *  end 32 bytes   SHA-256 of everything before it
 *
 * No time stamps or host names: the same model gives the same bytes.
 */

export type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface Artifact {
  /** What it is, e.g. `ridge`; chooses the loader. */
  readonly kind: string;
  /** The layout version of this kind's `meta` and `arrays`; bumped when they change shape. */
  readonly version: number;
  /** Hyperparameters, names, classes and other small state. */
  readonly meta: { readonly [key: string]: Json };
  readonly arrays: { readonly [name: string]: TypedArray };
  /** Nested artifacts (the steps of a pipeline, the trees of a forest). */
  readonly children?: { readonly [name: string]: Artifact };
}

const MAGIC = 'KEELART';
const LAYOUT_VERSION = 1;
const PREFIX_BYTES = 16;
const CHECKSUM_BYTES = 32;

/** The array types an artifact holds, by the name its header gives them. */
export const DTYPES = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
} as const;
export type DType = keyof typeof DTYPES;

interface ArrayEntry {
  readonly path: string;
  readonly dtype: DType;
  readonly length: number;
}

interface HeaderNode {
  readonly kind: string;
  readonly version: number;
  readonly meta: { readonly [key: string]: Json };
  readonly arrays: readonly string[];
  readonly children: { readonly [name: string]: HeaderNode };
}

interface Header {
  readonly format: 'keel-artifact';
  readonly root: HeaderNode;
  readonly arrays: readonly ArrayEntry[];
}

export function encodeArtifact(artifact: Artifact): Uint8Array {
  const entries: ArrayEntry[] = [];
  const data: TypedArray[] = [];
  const root = describe(artifact, '', entries, data);
  const header: Header = { format: 'keel-artifact', root, arrays: entries };
  const headerBytes = padTo8(Buffer.from(JSON.stringify(header), 'utf8'));
  const arrayBytes = data.reduce((sum, a) => sum + roundUp8(a.byteLength), 0);
  const out = new Uint8Array(PREFIX_BYTES + headerBytes.length + arrayBytes + CHECKSUM_BYTES);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  const view = new DataView(out.buffer);
  view.setUint8(7, LAYOUT_VERSION);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, PREFIX_BYTES);
  let offset = PREFIX_BYTES + headerBytes.length;
  for (const array of data) {
    out.set(littleEndianBytes(array), offset);
    offset += roundUp8(array.byteLength);
  }
  out.set(sha256(out.subarray(0, offset)), offset);
  return out;
}

export function decodeArtifact(bytes: Uint8Array, source = 'artifact'): Artifact {
  if (
    bytes.length < PREFIX_BYTES + CHECKSUM_BYTES ||
    Buffer.from(bytes.subarray(0, 7)).toString('latin1') !== MAGIC
  ) {
    throw corrupt(source, 'this is not a keel artifact', 'artifact.not-artifact');
  }
  const bodyEnd = bytes.length - CHECKSUM_BYTES;
  if (!Buffer.from(sha256(bytes.subarray(0, bodyEnd))).equals(Buffer.from(bytes.subarray(bodyEnd)))) {
    throw corrupt(
      source,
      'the checksum does not match: the file is damaged or was changed',
      'artifact.checksum',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = view.getUint8(7);
  if (layout !== LAYOUT_VERSION) {
    throw corrupt(
      source,
      `artifact layout ${layout} is newer than this keel understands`,
      'artifact.version',
    );
  }
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(
    Buffer.from(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)).toString('utf8'),
  ) as Header;
  const arrays = new Map<string, TypedArray>();
  let offset = PREFIX_BYTES + headerLength;
  for (const entry of header.arrays) {
    const Type = DTYPES[entry.dtype];
    const byteLength = entry.length * Type.BYTES_PER_ELEMENT;
    if (Type === undefined || offset + byteLength > bodyEnd)
      throw corrupt(source, `array "${entry.path}" is malformed`, 'artifact.malformed');
    // Copy into a fresh, aligned buffer: the model must not alias the file's bytes.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(offset, offset + byteLength));
    arrays.set(entry.path, fromLittleEndian(new Type(copy.buffer)));
    offset += roundUp8(byteLength);
  }
  return rebuild(header.root, '', arrays);
}

function describe(artifact: Artifact, prefix: string, entries: ArrayEntry[], data: TypedArray[]): HeaderNode {
  const names = Object.keys(artifact.arrays).sort();
  for (const name of names) {
    const array = artifact.arrays[name]!;
    entries.push({ path: `${prefix}${name}`, dtype: dtypeOf(array), length: array.length });
    data.push(array);
  }
  const children: Record<string, HeaderNode> = {};
  for (const name of Object.keys(artifact.children ?? {}).sort()) {
    children[name] = describe(artifact.children![name]!, `${prefix}${name}/`, entries, data);
  }
  return { kind: artifact.kind, version: artifact.version, meta: artifact.meta, arrays: names, children };
}

function rebuild(node: HeaderNode, prefix: string, arrays: ReadonlyMap<string, TypedArray>): Artifact {
  const own = Object.fromEntries(node.arrays.map((name) => [name, arrays.get(`${prefix}${name}`)!]));
  const names = Object.keys(node.children);
  const children = Object.fromEntries(
    names.map((n) => [n, rebuild(node.children[n]!, `${prefix}${n}/`, arrays)]),
  );
  return {
    kind: node.kind,
    version: node.version,
    meta: node.meta,
    arrays: own,
    ...(names.length > 0 ? { children } : {}),
  };
}

function dtypeOf(array: TypedArray): DType {
  for (const [name, Type] of Object.entries(DTYPES)) if (array instanceof Type) return name as DType;
  throw new TypeError('unsupported array type in an artifact');
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Artifacts are little-endian on disk; on a big-endian machine, swap (never happens on x64/arm64). */
function littleEndianBytes(array: TypedArray): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (LITTLE_ENDIAN || array.BYTES_PER_ELEMENT === 1) return bytes;
  return swapBytes(bytes.slice(), array.BYTES_PER_ELEMENT);
}

function fromLittleEndian<T extends TypedArray>(array: T): T {
  if (!LITTLE_ENDIAN && array.BYTES_PER_ELEMENT > 1)
    swapBytes(new Uint8Array(array.buffer), array.BYTES_PER_ELEMENT);
  return array;
}

function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  return bytes;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

function padTo8(bytes: Buffer): Buffer {
  const padded = Buffer.alloc(roundUp8(bytes.length), 0x20);
  bytes.copy(padded);
  return padded;
}

function corrupt(source: string, message: string, code: string): DataError {
  return new DataError(code, message, {
    location: { source },
    hint: 'save the model again from its run, or load it from the registry, which checks artifacts by hash',
  });
}
