/**
 * Just enough of the WebAssembly 1.0 binary format to write keel's kernels
 * (kernel.ts, predict-kernel.ts) as instruction listings: opcodes, LEB128
 * integers, and a module of i32-parameter functions over one imported memory.
 */
// Opcodes (WebAssembly 1.0 binary format).
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Load8U: 0x2d,
  i32Store: 0x36,
  i32Store8: 0x3a,
  select: 0x1b,
  f64Ne: 0x62,
  f64Gt: 0x64,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32Eq: 0x46,
  i32LeU: 0x4d,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32RemU: 0x70,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
} as const;
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/**
 * The few SIMD instructions the kernels use (the 0xfd prefix, then the
 * instruction's number as LEB128). Node 20 runs them without flags.
 */
export const SIMD = {
  v128Load: [0xfd, 0x00],
  v128Store: [0xfd, 0x0b],
  f64x2ReplaceLane: [0xfd, 0x22],
  f64x2Add: [0xfd, 0xf0, 0x01],
} as const;
export const EMPTY_BLOCK = 0x40;

export function unsigned(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export function signed(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const name = (text: string) => [...unsigned(text.length), ...new TextEncoder().encode(text)];
export const vector = (items: number[][]) => [...unsigned(items.length), ...items.flat()];
export const section = (id: number, body: number[]) => [id, ...unsigned(body.length), ...body];

/** The largest memory a module may import (4 GiB). */
const MAX_PAGES = 65_536;

export interface WasmFunction {
  readonly name: string;
  /** How many i32 parameters it takes. */
  readonly params: number;
  readonly results?: readonly number[];
  /** The encoded body: its size, locals and code (see `functionBody`). */
  readonly body: number[];
}

/** A function body: its locals (count, type pairs) and code, prefixed with its size. */
export function functionBody(locals: readonly [number, number][], code: readonly number[]): number[] {
  const declared = vector(locals.map(([count, type]) => [...unsigned(count), type]));
  return [...unsigned(declared.length + code.length), ...declared, ...code];
}

/**
 * A module exporting `functions`, each of its own type, importing `env.memory`:
 * shared (and then of any size up to 4 GiB) or not (growable).
 */
export function wasmModule(
  memory: { readonly shared: boolean },
  functions: readonly WasmFunction[],
): Uint8Array {
  const type = (f: WasmFunction) => [
    0x60,
    ...vector(Array.from({ length: f.params }, () => [I32])),
    ...vector((f.results ?? []).map((result) => [result])),
  ];
  const limits = memory.shared ? [0x03, ...unsigned(1), ...unsigned(MAX_PAGES)] : [0x00, ...unsigned(1)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(functions.map(type))),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vector(functions.map((_, i) => unsigned(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...unsigned(i)]))),
    ...section(10, vector(functions.map((f) => f.body))),
  ];
  return Uint8Array.from(bytes);
}
