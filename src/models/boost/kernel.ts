/**
 * The histogram kernel in WebAssembly: the loop that sums one feature group's
 * four histograms (see histogram.ts) is the whole cost of boosting, and the
 * same loop as JavaScript ran 2.7× slower than C (4.9 vs 1.8 ns per bin
 * update on 100,000 × 28; typed-array bounds checks and index arithmetic),
 * while this module runs it at C's speed.
 *
 * The module is assembled here, byte by byte, from the instructions below
 * (nothing is downloaded or prebuilt), and works on a shared
 * `WebAssembly.Memory` that holds the binned data, partition, gradients and
 * histograms, so worker threads run the same kernel on the same memory.
 *
 *   sum(words, rows, count, gh, o0, o1, o2, o3)
 *   sumUnit(words, rows, count, gh, o0, o1, o2, o3)   (hessians ignored: they are the counts)
 *
 * All arguments but `count` are byte addresses: `words` the group's first
 * word, `rows` the node's first partition entry, `gh` the (gradient, hessian)
 * pairs in the node's row order, `o0…o3` the four lanes' histograms (3 doubles
 * per bin: gradient, hessian, count). A pair moves and adds as one 128-bit
 * SIMD value, which took the kernel from 1.55 to about 1.2 ns per bin update.
 */
export interface HistogramKernel {
  readonly memory: WebAssembly.Memory;
  sum(
    words: number,
    rows: number,
    count: number,
    gh: number,
    o0: number,
    o1: number,
    o2: number,
    o3: number,
  ): void;
  sumUnit(
    words: number,
    rows: number,
    count: number,
    gh: number,
    o0: number,
    o1: number,
    o2: number,
    o3: number,
  ): void;
  /**
   * Splits a node's rows (`count` partition entries at `rows`, their
   * gradient pairs at `gh`) into those that go left, written back from the
   * start, and the rest, written to `spare` and `spareGH`; returns how
   * many went left. A row goes left when its bin (the byte at `column + row`)
   * is ≤ `threshold` or equals `missingBin`; for a categorical split (`bits`
   * ≠ 0) when its bit is set in the 8-word set at `bits`.
   */
  partition(
    rows: number,
    count: number,
    column: number,
    threshold: number,
    missingBin: number,
    bits: number,
    gh: number,
    spare: number,
    spareGH: number,
  ): number;
  /**
   * Maps `count` doubles at `values` to bins: the number of the 256 doubles at
   * `edges` (the bin edges padded with +∞) that are below the value, or
   * `missingBin` for NaN. Each bin is written to `out + i × stride` and to
   * `column + i`.
   */
  binValues(
    values: number,
    count: number,
    edges: number,
    missingBin: number,
    out: number,
    stride: number,
    column: number,
  ): void;
}

const PAGE = 65_536;

/** A shared memory of at least `bytes` bytes, which never grows (views into it stay valid). */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

import { EMPTY_BLOCK, F64, functionBody, I32, OP, SIMD, signed, unsigned, V128, wasmModule } from './wasm.js';

let compiled: WebAssembly.Module | null = null;

export function histogramKernel(memory: WebAssembly.Memory): HistogramKernel {
  compiled ??= new WebAssembly.Module(moduleBytes());
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  const exports = instance.exports as unknown as Omit<HistogramKernel, 'memory'>;
  const { sum, sumUnit, partition, binValues } = exports;
  return { memory, sum, sumUnit, partition, binValues };
}

/**
 * One lane's update: at = o + 24 × ((x >> shift) & 255); then the slot's
 * (gradient, hessian) pair += v in one two-lane add (the same IEEE additions
 * as two scalar ones, in the same order: the sums are bit for bit those of a
 * scalar loop), and, with hessians, the count slot += 1. Without hessians v
 * is (gradient, 1), so the hessian slot counts and the count is copied after.
 */
function lane(local: Locals, o: number, shift: number, withHessian: boolean): number[] {
  const bin = [
    OP.localGet,
    local.x,
    ...(shift > 0 ? [OP.i32Const, ...signed(shift), OP.i32ShrU] : []),
    ...(shift < 24 ? [OP.i32Const, ...signed(255), OP.i32And] : []),
  ];
  const one = [OP.f64Const, ...new Uint8Array(Float64Array.of(1).buffer)];
  // biome-ignore format: one instruction (with its immediates) per line reads as assembly
  const count = [
    OP.localGet, local.at, OP.localGet, local.at, OP.f64Load, 3, 16, ...one, OP.f64Add, OP.f64Store, 3, 16,
  ];
  // biome-ignore format: one instruction (with its immediates) per line reads as assembly
  return [
    OP.localGet, o, ...bin, OP.i32Const, ...signed(24), OP.i32Mul, OP.i32Add, OP.localSet, local.at,
    OP.localGet, local.at, OP.localGet, local.at, ...SIMD.v128Load, 3, 0, OP.localGet, local.v, ...SIMD.f64x2Add,
    ...SIMD.v128Store, 3, 0,
    ...(withHessian ? count : []),
  ];
}

