export * from './column.js';
export { Frame, type Matrix } from './frame.js';
export { type InputColumn, type InputSpec, inputSpec, type Predictor } from './input-spec.js';
export type { RawColumn, ReadNote } from './raw.js';
export {
  DEFAULT_MISSING_MARKERS,
  type ReadOptions,
  type ReadResult,
  readTable,
  readTableWithNotes,
  type SourceFormat,
} from './read.js';
export type { RequestTable, ShapeProblem } from './request-table.js';
export { type ColumnSchema, type Schema, schemaOf } from './schema.js';
export type { CsvDialect } from './sniff.js';
export {
  groupSplit,
  randomSplit,
  type Split,
  type SplitOptions,
  splitFrame,
  stratifiedSplit,
  type TimeSplitOptions,
  timeSplit,
} from './split.js';
export { MAX_LISTED, type Problem, type Validated, validateRequest, type Warning } from './validate.js';
export { type CsvWriteOptions, writeCsv, writeParquet } from './write.js';
