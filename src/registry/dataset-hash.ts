import { createHash, type Hash } from 'node:crypto';
import type { Column } from '../data/column.js';
import type { Frame } from '../data/frame.js';

/**
 * The SHA-256 (hex) of a table's content: what a run learned from, so two
 * runs on the same data can be recognised as such whether it was read from a
 * CSV, a Parquet file or a database. Where it was read from is not part of it;
 * the column order, names, kinds, category levels (in code order) and every
 * value are.
 *
 * The bytes hashed, in order (integers little-endian; a string is its UTF-8
 * byte length as u32 followed by the bytes):
 *
 *   "keel-dataset/1\n"        format tag (ASCII)
 *   u32 column count, u32 row count
 *   for each column, in the frame's order:
 *     string name, string kind, string storage ("number" | "categorical" | "string")
 *     number:      row count f64 values; every NaN as 0x7FF8000000000000, -0 as +0
 *     categorical: u32 level count, each level as a string, then row count i32 codes (-1 = missing)
 *     string:      per row, the string, or u32 0xFFFFFFFF for a missing value
 *
 * The same values therefore hash the same on every platform; changing the
 * layout means changing the format tag.
 */
export function datasetHash(frame: Frame): string {
  const sink = new HashSink(createHash('sha256'));
  sink.ascii('keel-dataset/1\n');
  sink.u32(frame.columnCount);
  sink.u32(frame.rowCount);
  for (const column of frame.columns) hashColumn(sink, column);
  return sink.digest();
}

function hashColumn(sink: HashSink, column: Column): void {
  sink.string(column.name);
  sink.string(column.kind);
  sink.string(column.storage);
  switch (column.storage) {
    case 'number':
      for (const value of column.values) sink.f64(value);
      return;
    case 'categorical':
      sink.u32(column.levels.length);
      for (const level of column.levels) sink.string(level);
      for (const code of column.codes) sink.i32(code);
      return;
    case 'string':
      for (const value of column.values) {
        if (value === null) sink.u32(MISSING_STRING);
        else sink.string(value);
      }
      return;
  }
}

const MISSING_STRING = 0xffffffff;
const CHUNK = 1 << 16;

/** Collects small writes in one buffer and hands the hash full chunks, so no value allocates. */
class HashSink {
  private readonly buffer = new Uint8Array(CHUNK);
  private readonly view = new DataView(this.buffer.buffer);
  private readonly encoder = new TextEncoder();
  private used = 0;

  constructor(private readonly hash: Hash) {}

  u32(value: number): void {
    this.room(4);
    this.view.setUint32(this.used, value, true);
    this.used += 4;
  }

  i32(value: number): void {
    this.room(4);
    this.view.setInt32(this.used, value, true);
    this.used += 4;
  }

  f64(value: number): void {
    this.room(8);
    // One bit pattern per value: readers may produce different NaNs (and
    // setFloat64 may keep a NaN's payload), and -0 prints as 0.
    if (Number.isNaN(value)) {
      this.view.setUint32(this.used, 0, true);
      this.view.setUint32(this.used + 4, 0x7ff80000, true);
    } else {
      this.view.setFloat64(this.used, value === 0 ? 0 : value, true);
    }
    this.used += 8;
  }

  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) {
      this.room(1);
      this.buffer[this.used++] = text.charCodeAt(i);
    }
  }

  string(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; short strings are encoded straight into the buffer.
    if (text.length * 3 + 4 <= CHUNK) {
      this.room(text.length * 3 + 4);
      const { written } = this.encoder.encodeInto(text, this.buffer.subarray(this.used + 4));
      this.view.setUint32(this.used, written, true);
      this.used += 4 + written;
      return;
    }
    const bytes = this.encoder.encode(text);
    this.u32(bytes.length);
    this.flush();
    this.hash.update(bytes);
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private room(bytes: number): void {
    if (this.used + bytes > CHUNK) this.flush();
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}
