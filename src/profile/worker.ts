import { parentPort, workerData } from 'node:worker_threads';
import type { NumberColumn } from '../data/column.js';
import { type CentredColumn, centre, pearsonPairs, spearmanPairs } from './associations.js';
import { type HashSource, rowKeys } from './duplicates.js';
import { profileNumberColumn } from './profile.js';
import type { SortedValues } from './stats.js';
import type { ColumnProfile } from './types.js';

/** What every worker sees of the table, in memory shared with the main thread. */
export interface SharedTable {
  /** Number columns by frame index (undefined for other columns), on SharedArrayBuffers. */
  readonly numbers: readonly (Float64Array | undefined)[];
  /** Each column's input to the row hash (see `hashSource`), on SharedArrayBuffers. */
  readonly hashSources: readonly HashSource[];
  readonly sampleRows: Int32Array | undefined;
}

export type ProfileJob =
  | {
      readonly type: 'number-column';
      readonly index: number;
      readonly name: string;
      readonly kind: NumberColumn['kind'];
      /** Whether the column enters the Pearson matrix, which needs its centred sums. */
      readonly centre: boolean;
    }
  | {
      readonly type: 'pearson';
      /** Frame indices of the correlated columns, in matrix order. */
      readonly columns: readonly number[];
      readonly centred: readonly CentredColumn[];
      readonly firstColumns: readonly number[];
    }
  | {
      readonly type: 'spearman';
      readonly columns: readonly number[];
      /** Each column's sample order, on SharedArrayBuffers. */
      readonly orders: readonly SortedValues[];
      readonly firstColumns: readonly number[];
    }
  | { readonly type: 'row-keys'; readonly start: number; readonly end: number };

export interface NumberColumnWork {
  readonly profile: ColumnProfile;
  readonly centred: CentredColumn | undefined;
}

export type JobMessage = { readonly id: number; readonly job: ProfileJob };
export type ResultMessage =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string };

const table = workerData as SharedTable;

/** A number column's values at the sample rows (the column itself when the table is its own sample). */
function sampledValues(index: number): Float64Array {
  const values = table.numbers[index]!;
  const rows = table.sampleRows;
  if (rows === undefined) return values;
  const sampled = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) sampled[i] = values[rows[i]!]!;
  return sampled;
}

function run(job: ProfileJob): [unknown, ArrayBuffer[]] {
  switch (job.type) {
    case 'number-column': {
      const values = table.numbers[job.index]!;
      const column: NumberColumn = { storage: 'number', name: job.name, kind: job.kind, values };
      const centred = job.centre ? centre(values) : undefined;
      const work: NumberColumnWork = { profile: profileNumberColumn(column), centred };
      return [work, centred === undefined ? [] : [centred.missingRows.buffer as ArrayBuffer]];
    }
    case 'pearson': {
      const columns = job.columns.map((i) => table.numbers[i]!);
      const pairs = pearsonPairs(columns, job.centred, job.firstColumns);
      return [pairs, [pairs.buffer as ArrayBuffer]];
    }
    case 'spearman': {
      const pairs = spearmanPairs(job.columns.map(sampledValues), job.orders, job.firstColumns);
      return [pairs, [pairs.buffer as ArrayBuffer]];
    }
    case 'row-keys': {
      const keys = new Float64Array(job.end - job.start);
      rowKeys(table.hashSources, job.start, job.end, keys);
      return [keys, [keys.buffer as ArrayBuffer]];
    }
  }
}

parentPort?.on('message', ({ id, job }: JobMessage) => {
  let reply: ResultMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    const [result, buffers] = run(job);
    reply = { id, result };
    transfer = buffers;
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply, transfer);
});