interface Locals {
  readonly words: number;
  readonly rows: number;
  readonly count: number;
  readonly gh: number;
  readonly lanes: readonly number[];
  readonly x: number;
  readonly at: number;
  readonly end: number;
  readonly v: number;
}

/** The body of `sum` (with hessians) or `sumUnit` (without: the hessian slot counts). */
function body(withHessian: boolean): number[] {
  const l: Locals = { words: 0, rows: 1, count: 2, gh: 3, lanes: [4, 5, 6, 7], x: 8, at: 9, end: 10, v: 11 };
  const advance = (local: number, step: number) => [
    OP.localGet,
    local,
    OP.i32Const,
    ...signed(step),
    OP.i32Add,
    OP.localSet,
    local,
  ];
  const one = [OP.f64Const, ...new Uint8Array(Float64Array.of(1).buffer)];
  // biome-ignore format: one instruction (with its immediates) or one step per line reads as assembly
  const code = [
    // end = rows + 4 × count
    OP.localGet, l.rows, OP.localGet, l.count, OP.i32Const, ...signed(2), OP.i32Shl, OP.i32Add, OP.localSet, l.end,
    OP.block, EMPTY_BLOCK,
    OP.loop, EMPTY_BLOCK,
    OP.localGet, l.rows, OP.localGet, l.end, OP.i32GeU, OP.brIf, 1,
    // x = words[row] (4 bytes per word), row = *rows
    OP.localGet, l.words, OP.localGet, l.rows, OP.i32Load, 2, 0, OP.i32Const, ...signed(2), OP.i32Shl, OP.i32Add,
    OP.i32Load, 2, 0, OP.localSet, l.x,
    // v = (g, h), or (g, 1) without hessians
    OP.localGet, l.gh, ...SIMD.v128Load, 3, 0,
    ...(withHessian ? [] : [...one, ...SIMD.f64x2ReplaceLane, 1]),
    OP.localSet, l.v,
    ...lane(l, l.lanes[0]!, 0, withHessian),
    ...lane(l, l.lanes[1]!, 8, withHessian),
    ...lane(l, l.lanes[2]!, 16, withHessian),
    ...lane(l, l.lanes[3]!, 24, withHessian),
    ...advance(l.rows, 4),
    ...advance(l.gh, 16),
    OP.br, 0,
    OP.end,
    OP.end,
    OP.end,
  ];
  return functionBody(
    [
      [3, I32],
      [1, V128],
    ],
    code,
  );
}

/**
 * The body of `partition`. Branch-free: every row is written to both sides and
 * only the cursor of its side moves on, since which side a row takes is as
 * good as random.
 */
