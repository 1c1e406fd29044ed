export * from './column.js';
export { Frame, type Matrix } from './frame.js';
export type { RawColumn, ReadNote } from './raw.js';
export {
  DEFAULT_MISSING_MARKERS,
  type ReadOptions,
  type ReadResult,
  readTable,
  readTableWithNotes,
  type SourceFormat,
} from './read.js';
export type { CsvDialect } from './sniff.js';
