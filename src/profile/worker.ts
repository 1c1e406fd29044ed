import { parentPort, workerData } from 'node:worker_threads';
import type { NumberColumn } from '../data/column.js';
import { type CentredColumn, centre, pearsonPairs, spearmanPairs } from './associations.js';
import { type HashSource, rowKeys } from './duplicates.js';
import { orderIn, profileNumberColumn } from './profile.js';
import type { SortedValues } from './stats.js';
import type { ColumnProfile } from './types.js';

/** What every worker sees of the table, in memory shared with the main thread. */
export interface SharedTable {
  /** Number columns by frame index (undefined for other columns), on SharedArrayBuffers. */
  readonly numbers: readonly (Float64Array | undefined)[];
  /** Each column's input to the row hash (see `hashSource`), on SharedArrayBuffers. */
  readonly hashSources: readonly HashSource[];
  readonly sampleRows: Int32Array | undefined;
  /** Where each number column's sample order goes (undefined for other columns), sample-length slots. */
  readonly sampleOrders: readonly (SortedValues | undefined)[];
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
      /** Present values in each column's sample, the length of its order in `sampleOrders`. */
      readonly present: readonly number[];
      readonly firstColumns: readonly number[];
    }
  | { readonly type: 'row-keys'; readonly start: number; readonly end: number };

/** A number column's result; its sample order is in the column's `sampleOrders` slot, `present` long. */
export interface NumberColumnWork {
  readonly profile: ColumnProfile;
  readonly present: number;
  readonly centred: CentredColumn | undefined;
}

function sampledValues(index: number): Float64Array {
  const values = table.numbers[index]!;
  const rows = table.sampleRows;
  if (rows === undefined) return values;
  const sampled = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) sampled[i] = values[rows[i]!]!;
  return sampled;
}

export type JobMessage = { readonly id: number; readonly job: ProfileJob };
export type ResultMessage =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: string };

const table = workerData as SharedTable;

function run(job: ProfileJob): [unknown, ArrayBuffer[]] {
  switch (job.type) {
    case 'number-column': {
      const values = table.numbers[job.index]!;
      const column: NumberColumn = { storage: 'number', name: job.name, kind: job.kind, values };
      const { profile, sampleOrder } = profileNumberColumn(column, table.sampleRows);
      const slot = table.sampleOrders[job.index]!;
      slot.sorted.set(sampleOrder.sorted);
      slot.rows.set(sampleOrder.rows);
      const centred = job.centre ? centre(values) : undefined;
      const work: NumberColumnWork = { profile, present: sampleOrder.sorted.length, centred };
      return [work, centred === undefined ? [] : [centred.missingRows.buffer as ArrayBuffer]];
    }
    case 'pearson': {
      const columns = job.columns.map((i) => table.numbers[i]!);
      const pairs = pearsonPairs(columns, job.centred, job.firstColumns);
      return [pairs, [pairs.buffer as ArrayBuffer]];
    }
    case 'spearman': {
      const columns = job.columns.map(sampledValues);
      const orders = job.columns.map((i, c) => orderIn(table.sampleOrders[i]!, job.present[c]!));
      const pairs = spearmanPairs(columns, orders, job.firstColumns);
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