function partitionBody(): number[] {
  const [rows, count, column, threshold, missingBin, bits, gh, spare, spareGH] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [k, l, r, row, bin, left] = [9, 10, 11, 12, 13, 14];
  const v = 15;
  const at = (base: number, index: number, shift: number) => [
    OP.localGet,
    base,
    OP.localGet,
    index,
    OP.i32Const,
    ...signed(shift),
    OP.i32Shl,
    OP.i32Add,
  ];
  // biome-ignore format: one instruction (with its immediates) or one step per line reads as assembly
  const code = [
    OP.block, EMPTY_BLOCK,
    OP.loop, EMPTY_BLOCK,
    OP.localGet, k, OP.localGet, count, OP.i32GeU, OP.brIf, 1,
    // row = rows[k]; bin = column[row]
    ...at(rows, k, 2), OP.i32Load, 2, 0, OP.localSet, row,
    OP.localGet, column, OP.localGet, row, OP.i32Add, OP.i32Load8U, 0, 0, OP.localSet, bin,
    // left = bits ? (bits[bin >> 5] >> (bin & 31)) & 1 : (bin <= threshold) | (bin == missingBin)
    OP.localGet, bits, OP.i32Eqz,
    OP.if, I32,
      OP.localGet, bin, OP.localGet, threshold, OP.i32LeU,
      OP.localGet, bin, OP.localGet, missingBin, OP.i32Eq,
      OP.i32Or,
    OP.else,
      OP.localGet, bits, OP.localGet, bin, OP.i32Const, ...signed(5), OP.i32ShrU, OP.i32Const, ...signed(2), OP.i32Shl,
      OP.i32Add, OP.i32Load, 2, 0,
      OP.localGet, bin, OP.i32Const, ...signed(31), OP.i32And, OP.i32ShrU,
      OP.i32Const, ...signed(1), OP.i32And,
    OP.end,
    OP.localSet, left,
    // v = the row's (gradient, hessian) pair
    ...at(gh, k, 4), ...SIMD.v128Load, 3, 0, OP.localSet, v,
    // both sides get the row; only its side's cursor moves
    ...at(rows, l, 2), OP.localGet, row, OP.i32Store, 2, 0,
    ...at(gh, l, 4), OP.localGet, v, ...SIMD.v128Store, 3, 0,
    ...at(spare, r, 2), OP.localGet, row, OP.i32Store, 2, 0,
    ...at(spareGH, r, 4), OP.localGet, v, ...SIMD.v128Store, 3, 0,
    OP.localGet, l, OP.localGet, left, OP.i32Add, OP.localSet, l,
    OP.localGet, r, OP.i32Const, ...signed(1), OP.localGet, left, OP.i32Sub, OP.i32Add, OP.localSet, r,
    OP.localGet, k, OP.i32Const, ...signed(1), OP.i32Add, OP.localSet, k,
    OP.br, 0,
    OP.end,
    OP.end,
    OP.localGet, l,
    OP.end,
  ];
  return functionBody(
    [
      [6, I32],
      [1, V128],
    ],
    code,
  );
}

/**
 * The body of `binValues`: a branch-free binary search, eight halvings, each
 * adding `half` when the edge at lo + half − 1 is below the value.
 */
function binBody(): number[] {
  const [values, count, edges, missingBin, out, stride, column] = [0, 1, 2, 3, 4, 5, 6];
  const [i, lo] = [7, 8];
  const v = 9;
  const halving = (half: number) => [
    // lo += (edges[lo + half - 1] < v) << log2(half)
    OP.localGet,
    lo,
    OP.localGet,
    v,
    OP.localGet,
    edges,
    OP.localGet,
    lo,
    OP.i32Const,
    ...signed(3),
    OP.i32Shl,
    OP.i32Add,
    OP.f64Load,
    3,
    ...unsigned((half - 1) * 8),
    OP.f64Gt,
    OP.i32Const,
    ...signed(Math.log2(half)),
    OP.i32Shl,
    OP.i32Add,
    OP.localSet,
    lo,
  ];
  // biome-ignore format: one instruction (with its immediates) or one step per line reads as assembly
  const code = [
    OP.block, EMPTY_BLOCK,
    OP.loop, EMPTY_BLOCK,
    OP.localGet, i, OP.localGet, count, OP.i32GeU, OP.brIf, 1,
    OP.localGet, values, OP.localGet, i, OP.i32Const, ...signed(3), OP.i32Shl, OP.i32Add, OP.f64Load, 3, 0, OP.localSet, v,
    OP.i32Const, 0, OP.localSet, lo,
    ...[128, 64, 32, 16, 8, 4, 2, 1].flatMap(halving),
    // bin = v is NaN ? missingBin : lo
    OP.localGet, missingBin, OP.localGet, lo, OP.localGet, v, OP.localGet, v, OP.f64Ne, OP.select, OP.localSet, lo,
    OP.localGet, out, OP.localGet, i, OP.localGet, stride, OP.i32Mul, OP.i32Add, OP.localGet, lo, OP.i32Store8, 0, 0,
    OP.localGet, column, OP.localGet, i, OP.i32Add, OP.localGet, lo, OP.i32Store8, 0, 0,
    OP.localGet, i, OP.i32Const, ...signed(1), OP.i32Add, OP.localSet, i,
    OP.br, 0,
    OP.end,
    OP.end,
    OP.end,
  ];
  return functionBody(
    [
      [2, I32],
      [1, F64],
    ],
    code,
  );
}

function moduleBytes(): Uint8Array {
  return wasmModule({ shared: true }, [
    { name: 'sum', params: 8, body: body(true) },
    { name: 'sumUnit', params: 8, body: body(false) },
    { name: 'partition', params: 9, results: [I32], body: partitionBody() },
    { name: 'binValues', params: 7, body: binBody() },
  ]);
}
